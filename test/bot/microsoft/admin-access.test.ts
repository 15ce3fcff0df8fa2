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
import { toEndAccessOutcomeView } from '../../../views/index.js';

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
    const elsewhere = await sentInvitation(app, { companyName: 'Fabrikam' });
    fake.approve(elsewhere.relationshipId, { tenantId: randomUUID(), displayName: 'Fabrikam' });
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
    expect(statuses.get(elsewhere.relationshipId)).toBe('active');
    const audit = app.service.listAudit(admin, { target: listed[0]!.id }).filter((e) => e.action === 'adminAccess.ended');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toEqual({ tenantId, relationships: expect.arrayContaining([first.relationshipId, second.relationshipId]) });
    expect((audit[0]!.details.relationships as string[]).length).toBe(2);

    const again = await app.service.endAdminAccess(admin, listed[0]!.id);
    expect(again).toEqual({ companyName: 'Contoso Ltd', ended: [], notEnded: [], alreadyDone: true });
    expect(app.service.listAudit(admin, { target: listed[0]!.id }).filter((e) => e.action === 'adminAccess.ended')).toHaveLength(1);
  });
});

describe('end admin access on a relationship approved but not active yet', () => {
  it('ends the active one and says why the approved one is left; with only that one, nothing is recorded', async () => {
    const app = await openApp(fake, clock);
    cleanups.push(() => app.store.close());
    const tenantId = randomUUID();
    const customer = { tenantId, displayName: 'Contoso Ltd' };
    const active = await sentInvitation(app, { companyName: 'Contoso Ltd' });
    const pending = await sentInvitation(app, { companyName: 'Contoso Ltd' });
    fake.approve(active.relationshipId, customer);
    fake.approve(pending.relationshipId, customer, { activate: false });
    await app.sync!.runOnce();
    const [listed] = [...app.store.all('customers')].filter((c) => c.tenantId === tenantId);

    const result = await app.service.endAdminAccess(admin, listed!.id);
    expect(result.ended.map((r) => r.id)).toEqual([active.relationshipId]);
    expect(result.notEnded).toEqual([{ displayName: expect.any(String), reason: 'notYetActive' }]);
    const statuses = new Map(fake.relationships().map((r) => [r.id, r.status]));
    expect(statuses.get(active.relationshipId)).toMatch(/^terminat/);
    expect(statuses.get(pending.relationshipId)).toBe('approved');

    const audited = () => app.service.listAudit(admin, { target: listed!.id }).filter((e) => e.action === 'adminAccess.ended');
    expect(audited()).toHaveLength(1);
    const again = await app.service.endAdminAccess(admin, listed!.id);
    expect(again).toMatchObject({ ended: [], alreadyDone: false, notEnded: [{ reason: 'notYetActive' }] });
    expect(audited()).toHaveLength(1);
    expect(app.store.get('gdap', pending.relationshipId)!.status).toBe('approved');
    // What the card says, in both languages: the reason, and what to do.
    const en = toEndAccessOutcomeView({ locale: 'en', permissions: [] }, again).text;
    expect(en).toContain('Admin access for Contoso Ltd is still in place');
    expect(en).toMatch(/is approved but not active yet, and Microsoft ends a relationship only once it is active .*Type `end admin access` again shortly\./);
    expect(toEndAccessOutcomeView({ locale: 'it', permissions: [] }, again).text).toMatch(/è approvata ma non ancora attiva.*`termina accesso amministrativo`/);
  });
});

