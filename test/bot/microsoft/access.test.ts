/**
 * Access assignments below the chat: the real app, store and Graph client against the stand-in
 * of Microsoft, on a pinned clock, so the back-off is stepped through instead of waited for.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';
import { DEFAULT_GDAP_ROLES } from '../../../bot/microsoft/roles.js';
import { createGraphClient } from '../../../bot/microsoft/graph-client.js';
import type { GraphError } from '../../../bot/microsoft/graph.js';
import { toCustomerDetailsView } from '../../../views/index.js';
import { permissionsOf } from '../../../bot/service/permissions.js';
import { renderText } from '../../../render/text/render-text.js';
import { admin, openApp, sentInvitation } from './harness.js';

type App = Awaited<ReturnType<typeof openApp>>;
const MINUTE = 60_000;
let now: Date;
const clock = { now: () => now };
let fake: FakeMicrosoft;
let app: App | null = null;
const fabrikam = { tenantId: 'fab0fab0-0000-4000-8000-00000000fab0', displayName: 'Fabrikam Srl' };

beforeEach(async () => {
  now = new Date('2031-03-01T09:00:00.000Z');
  fake = await startFakeMicrosoft({ now: () => now });
});
afterEach(async () => {
  await app?.sync?.stop();
  await app?.store.close();
  app = null;
  await fake.close();
});

const readyDeliveries = (a: App) => [...a.store.all('deliveries')].filter((d) => d.event.type === 'adminAccess.ready');

describe('GDAP_ACCESS groups', () => {
  it('explains a group the partner tenant does not have, backs off, and assigns it once it exists', async () => {
    const [readers] = DEFAULT_GDAP_ROLES;
    app = await openApp(fake, clock, { env: { GDAP_ACCESS: `AdminAgents=*;Tier 1 Support=${readers}` } });
    await app.service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C0NEWS', name: 'customer-news' });
    const { relationshipId } = await sentInvitation(app, { companyName: 'Fabrikam' });
    fake.approve(relationshipId, fabrikam);
    fake.addCustomer(fabrikam);

    await app.sync!.runOnce();
    expect(app.service.accessOf(relationshipId)).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: { code: 'groupNotFound', group: 'Tier 1 Support' },
    });
    // The customer's details say why, in words, with the button for admins.
    const customer = [...app.store.all('customers')].find((c) => c.tenantId === fabrikam.tenantId)!;
    const viewer = { locale: 'en' as const, permissions: permissionsOf('global-admin') };
    const details = JSON.stringify(
      renderText(toCustomerDetailsView(viewer, await app.service.customerDetails(admin, customer.id), 'adminAccess')),
    );
    expect(details).toContain('Your partner tenant has no security group named Tier 1 Support');
    expect(details).toContain('Assign groups again');

    // Within the back-off nothing is tried; after it, a second failure waits longer.
    const reads = () => fake.requests().filter((r) => r.path === '/v1.0/groups').length;
    const before = reads();
    await app.sync!.runOnce();
    expect(reads()).toBe(before);
    now = new Date(now.getTime() + 2 * MINUTE);
    await app.sync!.runOnce();
    expect(app.service.accessOf(relationshipId)).toMatchObject({ state: 'failed', attempts: 2 });
    const second = Date.parse(app.service.accessOf(relationshipId)!.nextAttemptAt!) - now.getTime();
    expect(second).toBeGreaterThan(MINUTE);

    // The group is made in Entra; the next try after the back-off assigns both, and access is ready once.
    const tier1 = fake.addGroup('Tier 1 Support');
    now = new Date(now.getTime() + 10 * MINUTE);
    await app.sync!.runOnce();
    expect(fake.accessAssignments(relationshipId).map((a) => [a.groupId, a.roleDefinitionIds])).toEqual([
      [fake.groupId('AdminAgents'), DEFAULT_GDAP_ROLES],
      [tier1, [readers]],
    ]);
    await app.sync!.runOnce();
    await app.sync!.runOnce();
    expect(app.service.accessOf(relationshipId)).toMatchObject({ state: 'ready', lastError: null });
    expect(readyDeliveries(app)).toHaveLength(1);
  });

  it('keeps where it stands across a restart, and says ready once whichever app sees it', async () => {
    app = await openApp(fake, clock);
    await app.service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C0NEWS', name: 'customer-news' });
    const { relationshipId } = await sentInvitation(app, { companyName: 'Fabrikam' });
    fake.approve(relationshipId, fabrikam);
    await app.sync!.runOnce();
    expect(app.service.accessOf(relationshipId)).toMatchObject({ state: 'assigning' });

    // A restart on the same data file: the assignments are not made again, and ready is said once.
    const { dataFile } = app;
    await app.store.close();
    app = await openApp(fake, clock, { dataFile });
    expect(app.service.accessOf(relationshipId)).toMatchObject({
      state: 'assigning',
      groups: [{ group: 'AdminAgents' }, { group: 'HelpdeskAgents' }],
    });
    await app.sync!.runOnce();
    await app.sync!.runOnce();
    expect(app.service.accessOf(relationshipId)).toMatchObject({ state: 'ready' });
    expect(fake.requests().filter((r) => r.path.endsWith('/accessAssignments') && r.method === 'POST')).toHaveLength(2);
    expect(readyDeliveries(app)).toHaveLength(1);
    expect(readyDeliveries(app)[0]!.event).toMatchObject({
      companyName: 'Fabrikam Srl',
      groups: [{ group: 'AdminAgents' }, { group: 'HelpdeskAgents' }],
    });
  });

  it('leaves relationships made outside the bot alone, and a relationship whose roles no group gets is explained', async () => {
    app = await openApp(fake, clock, { env: { GDAP_ACCESS: `HelpdeskAgents=${'729827e3-9c14-49f7-bb1b-9608f156bbb8'}` } });
    const { relationshipId } = await sentInvitation(app, { companyName: 'Fabrikam' });
    fake.approve(relationshipId, fabrikam);
    // One made in Partner Center, approved by another customer: not the bot's to assign.
    const outside = await app.graph.createRelationship({
      displayName: 'Made in Partner Center',
      duration: 'P730D',
      roleDefinitionIds: DEFAULT_GDAP_ROLES,
      autoExtendDuration: 'PT0S',
    });
    await app.graph.lockForApproval(outside);
    fake.approve(outside.id, { tenantId: 'a11ce000-0000-4000-8000-0000000a11ce', displayName: 'Adatum' });
    await app.sync!.runOnce();
    expect(app.service.accessOf(relationshipId)).toMatchObject({ state: 'failed', lastError: { code: 'nothingToAssign' } });
    expect(app.service.accessOf(outside.id)).toMatchObject({ state: 'waiting', groups: [] });
    expect(fake.requests().filter((r) => r.path.endsWith('/accessAssignments'))).toHaveLength(0);
  });
});

describe('access assignments at Graph (the client against the stand-in)', () => {
  it('assigns only on an active relationship, only its roles, once per group, pending then active', async () => {
    app = await openApp(fake, clock);
    const graph = app.graph;
    const [readers, licences, support] = DEFAULT_GDAP_ROLES;
    const made = await graph.createRelationship({
      displayName: 'Fabrikam',
      duration: 'P730D',
      roleDefinitionIds: [readers!, licences!],
      autoExtendDuration: 'PT0S',
    });
    const [groupId] = await graph.groupIdsNamed('AdminAgents');
    expect(groupId).toBe(fake.groupId('AdminAgents'));
    expect(await graph.groupIdsNamed("O'Brien's team")).toEqual([]);

    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (e: unknown) => e as GraphError,
      );
    const early = await refusal(graph.createAccessAssignment(made.id, { groupId: groupId!, roleDefinitionIds: [readers!] }));
    expect(early).toMatchObject({ status: 400, code: 'BadRequest' });
    await graph.lockForApproval(made);
    fake.approve(made.id, fabrikam);
    const outside = await refusal(graph.createAccessAssignment(made.id, { groupId: groupId!, roleDefinitionIds: [readers!, support!] }));
    expect(outside).toMatchObject({ status: 400, code: 'BadRequest' });

    const assignment = await graph.createAccessAssignment(made.id, { groupId: groupId!, roleDefinitionIds: [readers!] });
    expect(assignment).toMatchObject({ groupId, roleDefinitionIds: [readers], status: 'pending' });
    const duplicate = await refusal(graph.createAccessAssignment(made.id, { groupId: groupId!, roleDefinitionIds: [readers!] }));
    expect(duplicate).toMatchObject({ status: 409, code: 'conflict' });
    expect((await graph.listAccessAssignments(made.id)).map((a) => a.status)).toEqual(['pending']);
    expect((await graph.listAccessAssignments(made.id)).map((a) => a.status)).toEqual(['active']);

    // Without DelegatedAdminRelationship.ReadWrite.All (a new token), Graph refuses.
    fake.setGrantedRoles(['DelegatedAdminRelationship.Read.All', 'GroupMember.Read.All']);
    const readOnly = createGraphClient({ ...app.config.microsoft!, sleep: async () => {} });
    const denied = await refusal(
      readOnly.createAccessAssignment(made.id, { groupId: fake.groupId('HelpdeskAgents'), roleDefinitionIds: [readers!] }),
    );
    expect(denied).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await readOnly.listAccessAssignments(made.id)).toHaveLength(1);
  });
});
