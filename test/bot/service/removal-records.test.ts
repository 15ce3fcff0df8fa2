/**
 * What a removal records and reuses: one pending request per relationship and language, the
 * audit details of each step, and the customer's name on every view. (Mutation testing found
 * these unchecked.)
 */
import { describe, expect, it } from 'vitest';
import { admin, contact, testService } from '../../helpers.js';
import { attestationText } from '../../../bot/service/attestation.js';

async function withCustomer() {
  const t = await testService();
  const draft = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  const { customer } = await t.service.acceptInvitation(draft.token, contact());
  const relationship = [...t.store.all('relationships')].find((r) => r.customerId === customer.id && r.kind === 'reseller')!;
  return { ...t, customer, relationship };
}

describe('removal records', () => {
  it('reuses the pending request of the same language, and starts another for another language or after a cancel', async () => {
    const { service, store, customer, relationship, clock } = await withCustomer();
    const first = await service.requestRemoval(admin, 'Contoso Ltd');
    expect(first).toMatchObject({ companyName: 'Contoso Ltd', domain: 'contoso.com', alreadyDone: false });
    expect(first.removal).toMatchObject({
      customerId: customer.id,
      relationshipId: relationship.id,
      status: 'pending',
      requestedBy: { platform: 'cli', userId: 'admin' },
      requestedAt: clock.now.toISOString(),
      attestationLocale: 'en',
      attestedBy: null,
      cancelledBy: null,
    });
    expect((await service.requestRemoval(admin, 'contoso.com')).removal.id).toBe(first.removal.id);
    const italian = await service.requestRemoval({ ...admin, locale: 'it' }, 'Contoso Ltd');
    expect(italian.removal.id).not.toBe(first.removal.id);
    expect(italian.removal.attestationLocale).toBe('it');
    await service.cancelRemoval(admin, first.removal.id);
    const again = await service.requestRemoval(admin, 'Contoso Ltd');
    expect([first.removal.id, italian.removal.id]).not.toContain(again.removal.id);
    expect(store.count('removals')).toBe(3);
    expect(
      service
        .listAudit(admin, { limit: 500 })
        .filter((e) => e.action === 'removal.requested')
        .map((e) => e.details),
    ).toEqual([{ customerId: customer.id }, { customerId: customer.id }, { customerId: customer.id }]);
  });

  it('audits the confirmation with the attestation it was given and the DAP it left', async () => {
    const { service, store, customer, relationship, clock } = await withCustomer();
    const request = await service.requestRemoval({ ...admin, locale: 'it' }, 'Contoso Ltd');
    clock.now = new Date(clock.now.getTime() + 60_000);
    const done = await service.confirmRemoval({ ...admin, locale: 'it' }, request.removal.id, { attested: true });
    expect(done).toMatchObject({ companyName: 'Contoso Ltd', domain: 'contoso.com', alreadyDone: false });
    expect(done.removal).toMatchObject({ status: 'confirmed', attestedAt: clock.now.toISOString(), attestedBy: { userId: 'admin' } });
    expect(service.getRemoval(admin, request.removal.id).removal.status).toBe('confirmed');
    const [event] = service.listAudit(admin, { target: request.removal.id });
    expect(event).toMatchObject({
      action: 'removal.confirmed',
      details: {
        customerId: customer.id,
        relationshipId: relationship.id,
        attestationVersion: request.removal.attestationVersion,
        attestationLocale: 'it',
        dapGranted: true,
      },
    });
    const ended = store.get('relationships', relationship.id);
    expect(ended).toMatchObject({ status: 'removed', endedAt: clock.now.toISOString(), dapGranted: true });
  });

  it('records who cancelled and when, and audits it', async () => {
    const { service, customer, clock } = await withCustomer();
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    const cancelled = await service.cancelRemoval(admin, request.removal.id);
    expect(cancelled.removal).toMatchObject({
      status: 'cancelled',
      cancelledBy: { userId: 'admin' },
      cancelledAt: clock.now.toISOString(),
    });
    expect(cancelled.companyName).toBe('Contoso Ltd');
    expect(service.listAudit(admin, { target: request.removal.id })[0]).toMatchObject({
      action: 'removal.cancelled',
      details: { customerId: customer.id },
    });
    expect(service.listCustomers(admin).total).toBe(1);
  });

  it('names every active subscription that blocks a removal, and the customer', async () => {
    const { service, store, customer } = await withCustomer();
    const subscription = (id: string, offer: string, quantity: number, status: 'active' | 'suspended') => ({
      id,
      offer,
      quantity,
      status,
      renewsOn: null,
    });
    await store.transact((tx, read) => {
      tx.put('customers', {
        ...read.get('customers', customer.id)!,
        subscriptions: [
          subscription('s1', 'Microsoft 365 E3', 10, 'active'),
          subscription('s2', 'Visio', 1, 'suspended'),
          subscription('s3', 'Teams Phone', 5, 'active'),
        ],
      });
    });
    const error = await service.requestRemoval(admin, 'Contoso Ltd').catch((e) => e);
    expect(error.params).toEqual({ company: 'Contoso Ltd', count: 2, subscriptions: 'Microsoft 365 E3 (10), Teams Phone (5)' });
    expect(store.count('removals')).toBe(0);
  });

  it('refuses to confirm when a subscription became active after the request, and changes nothing', async () => {
    const { service, store, customer, relationship } = await withCustomer();
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    await store.transact((tx, read) => {
      tx.put('customers', {
        ...read.get('customers', customer.id)!,
        subscriptions: [{ id: 's1', offer: 'Microsoft 365 E3', quantity: 3, status: 'active', renewsOn: null }],
      });
    });
    await expect(service.confirmRemoval(admin, request.removal.id, { attested: true })).rejects.toMatchObject({
      code: 'Conflict',
      key: 'removal.activeSubscriptions',
    });
    expect(store.get('removals', request.removal.id)!.status).toBe('pending');
    expect(store.get('relationships', relationship.id)!.status).toBe('active');
  });

  it('refuses to confirm without the attestation being exactly true', async () => {
    const { service } = await withCustomer();
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    for (const attested of ['yes', 'true', 1, {}, null, undefined]) {
      await expect(service.confirmRemoval(admin, request.removal.id, { attested }), String(attested)).rejects.toMatchObject({
        key: 'removal.attestationRequired',
      });
    }
    expect(service.getRemoval(admin, request.removal.id).removal.status).toBe('pending');
    expect(() => service.getRemoval(admin, 'no-such-removal')).toThrow(expect.objectContaining({ key: 'removal.notFound' }));
  });

  it('confirms once when two admins confirm at the same time, and a later confirmation needs no attestation to say so', async () => {
    const { service, store, relationship } = await withCustomer();
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    const both = await Promise.all([
      service.confirmRemoval(admin, request.removal.id, { attested: true }),
      service.confirmRemoval(admin, request.removal.id, { attested: true }),
    ]);
    expect(both.map((r) => r.alreadyDone).sort()).toEqual([false, true]);
    expect(service.listAudit(admin, { target: request.removal.id }).filter((e) => e.action === 'removal.confirmed')).toHaveLength(1);
    const attestedAt = store.get('removals', request.removal.id)!.attestedAt;
    const later = await service.confirmRemoval(admin, request.removal.id, { attested: false });
    expect(later).toMatchObject({ alreadyDone: true, removal: { status: 'confirmed', attestedAt } });
    expect(store.get('relationships', relationship.id)!.status).toBe('removed');
    // Looking at it, or at a pending one, is not "already done".
    expect(service.getRemoval(admin, request.removal.id).alreadyDone).toBe(false);
  });

  it('removes the active reseller relationship of a customer who came back, not the one that ended', async () => {
    const { service, store, relationship, customer } = await withCustomer();
    await service.confirmRemoval(admin, (await service.requestRemoval(admin, 'Contoso Ltd')).removal.id, { attested: true });
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.acceptInvitation(draft.token, contact());
    const active = [...store.all('relationships')].find((r) => r.customerId === customer.id && r.status === 'active')!;
    expect(active.id).not.toBe(relationship.id);
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    expect(request.removal.relationshipId).toBe(active.id);
    expect(service.openRemoval(admin, request.removal.id).alreadyDone).toBe(false);
    await service.confirmRemoval(admin, request.removal.id, { attested: true });
    expect(store.get('relationships', active.id)!.status).toBe('removed');
    expect(service.listCustomers(admin).total).toBe(0);
  });

  it("never reuses another customer's pending request", async () => {
    const { service, customer } = await withCustomer();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const { customer: fabrikam } = await service.acceptInvitation(draft.token, { ...contact('fabrikam.com'), companyName: 'Fabrikam' });
    const first = await service.requestRemoval(admin, 'Contoso Ltd');
    const second = await service.requestRemoval(admin, 'Fabrikam');
    expect(second.removal.id).not.toBe(first.removal.id);
    expect([first.removal.customerId, second.removal.customerId]).toEqual([customer.id, fabrikam.id]);
    expect(second).toMatchObject({ companyName: 'Fabrikam', domain: 'fabrikam.com' });
  });

  it('still shows a removal whose customer record is gone, by its id', async () => {
    const { service, store, customer } = await withCustomer();
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    await store.transact((tx) => tx.delete('customers', customer.id));
    expect(service.getRemoval(admin, request.removal.id)).toMatchObject({ companyName: customer.id, domain: '', followUp: null });
    expect(() => service.getRemoval(admin, 42 as unknown as string)).toThrow(expect.objectContaining({ key: 'removal.notFound' }));
  });

  it('audits exactly what was attested, and that nothing was removed at Microsoft', async () => {
    const { service, customer, relationship } = await withCustomer();
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    await service.confirmRemoval(admin, request.removal.id, { attested: true });
    expect(service.listAudit(admin, { target: request.removal.id })[0]!.details).toEqual({
      customerId: customer.id,
      relationshipId: relationship.id,
      attestationVersion: attestationText('en').version,
      attestationLocale: 'en',
      dapGranted: true,
      removedAtMicrosoft: false,
    });
  });
});
