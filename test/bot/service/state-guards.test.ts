/**
 * The state guards: what an invitation or a removal may no longer do once it moved on. Each
 * refusal is a Conflict naming the state, and writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { admin, contact, testService } from '../../helpers.js';
import { InvitationUnusable } from '../../../bot/service/errors.js';

async function fixture() {
  const t = await testService();
  const draft = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  const accepted = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await t.service.acceptInvitation(accepted.token, contact());
  const sent = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await t.service.markInvitationSent(admin, sent.id, { body: sent.link });
  const revoked = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await t.service.revokeInvitation(admin, revoked.id);
  const all = () => JSON.stringify(['invitations', 'removals', 'relationships', 'audit'].map((c) => [...t.store.all(c as 'audit')]));
  /** Expects `run` to be refused with Conflict `key` and to leave the store as it was. */
  const conflict = async (run: () => unknown, key: string) => {
    const before = all();
    const error = await Promise.resolve().then(run).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'Conflict', key });
    // An invitation that moved on says which state it is in, for pages that show it their own way.
    if (key.startsWith('invitation.is.')) expect(error).toBeInstanceOf(InvitationUnusable);
    if (error instanceof InvitationUnusable) expect(`invitation.is.${error.status}`).toBe(key);
    expect(all()).toBe(before);
  };
  return { ...t, draft, accepted, sent, revoked, conflict };
}

describe('state guards', () => {
  it('opens only a draft for editing again', async () => {
    const { service, draft, sent, accepted, revoked, conflict } = await fixture();
    expect(service.openDraft(admin, draft.id).id).toBe(draft.id);
    await conflict(() => service.openDraft(admin, sent.id), 'invitation.is.sent');
    await conflict(() => service.openDraft(admin, accepted.id), 'invitation.is.accepted');
    await conflict(() => service.openDraft(admin, revoked.id), 'invitation.is.revoked');
  });

  it('marks as sent only a draft (a sent one again is harmless), and revokes anything but an accepted one', async () => {
    const { service, sent, accepted, revoked, conflict } = await fixture();
    expect((await service.markInvitationSent(admin, sent.id, { body: sent.link })).alreadyDone).toBe(true);
    await conflict(() => service.markInvitationSent(admin, revoked.id, { body: revoked.link }), 'invitation.is.revoked');
    await conflict(() => service.markInvitationSent(admin, accepted.id, { body: accepted.link }), 'invitation.is.accepted');
    await conflict(() => service.revokeInvitation(admin, accepted.id), 'invitation.is.accepted');
    expect((await service.revokeInvitation(admin, revoked.id)).alreadyDone).toBe(true);
    expect((await service.revokeInvitation(admin, sent.id)).status).toBe('revoked');
  });

  it('accepts only a pending invitation', async () => {
    const { service, accepted, revoked, conflict } = await fixture();
    await conflict(() => service.acceptInvitation(accepted.token, contact('other.com')), 'invitation.is.accepted');
    await conflict(() => service.acceptInvitation(revoked.token, contact('other.com')), 'invitation.is.revoked');
  });

  it('does not cancel, reopen or confirm a removal past its state', async () => {
    const { service, conflict } = await fixture();
    const confirmed = await service.requestRemoval(admin, 'Contoso Ltd');
    await service.confirmRemoval(admin, confirmed.removal.id, { attested: true });
    await conflict(() => service.cancelRemoval(admin, confirmed.removal.id), 'removal.alreadyConfirmed');
    await conflict(() => service.openRemoval(admin, confirmed.removal.id), 'removal.alreadyConfirmed');
    expect(service.getRemoval(admin, confirmed.removal.id).removal.status).toBe('confirmed');
  });

  it('does not confirm or reopen a cancelled removal; cancelling twice is harmless', async () => {
    const { service, conflict } = await fixture();
    const request = await service.requestRemoval(admin, 'Contoso Ltd');
    expect(service.openRemoval(admin, request.removal.id).removal.status).toBe('pending');
    const cancelled = await service.cancelRemoval(admin, request.removal.id);
    expect(cancelled).toMatchObject({ alreadyDone: false, removal: { status: 'cancelled', cancelledBy: { userId: 'admin' } } });
    await conflict(() => service.confirmRemoval(admin, request.removal.id, { attested: true }), 'removal.cancelled');
    await conflict(() => service.openRemoval(admin, request.removal.id), 'removal.cancelled');
    expect((await service.cancelRemoval(admin, request.removal.id)).alreadyDone).toBe(true);
    expect(service.listCustomers(admin).total).toBe(1);
  });

  for (const first of ['accept', 'revoke'] as const) {
    it(`settles an accept racing a revoke on one invitation (${first} first): exactly one wins, the other is a Conflict`, async () => {
      const { service, store, sent } = await fixture();
      const customersBefore = store.count('customers');
      const accept = () => service.acceptInvitation(sent.token, contact('fabrikam.com'));
      const revoke = () => service.revokeInvitation(admin, sent.id);
      const outcomes = await Promise.allSettled(first === 'accept' ? [accept(), revoke()] : [revoke(), accept()]);
      const [winner, loser] = outcomes;
      expect(winner!.status).toBe('fulfilled');
      expect(loser).toMatchObject({ status: 'rejected', reason: { code: 'Conflict', key: first === 'accept' ? 'invitation.is.accepted' : 'invitation.is.revoked' } });
      const invitation = service.getInvitation(admin, sent.id);
      expect(invitation.status).toBe(first === 'accept' ? 'accepted' : 'revoked');
      // The loser left nothing behind: no customer for a revoked link, no revocation of an accepted one.
      expect(store.count('customers')).toBe(customersBefore + (first === 'accept' ? 1 : 0));
      expect(invitation.revokedAt === null).toBe(first === 'accept');
    });
  }

  it('refuses a second provider with the same name, whatever its case', async () => {
    const { service, conflict } = await fixture();
    await service.addProvider(admin, { name: 'Contoso Distribution' });
    await conflict(() => service.addProvider(admin, { name: 'contoso distribution' }), 'provider.exists');
    // The refusal names the provider as it is already listed.
    await expect(service.addProvider(admin, { name: 'CONTOSO DISTRIBUTION' })).rejects.toMatchObject({ params: { name: 'Contoso Distribution' } });
  });
});
