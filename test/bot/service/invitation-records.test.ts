/**
 * What drafting, Done, revoking, listing and accepting record, field by field (mutation testing
 * found these unchecked): trimming, fallbacks, limits, who and when, and the audit details.
 */
import { describe, expect, it } from 'vitest';
import { admin, contact, testService } from '../../helpers.js';

describe('invitation records', () => {
  it('drafts with the customer named or not, the author, and an audit event', async () => {
    const { service, clock } = await testService();
    const named = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en', companyName: '  Contoso Ltd ', customerEmail: ' anna@contoso.com ' });
    expect(named).toMatchObject({ companyName: 'Contoso Ltd', customerEmail: 'anna@contoso.com', createdBy: { platform: 'cli', userId: 'admin' }, createdAt: clock.now.toISOString(), sentAt: null, partnerName: 'Northwind Cloud' });
    const blank = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en', companyName: '   ', customerEmail: '' });
    expect(blank).toMatchObject({ companyName: null, customerEmail: null, providerId: null, providerName: null });
    expect(service.listAudit(admin, { target: named.id })[0]).toMatchObject({ action: 'invitation.drafted', details: { acquisition: 'own-marketing', providerId: null } });
  });

  it('needs a provider for an invitation with a provider, and a real one', async () => {
    const { service, store } = await testService();
    await expect(service.draftInvitation(admin, { acquisition: 'indirect-provider', locale: 'en' })).rejects.toMatchObject({ key: 'provider.choose', fields: { providerId: 'provider.choose' } });
    await expect(service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: 'nope', locale: 'en' })).rejects.toMatchObject({ key: 'provider.notFound' });
    expect(store.count('invitations')).toBe(0);
  });

  it('on Done keeps the edited text (line ends normalised), falls back to the drafted subject, and audits whether it was edited', async () => {
    const { service, clock } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const sent = await service.markInvitationSent(admin, draft.id, { subject: '   ', body: `Hello\r\nPlease accept: ${draft.link}\r\n`, acquisition: '' });
    expect(sent).toMatchObject({ status: 'sent', subject: draft.subject, body: `Hello\nPlease accept: ${draft.link}\n`, acquisition: 'own-marketing', sentAt: clock.now.toISOString(), sentBy: { userId: 'admin' }, alreadyDone: false });
    expect(service.listAudit(admin, { target: draft.id })[0]).toMatchObject({ action: 'invitation.sent', details: { edited: true } });
    const plain = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const unchanged = await service.markInvitationSent(admin, plain.id, { subject: ' New subject ', body: plain.body, acquisition: 'microsoft-referral' });
    expect(unchanged).toMatchObject({ subject: 'New subject', acquisition: 'microsoft-referral' });
    expect(service.listAudit(admin, { target: plain.id })[0]!.details).toEqual({ edited: false });
  });

  it('refuses on Done a bad acquisition, a body over 10,000 characters or a subject over 300', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await expect(service.markInvitationSent(admin, draft.id, { body: draft.link, acquisition: 'carrier-pigeon' })).rejects.toMatchObject({ key: 'invitation.badAcquisition', fields: { acquisition: 'invitation.badAcquisition' } });
    await expect(service.markInvitationSent(admin, draft.id, { body: draft.link + ' ' + 'x'.repeat(10_000 - draft.link.length) })).rejects.toMatchObject({ key: 'invitation.tooLong' });
    await expect(service.markInvitationSent(admin, draft.id, { subject: 's'.repeat(301), body: draft.link })).rejects.toMatchObject({ key: 'invitation.tooLong' });
    await expect(service.markInvitationSent(admin, draft.id, { body: 42 as unknown as string, token: draft.token })).rejects.toMatchObject({ key: 'invitation.linkMissing' });
    expect(service.getInvitation(admin, draft.id).status).toBe('draft');
    // The limits themselves are allowed.
    const atLimit = await service.markInvitationSent(admin, draft.id, { subject: 's'.repeat(300), body: draft.link + ' ' + 'x'.repeat(9_999 - draft.link.length) });
    expect(atLimit.status).toBe('sent');
  });

  it('records who revoked and when, and audits it', async () => {
    const { service, clock } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const revoked = await service.revokeInvitation(admin, draft.id);
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: clock.now.toISOString(), revokedBy: { userId: 'admin' }, alreadyDone: false });
    expect(service.listAudit(admin, { target: draft.id })[0]!.action).toBe('invitation.revoked');
    await expect(service.revokeInvitation(admin, 'nope')).rejects.toMatchObject({ key: 'invitation.notFound' });
  });

  it('remembers where the draft card was posted', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.recordDraftMessage(admin, draft.id, { platform: 'slack', channel: 'C1', ts: '1.2', locale: 'en' });
    expect(service.getInvitation(admin, draft.id).draftMessage).toEqual({ platform: 'slack', channel: 'C1', ts: '1.2', locale: 'en' });
  });

  it('lists newest first, filtered by effective status, up to a limit', async () => {
    const { service, clock } = await testService();
    const drafts = [];
    for (let i = 0; i < 4; i++) {
      drafts.push(await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' }));
      clock.now = new Date(clock.now.getTime() + 1_000);
    }
    const ids = drafts.map((d) => d.id);
    const sent = await service.markInvitationSent(admin, ids[1]!, { body: drafts[1]!.link! });
    await service.revokeInvitation(admin, ids[2]!);
    await service.acceptInvitation(drafts[3]!.token!, contact());
    expect(service.listInvitations(admin).map((i) => i.id)).toEqual([...ids].reverse());
    expect(service.listInvitations(admin, { limit: 2 }).map((i) => i.id)).toEqual([ids[3], ids[2]]);
    expect(service.listInvitations(admin, { status: 'pending' }).map((i) => i.id)).toEqual([sent.id, ids[0]]);
    expect(service.listInvitations(admin, { status: 'sent' }).map((i) => i.id)).toEqual([sent.id]);
    expect(service.listInvitations(admin, { status: 'draft' }).map((i) => i.id)).toEqual([ids[0]]);
    expect(service.listInvitations(admin, { status: 'revoked' }).map((i) => i.id)).toEqual([ids[2]]);
    expect(service.listInvitations(admin, { status: 'accepted' }).map((i) => i.id)).toEqual([ids[3]]);
    clock.now = new Date(clock.now.getTime() + 91 * 86_400_000);
    expect(service.listInvitations(admin, { status: 'expired' }).map((i) => i.id)).toEqual([sent.id, ids[0]]);
    expect(service.listInvitations(admin, { status: 'pending' })).toEqual([]);
  });
});

