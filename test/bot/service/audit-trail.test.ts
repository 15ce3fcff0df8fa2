import { describe, expect, it } from 'vitest';
import { admin, testService } from '../../helpers.js';
import { createService } from '../../../bot/service/index.js';
import type { AuditEvent } from '../../../store/schema.js';

const event = (n: number, at: string, target: string): AuditEvent => ({
  id: `e${n}`,
  at,
  actor: { platform: 'cli', userId: 'admin', displayName: 'admin' },
  action: `action.${n}`,
  target,
  details: {},
});

describe('audit trail', () => {
  it('lists newest first, the later of two events in the same millisecond first, 20 by default and 1 to 500', async () => {
    const { service, store } = await testService();
    await store.transact((tx) => {
      // Stored out of time order; e1 and e2 share a millisecond, e2 written after e1.
      tx.put('audit', event(0, '2026-03-01T10:00:00.002Z', 'a'));
      tx.put('audit', event(1, '2026-03-01T10:00:00.001Z', 'b'));
      tx.put('audit', event(2, '2026-03-01T10:00:00.001Z', 'a'));
      tx.put('audit', event(3, '2026-03-01T10:00:00.003Z', 'b'));
      for (let n = 4; n < 604; n++) tx.put('audit', event(n, '2026-01-01T00:00:00.000Z', 'bulk'));
    });
    const ids = (input?: { limit?: number; target?: string }) => service.listAudit(admin, input).map((e) => e.id);
    expect(ids({ limit: 4 })).toEqual(['e3', 'e0', 'e2', 'e1']);
    expect(ids()).toHaveLength(20);
    expect(ids({ limit: 0 })).toEqual(['e3']);
    expect(ids({ limit: -5 })).toEqual(['e3']);
    expect(ids({ limit: 10_000 })).toHaveLength(500);
    expect(ids({ target: 'a' })).toEqual(['e0', 'e2']);
    expect(ids({ target: 'b', limit: 1 })).toEqual(['e3']);
    expect(ids({ target: 'nobody' })).toEqual([]);
  });
});

describe('service context', () => {
  it('builds links on the public address without its trailing slashes, and reads the system clock when given none', async () => {
    const { store } = await testService();
    const service = createService({ store, publicUrl: 'https://bot.example.com/csp///', bootstrapAdmins: ['cli:admin'] });
    const before = Date.now();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const after = Date.now();
    expect(draft.link).toBe(`https://bot.example.com/csp/invitations/${draft.token}`);
    expect(Date.parse(draft.createdAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(draft.createdAt)).toBeLessThanOrEqual(after);
    expect(service.listAudit(admin, { target: draft.id })[0]!.at).toBe(draft.createdAt);
  });
});

describe('service errors', () => {
  it('carry their code and message key in the message, for logs', async () => {
    const { service } = await testService();
    const error = await service.revokeInvitation(admin, 'no-such-invitation').catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'NotFound', message: 'NotFound: invitation.notFound', params: {}, fields: {} });
  });
});

describe('service basics', () => {
  it('says which directory it uses and who the partner is, and works without a notifier', async () => {
    const { store, service: withNotifier } = await testService();
    const service = createService({ store, publicUrl: 'https://bot.example.com', bootstrapAdmins: ['cli:admin'] });
    expect(service.directoryKind()).toBe('embedded');
    expect(service.partner()).toEqual(store.partner());
    expect(service.partner()).toMatchObject({ name: 'Northwind Cloud' });
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    // The embedded directory prepares nothing at Microsoft.
    expect(draft.microsoft).toBeNull();
    expect(service.listAudit(admin, { target: draft.id })[0]!.details).toEqual({
      acquisition: 'own-marketing',
      providerId: null,
      gdapRelationshipId: null,
    });
    const accepted = await service.acceptInvitation(draft.token, {
      companyName: 'Contoso Ltd',
      domain: 'contoso.com',
      name: 'Anna Verdi',
      email: 'anna@contoso.com',
    });
    expect(withNotifier.getCustomer(admin, 'contoso.com').customer.id).toBe(accepted.customer.id);
    const [event] = service.listAudit(admin, { target: draft.id });
    expect(event!.actor).toEqual({ platform: 'web', userId: 'anna@contoso.com', displayName: 'Anna Verdi' });
  });
});