describe('invitations and removals with the Microsoft directory', () => {
  const requestsFor = (relationshipId: string) => fake.requests().filter((r) => r.path.includes(relationshipId)).length;

  it('Done names the links missing and refuses an over-long email; revoking asks Microsoft only while the invitation is pending', async () => {
    const app = await openApp(fake, clock);
    cleanups.push(() => app.store.close());
    const draft = await app.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const { resellerLink, approvalLink } = draft.microsoft!;
    await expect(app.service.markInvitationSent(admin, draft.id, { body: 'no links at all' })).rejects.toMatchObject({
      code: 'InvalidInput',
      key: 'invitation.linksMissing',
      params: { links: `${resellerLink}\n${approvalLink}` },
      fields: { body: 'invitation.linksMissing' },
    });
    const links = `${resellerLink}\n${approvalLink}\n`;
    for (const edited of [{ body: links + 'x'.repeat(10_001 - links.length) }, { body: links, subject: 's'.repeat(301) }])
      await expect(app.service.markInvitationSent(admin, draft.id, edited)).rejects.toMatchObject({
        key: 'invitation.tooLong',
        fields: { body: 'invitation.tooLong' },
      });
    const sent = await app.service.markInvitationSent(admin, draft.id, {
      body: links + 'x'.repeat(10_000 - links.length),
      subject: 's'.repeat(300),
    });
    expect(sent).toMatchObject({ status: 'sent', alreadyDone: false });
    expect(app.service.listAudit(admin, { target: draft.id })[0]).toMatchObject({ action: 'invitation.sent', details: { edited: true } });

    const plain = await app.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await app.service.markInvitationSent(admin, plain.id, { body: plain.body });
    expect(app.service.listAudit(admin, { target: plain.id })[0]!.details).toEqual({ edited: false });

    // Accepted: Microsoft is not asked to withdraw anything, and the revoke is refused.
    fake.approve(draft.microsoft!.gdapRelationshipId, { tenantId: randomUUID(), displayName: 'Contoso Ltd' });
    await app.sync!.runOnce();
    const asked = requestsFor(draft.microsoft!.gdapRelationshipId);
    await expect(app.service.revokeInvitation(admin, draft.id)).rejects.toMatchObject({ code: 'Conflict' });
    expect(requestsFor(draft.microsoft!.gdapRelationshipId)).toBe(asked);
    // Revoked once: the second revoke asks Microsoft nothing.
    expect((await app.service.revokeInvitation(admin, plain.id)).alreadyDone).toBe(false);
    const afterRevoke = requestsFor(plain.microsoft!.gdapRelationshipId);
    expect((await app.service.revokeInvitation(admin, plain.id)).alreadyDone).toBe(true);
    expect(requestsFor(plain.microsoft!.gdapRelationshipId)).toBe(afterRevoke);
  });

  it('links a confirmed removal to Partner Center while the relationship is still active here, and ends one Partner Center does not hold', async () => {
    const app = await openApp(fake, clock);
    cleanups.push(() => app.store.close());
    const tenantId = randomUUID();
    const { relationshipId } = await sentInvitation(app, { companyName: 'Contoso Ltd' });
    fake.approve(relationshipId, { tenantId, displayName: 'Contoso Ltd' });
    await app.sync!.runOnce();
    const customer = [...app.store.all('customers')].find((c) => c.tenantId === tenantId)!;
    const details = await app.service.customerDetails(admin, customer.id);
    const link = `https://partner.microsoft.com/dashboard/v2/customers/${tenantId}/account`;
    expect(details.microsoft).toMatchObject({ partnerCenterLink: link });
    expect(app.service.getCustomer(admin, customer.id).microsoft!.adminAccess.map((r) => r.id)).toEqual([relationshipId]);

    const request = await app.service.requestRemoval(admin, customer.id);
    expect(request.followUp).toBeNull();
    const done = await app.service.confirmRemoval(admin, request.removal.id, { attested: true });
    expect(done.followUp).toEqual({ link });
    const reseller = app.store.get('relationships', request.removal.relationshipId)!;
    expect(reseller.status).toBe('active');
    expect(app.service.getRemoval(admin, request.removal.id).followUp).toEqual({ link });
    // Once the relationship is gone here too, nothing is left to do by hand.
    await app.store.transact((tx) => tx.put('relationships', { ...reseller, status: 'removed', endedAt: now.toISOString() }));
    expect(app.service.getRemoval(admin, request.removal.id).followUp).toBeNull();

    // A customer from before Microsoft was connected (no tenant) is found in Partner Center's list.
    await app.store.transact((tx) => {
      tx.put('customers', { ...customer, id: 'legacy', companyName: 'Legacy Ltd', domain: 'legacy.example', tenantId: null });
      tx.put('relationships', { ...reseller, id: 'legacy-reseller', customerId: 'legacy', status: 'active', endedAt: null });
      // A GDAP request nobody approved has no customer tenant: it belongs to no customer, least of all one without a tenant.
      tx.put('gdap', { ...app.store.get('gdap', relationshipId)!, id: 'unapproved', customerTenantId: null, customerName: null });
    });
    const list = 'https://partner.microsoft.com/dashboard/v2/customers/list';
    expect((await app.service.customerDetails(admin, 'legacy')).microsoft).toEqual({ adminAccess: [], partnerCenterLink: list });
    const legacy = await app.service.requestRemoval(admin, 'legacy');
    // Its record gone before the confirmation: nothing left at Microsoft to point to, so it ends here.
    await app.store.transact((tx) => tx.delete('customers', 'legacy'));
    const ended = await app.service.confirmRemoval(admin, legacy.removal.id, { attested: true });
    expect(ended).toMatchObject({ followUp: null, companyName: 'legacy' });
    expect(app.store.get('relationships', 'legacy-reseller')!.status).toBe('removed');
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
      partnerName: 'Northwind Cloud',
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
    expect(await service.endAdminAccess(admin, customer.customer.id)).toEqual({ companyName: 'Contoso Ltd', ended: [], notEnded: [], alreadyDone: true });
  });
});
