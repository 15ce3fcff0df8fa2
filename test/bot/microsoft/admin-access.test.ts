/**
 * `end admin access` and the GDAP list behind it, in the service with the real Graph client
 * against the stand-in of Microsoft: which relationships are live and ended, in what order they are
 * shown, what the audit records, and the second request that finds nothing left to end.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';
import { testService } from '../../helpers.js';
import { admin, openApp, sentInvitation } from './harness.js';

let now: Date;
const clock = { now: () => now };
let fake: FakeMicrosoft;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  now = new Date('2031-03-01T09:00:00.000Z');
  fake = await startFakeMicrosoft({ now: () => now });
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await fake.close();
});

const later = (days: number) => {
  now = new Date(now.getTime() + days * 86_400_000);
};

describe('end admin access', () => {
  it('ends only the live relationships, lists them newest end date first, audits the ended ones, and then has nothing left', async () => {
    const app = await openApp(fake, clock);
    cleanups.push(() => app.store.close());
    const tenantId = randomUUID();
    const customer = { tenantId, displayName: 'Contoso Ltd' };
    const first = await sentInvitation(app, { companyName: 'Contoso Ltd' });
    const second = await sentInvitation(app, { companyName: 'Contoso Ltd' });
    const third = await sentInvitation(app, { companyName: 'Contoso Ltd' });
    fake.approve(first.relationshipId, customer);
    later(1);
    fake.approve(third.relationshipId, customer);
    later(1);
    fake.approve(second.relationshipId, customer);
    later(1);
    fake.expire(third.relationshipId);
    await app.sync!.runOnce();
    const listed = [...app.store.all('customers')].filter((c) => c.tenantId === tenantId);
    expect(listed).toHaveLength(1);

    const before = app.service.adminAccessOf(admin, 'Contoso Ltd');
    expect(before).toMatchObject({ customerId: listed[0]!.id, companyName: 'Contoso Ltd', tenantId });
    // Newest end date first: the second approved last; the third ended (expired) today.
    expect(before.relationships.map((r) => [r.id, r.status])).toEqual([
      [second.relationshipId, 'active'],
      [first.relationshipId, 'active'],
      [third.relationshipId, 'expired'],
    ]);

    const result = await app.service.endAdminAccess(admin, listed[0]!.id);
    expect(result.alreadyDone).toBe(false);
    expect(result.companyName).toBe('Contoso Ltd');
    expect(result.ended.map((r) => r.id).sort()).toEqual([first.relationshipId, second.relationshipId].sort());
    for (const record of result.ended) {
      expect(record.status).toMatch(/^terminat/);
      expect(record.syncedAt).toBe(now.toISOString());
      expect(app.store.get('gdap', record.id)).toEqual(record);
    }
    expect(app.store.get('gdap', third.relationshipId)!.status).toBe('expired');
    const statuses = new Map(fake.relationships().map((r) => [r.id, r.status]));
    expect(statuses.get(third.relationshipId)).toBe('expired');
    expect(statuses.get(first.relationshipId)).toMatch(/^terminat/);
    const audit = app.service.listAudit(admin, { target: listed[0]!.id }).filter((e) => e.action === 'adminAccess.ended');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toEqual({ tenantId, relationships: expect.arrayContaining([first.relationshipId, second.relationshipId]) });
    expect((audit[0]!.details.relationships as string[]).length).toBe(2);

    const again = await app.service.endAdminAccess(admin, listed[0]!.id);
    expect(again).toEqual({ companyName: 'Contoso Ltd', ended: [], alreadyDone: true });
    expect(app.service.listAudit(admin, { target: listed[0]!.id }).filter((e) => e.action === 'adminAccess.ended')).toHaveLength(1);
  });
});

describe('directory status without Microsoft', () => {
  it("names the embedded directory and the partner's tenant, with nothing to check", async () => {
    const { service, store } = await testService();
    expect(await service.directoryStatus(admin)).toEqual({
      kind: 'embedded',
      tenantId: store.partner()!.tenantId,
      appId: null,
      missingPermissions: null,
      permissionError: null,
      sync: null,
    });
    expect(await service.refreshCustomers(admin)).toBeNull();
    const customer = await service.acceptInvitation(
      (await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' })).token,
      {
        companyName: 'Contoso Ltd',
        domain: 'contoso.com',
        name: 'Anna Verdi',
        email: 'anna@contoso.com',
      },
    );
    expect(service.adminAccessOf(admin, 'contoso.com')).toEqual({
      customerId: customer.customer.id,
      companyName: 'Contoso Ltd',
      tenantId: customer.customer.tenantId,
      relationships: [],
    });
    expect(await service.endAdminAccess(admin, customer.customer.id)).toEqual({ companyName: 'Contoso Ltd', ended: [], alreadyDone: true });
  });
});