describe('acceptance records', () => {
  it('normalises the form: spaces, case, a pasted URL for the domain', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const { customer } = await service.acceptInvitation(draft.token, { companyName: '  Contoso   Ltd ', domain: ' HTTPS://Contoso.COM/about ', name: ' Anna  Verdi ', email: ' Anna@Contoso.com ' });
    expect(customer).toMatchObject({ companyName: 'Contoso Ltd', domain: 'contoso.com', contact: { name: 'Anna Verdi', email: 'anna@contoso.com' } });
  });

  it('takes names of 2 to 120 characters and nothing else', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    for (const [companyName, name] of [['C', 'Anna'], ['C'.repeat(121), 'Anna'], ['Contoso', 'A'], ['Contoso', 'A'.repeat(121)]] as const) {
      const error = await service.acceptInvitation(draft.token, { ...contact(), companyName, name }).catch((e) => e);
      expect(Object.keys(error.fields), `${companyName.length}/${name.length}`).toHaveLength(1);
    }
    const ok = await service.acceptInvitation(draft.token, { ...contact(), companyName: 'C'.repeat(120), name: 'Al' });
    expect(ok.customer.companyName).toHaveLength(120);
    const other = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const short = await service.acceptInvitation(other.token, { ...contact('fabrikam.com'), companyName: 'AB', name: 'N'.repeat(120) });
    expect(short.customer).toMatchObject({ companyName: 'AB', contact: { name: 'N'.repeat(120) } });
  });

  it('publishes what happened and audits it, with the provider named', async () => {
    const { service, events, store, clock } = await testService();
    const provider = await service.addProvider(admin, { name: 'Contoso Distribution' });
    await service.subscribeToNotifications(admin, { platform: 'teams', conversationId: '19:ops', name: 'Ops' });
    const draft = await service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: provider.id, locale: 'en' });
    const card = { platform: 'slack', channel: 'C1', ts: '1.2', locale: 'it' } as const;
    await service.recordDraftMessage(admin, draft.id, card);
    const result = await service.acceptInvitation(draft.token, contact());
    expect(result).toMatchObject({ invitationId: draft.id, providerName: 'Contoso Distribution' });
    const event = events.find((e) => e.type === 'invitation.accepted')!;
    expect(event).toMatchObject({ invitationId: draft.id, customerId: result.customer.id, companyName: 'Contoso Ltd', domain: 'contoso.com', contactName: 'Anna Verdi', providerName: 'Contoso Distribution', invitedBy: 'admin', acceptedAt: clock.now.toISOString() });
    // One delivery to the subscribed channel, one that turns the draft card into the acceptance,
    // and one new post in the inviter's conversation (the news, which an edited card is not).
    const [toChannel, toCard, toInviter] = [...store.all('deliveries')];
    expect(event).toMatchObject({ deliveryIds: [toChannel!.id, toCard!.id, toInviter!.id], inviter: { platform: 'cli', userId: 'admin', displayName: 'admin' } });
    expect(toChannel).toMatchObject({ target: { kind: 'subscription', subscriptionId: 'teams:19:ops' }, attempts: 0, nextAttemptAt: clock.now.toISOString(), lastError: null });
    expect(toCard).toMatchObject({ target: { kind: 'card', card }, attempts: 0, nextAttemptAt: clock.now.toISOString(), lastError: null });
    expect(toInviter).toMatchObject({ target: { kind: 'conversation', platform: 'slack', conversationId: 'C1', reference: null, locale: 'it' }, attempts: 0, nextAttemptAt: clock.now.toISOString(), lastError: null });
    expect(service.listAudit(admin, { target: draft.id })[0]).toMatchObject({ action: 'invitation.accepted', actor: { platform: 'web', userId: 'anna@contoso.com' }, details: { customerId: result.customer.id, providerId: provider.id } });
    expect(service.getInvitation(admin, draft.id)).toMatchObject({ status: 'accepted', acceptedAt: clock.now.toISOString(), customerId: result.customer.id });
  });

  it('does not duplicate a relationship the customer already has when accepting again with the same provider', async () => {
    const { service, store } = await testService();
    const provider = await service.addProvider(admin, { name: 'Contoso Distribution' });
    for (let i = 0; i < 2; i++) {
      const draft = await service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: provider.id, locale: 'en' });
      await service.acceptInvitation(draft.token, contact());
    }
    expect([...store.all('relationships')].map((r) => `${r.kind}:${r.providerId}`).sort()).toEqual([`provider:${provider.id}`, 'reseller:null']);
  });
});
