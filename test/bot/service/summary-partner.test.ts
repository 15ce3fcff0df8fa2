import { describe, expect, it } from 'vitest';
import { actor, admin, contact, tempStore, testService } from '../../helpers.js';
import { ensurePartner } from '../../../bot/service/partner.js';

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
    expect(first.name).toBe('Your CSP partner');
    expect(first.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    await ensurePartner(store, { name: null, id: null });
    expect(store.partner()).toEqual(first);
    await ensurePartner(store, { name: 'Northwind Cloud', id: null });
    expect(store.partner()).toEqual({ ...first, name: 'Northwind Cloud' });
    await ensurePartner(store, { name: null, id: 'tenant-given' });
    expect(store.partner()).toEqual({ id: first.id, name: 'Northwind Cloud', tenantId: 'tenant-given' });
  });
});
