import { describe, expect, it } from 'vitest';
import { admin, actor, contact, testService } from '../../helpers.js';
import { ErrorCode } from '../../../bot/service/index.js';
import { attestationText } from '../../../bot/service/attestation.js';

async function withCustomer() {
  const t = await testService();
  const draft = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  const { customer } = await t.service.acceptInvitation(draft.token, contact());
  return { ...t, customer };
}

describe('removing a reseller relationship', () => {
  it('asks for the attestation, refuses without it, and removes with it, leaving DAP as recorded', async () => {
    const { service, customer, store } = await withCustomer();
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    expect(request.attestation.statement).toMatch(/^I represent that this removal is made in good faith/);
    expect(request.attestation.dapNotice).toMatch(/stay as they are/);
    expect(request.attestation.legalNotice).toMatch(/does not generate or send/);
    await expect(service.confirmRemoval(admin, request.removal.id, { attested: false })).rejects.toMatchObject({ code: ErrorCode.InvalidInput, fields: { attest: 'removal.attestationRequired' } });
    expect(service.listCustomers(admin).total).toBe(1);
    const done = await service.confirmRemoval(admin, request.removal.id, { attested: true });
    expect(done.removal).toMatchObject({ status: 'confirmed', attestedBy: { userId: 'admin' }, attestationVersion: attestationText('en').version });
    expect(service.listCustomers(admin).total).toBe(0);
    const relationship = [...store.all('relationships')].find((r) => r.customerId === customer.id)!;
    expect(relationship).toMatchObject({ status: 'removed', dapGranted: true });
    expect(service.listAudit(admin)[0]).toMatchObject({ action: 'removal.confirmed', details: { attestationVersion: '2026-12-07', attestationLocale: 'en' } });
  });

  it('treats a second confirmation as harmless', async () => {
    const { service, store } = await withCustomer();
    const request = await service.requestRemoval(admin, 'contoso.com');
    await service.confirmRemoval(admin, request.removal.id, { attested: true });
    const audits = store.count('audit');
    const again = await service.confirmRemoval(admin, request.removal.id, { attested: true });
    expect(again.alreadyDone).toBe(true);
    expect(store.count('audit')).toBe(audits);
  });

  it('refuses while the customer has active subscriptions, listing them, and suspends nothing', async () => {
    const { service, store, customer } = await withCustomer();
    await store.transact((tx, read) => {
      tx.put('customers', { ...read.get('customers', customer.id)!, subscriptions: [{ id: 's1', offer: 'Microsoft 365 E3', quantity: 10, status: 'active', renewsOn: null }] });
    });
    const error = await service.requestRemoval(admin, 'contoso').catch((e) => e);
    expect(error).toMatchObject({ code: ErrorCode.Conflict, key: 'removal.activeSubscriptions', params: { count: 1, subscriptions: 'Microsoft 365 E3 (10)' } });
    expect(store.get('customers', customer.id)!.subscriptions[0]!.status).toBe('active');
  });

  it('lets only admins request, confirm or cancel', async () => {
    const { service } = await withCustomer();
    await service.grantRole(admin, { role: 'helpdesk-agent', principal: 'cli:hd' });
    const request = await service.requestRemoval(admin, 'contoso');
    await expect(service.requestRemoval(actor('hd'), 'contoso')).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
    await expect(service.confirmRemoval(actor('hd'), request.removal.id, { attested: true })).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
    await expect(service.cancelRemoval(actor('hd'), request.removal.id)).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
  });

  it('cannot confirm a cancelled removal', async () => {
    const { service } = await withCustomer();
    const request = await service.requestRemoval(admin, 'contoso');
    await service.cancelRemoval(admin, request.removal.id);
    await expect(service.confirmRemoval(admin, request.removal.id, { attested: true })).rejects.toMatchObject({ key: 'removal.cancelled' });
    expect(service.listCustomers(admin).total).toBe(1);
  });

  it('shows the attestation in Italian for an Italian admin', async () => {
    const { service } = await withCustomer();
    const request = await service.requestRemoval({ ...admin, locale: 'it' }, 'contoso');
    expect(request.attestation.statement).toMatch(/buona fede/);
  });
});
