import { describe, expect, it } from 'vitest';
import { actor, admin, contact, tempStore, testService } from '../../helpers.js';
import { ensurePartner } from '../../../bot/service/partner.js';
import { createService } from '../../../bot/service/index.js';

describe('home summary', () => {
  it('gives someone without a role nothing but that', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.acceptInvitation(draft.token, contact());
    expect(service.summary(actor('stranger'))).toEqual({
      role: null,
      permissions: expect.any(Object),
      customers: 0,
      pending: 0,
      recentAcceptances: [],
    });
    expect(Object.values(service.summary(actor('stranger')).permissions).some(Boolean)).toBe(false);
  });

  it('counts listed customers and live pending invitations, and names the latest acceptances as best it can', async () => {
    const { service, store, clock } = await testService();
    await service.grantRole(admin, { role: 'sales-agent', principal: 'cli:sal' });
    const accepted: string[] = [];
    for (const [i, name] of ['Contoso Ltd', 'Fabrikam', 'Tailspin'].entries()) {
      const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en', companyName: `Invited as ${name}` });
      await service.acceptInvitation(draft.token, { ...contact(`c${i}.example`), companyName: name });
      accepted.push(draft.id);
      clock.now = new Date(clock.now.getTime() + 60_000);
    }
    await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const sent = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, sent.id, { body: sent.body });
    const old = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await store.transact((tx) => {
      // An invitation past its expiry is not pending, whatever its stored status.
      tx.put('invitations', { ...store.get('invitations', old.id)!, expiresAt: '2026-01-01T00:00:00.000Z' });
      // One customer is gone from the store: the invitation's own name stands in; with none, nothing.
      const fabrikam = store.get('invitations', accepted[1]!)!;
      tx.delete('customers', fabrikam.customerId!);
      const tailspin = store.get('invitations', accepted[2]!)!;
      tx.put('invitations', { ...tailspin, customerId: null, companyName: null });
    });
    const summary = service.summary(actor('sal'));
    expect(summary).toMatchObject({ role: 'sales-agent', permissions: ['look'], customers: 2, pending: 2 });
    expect(summary.recentAcceptances.map((a) => a.companyName)).toEqual(['', 'Invited as Fabrikam', 'Contoso Ltd']);
    expect(service.summary(admin).role).toBe('global-admin');
    expect(service.summary(admin).permissions).toEqual(expect.arrayContaining(['invite', 'remove', 'addProvider']));
  });
});

describe('the partner record', () => {
  it('is created from configuration or defaults, keeps its ids across restarts, and follows a new name', async () => {
    const { store } = await tempStore();
    await ensurePartner(store, { name: null, id: null });
    const first = store.partner()!;
    // No name is invented: customers would read a placeholder.
    expect(first.name).toBeNull();
    expect(first.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    await ensurePartner(store, { name: null, id: null });
    expect(store.partner()).toEqual(first);
    await ensurePartner(store, { name: 'Northwind Cloud', id: null });
    expect(store.partner()).toEqual({ ...first, name: 'Northwind Cloud' });
    await ensurePartner(store, { name: null, id: 'tenant-given' });
    expect(store.partner()).toEqual({ id: first.id, name: 'Northwind Cloud', tenantId: 'tenant-given' });
    // A name from the environment is one line, like any text from outside.
    await ensurePartner(store, { name: '  Northwind\u202e Cloud\n', id: null });
    expect(store.partner()!.name).toBe('Northwind Cloud');
  });

  it("is named once by a Global admin before the first invitation, audited, and shown by status; others are told who can", async () => {
    const { store } = await tempStore();
    await ensurePartner(store, { name: null, id: null });
    const service = createService({ store, publicUrl: 'https://bot.example.com', bootstrapAdmins: ['cli:admin'] });
    await service.grantRole(admin, { role: 'admin-agent', principal: 'cli:ada' });
    const ada = actor('ada');
    await expect(service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' })).rejects.toMatchObject({ key: 'partner.nameNeeded' });
    await expect(service.draftInvitation(ada, { acquisition: 'own-marketing', locale: 'it' })).rejects.toMatchObject({ key: 'partner.askGlobalAdmin' });
    // Nothing was drafted (and nothing prepared at Microsoft) without the name.
    expect([...store.all('invitations')]).toHaveLength(0);
    expect((await service.directoryStatus(admin)).partnerName).toBeNull();

    await expect(service.namePartner(ada, { name: 'Ada Cloud' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
    await expect(service.namePartner(admin, { name: ' \u200e ' })).rejects.toMatchObject({ key: 'partner.nameRequired', fields: { partnerName: 'partner.nameRequired' } });
    await expect(service.namePartner(admin, { name: 'N'.repeat(101) })).rejects.toMatchObject({ key: 'partner.nameTooLong', params: { max: 100 } });
    await expect(service.namePartner(admin, { name: 42 })).rejects.toMatchObject({ key: 'partner.nameRequired' });
    expect(await service.namePartner(admin, { name: '  Northwind   Cloud ' })).toEqual({ name: 'Northwind Cloud', previous: null });
    expect(store.partner()).toMatchObject({ name: 'Northwind Cloud' });
    expect((await service.directoryStatus(ada)).partnerName).toBe('Northwind Cloud');
    expect(service.listAudit(admin, { limit: 1 })[0]).toMatchObject({ action: 'partner.named', subject: 'Northwind Cloud', details: { name: 'Northwind Cloud', previous: null } });

    const draft = await service.draftInvitation(ada, { acquisition: 'own-marketing', locale: 'it' });
    expect(draft.subject).toContain('Northwind Cloud');
    expect(draft.partnerName).toBe('Northwind Cloud');
    expect(await service.namePartner(admin, { name: 'Northwind Cloud Italia' })).toEqual({ name: 'Northwind Cloud Italia', previous: 'Northwind Cloud' });
  });

  it('is renamed only in configuration when PARTNER_NAME sets it', async () => {
    const { store } = await tempStore();
    await ensurePartner(store, { name: 'Northwind Cloud', id: null });
    const service = createService({ store, publicUrl: 'https://bot.example.com', bootstrapAdmins: ['cli:admin'], partnerNameFromConfig: true });
    await expect(service.namePartner(admin, { name: 'Someone Else' })).rejects.toMatchObject({ key: 'partner.nameFromConfig' });
    expect(store.partner()!.name).toBe('Northwind Cloud');
  });
});
