import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hashToken, LINK_PLACEHOLDER } from '../../../store/invitation-secret.js';
import { admin, tempStore, testService } from '../../helpers.js';
import { createService, ErrorCode } from '../../../bot/service/index.js';

describe('invitations', () => {
  it('drafts an email carrying a personalised link with a 256-bit single-use token, valid 90 days', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'microsoft-referral', locale: 'en' });
    expect(draft.status).toBe('draft');
    expect(draft.link).toBe(`https://bot.example.com/invitations/${draft.token}`);
    // 256 bits: 43 base64url characters, 32 bytes, and never the same twice.
    expect(draft.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(draft.token, 'base64url').length).toBe(32);
    const other = await service.draftInvitation(admin, { acquisition: 'microsoft-referral', locale: 'en' });
    expect(other.token).not.toBe(draft.token);
    expect(draft.body).toContain(draft.link);
    expect(draft.subject).toContain('Northwind Cloud');
    expect(Date.parse(draft.expiresAt) - Date.parse(draft.createdAt)).toBe(90 * 86_400_000);
    expect(draft.acquisition).toBe('microsoft-referral');
  });

  it('writes the email in Italian for an Italian user', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation({ ...admin, locale: 'it' }, { acquisition: 'own-marketing', locale: 'it' });
    expect(draft.subject).toMatch(/relazione come rivenditore/);
    expect(draft.body).toMatch(/^Buongiorno/);
  });

  it('names the indirect provider in the email when inviting with one', async () => {
    const { service } = await testService();
    const provider = await service.addProvider(admin, { name: 'Contoso Distribution' });
    const draft = await service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: provider.id, locale: 'en' });
    expect(draft.providerName).toBe('Contoso Distribution');
    expect(draft.body).toContain('Contoso Distribution');
    await expect(service.draftInvitation(admin, { acquisition: 'own-marketing', providerId: 'nope', locale: 'en' })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it('refuses an unknown acquisition', async () => {
    const { service } = await testService();
    await expect(service.draftInvitation(admin, { acquisition: 'billboard', locale: 'en' })).rejects.toMatchObject({
      code: ErrorCode.InvalidInput,
      fields: { acquisition: 'invitation.badAcquisition' },
    });
  });

  it('rejects Done when the edited body lost the exact link, and accepts an edit that kept it', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const broken = draft.body.replace(draft.link, draft.link.slice(0, -1));
    // The draft card carries the token back, so the refusal can name the link to put back.
    await expect(service.markInvitationSent(admin, draft.id, { body: broken, token: draft.token })).rejects.toMatchObject({
      code: ErrorCode.InvalidInput,
      params: { link: draft.link },
      fields: { body: 'invitation.linkMissing' },
    });
    // Without it (or with someone else's) the bot cannot rebuild the link: it says where to find it.
    await expect(service.markInvitationSent(admin, draft.id, { body: broken, token: 'A'.repeat(43) })).rejects.toMatchObject({
      fields: { body: 'invitation.linkMissingUnknown' },
    });
    expect(service.getInvitation(admin, draft.id).status).toBe('draft');
    const edited = `Ciao Anna!\n\n${draft.link}\n\nGrazie`;
    const sent = await service.markInvitationSent(admin, draft.id, {
      subject: 'Our invitation',
      body: edited,
      acquisition: 'microsoft-referral',
    });
    expect(sent).toMatchObject({
      status: 'sent',
      body: edited,
      subject: 'Our invitation',
      acquisition: 'microsoft-referral',
      alreadyDone: false,
    });
  });

  it('treats Done twice as harmless', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, draft.id, { body: draft.body });
    const again = await service.markInvitationSent(admin, draft.id, { body: 'anything', token: draft.token });
    expect(again).toMatchObject({ status: 'sent', alreadyDone: true, body: draft.body });
  });

  it('shows an invitation as expired after 90 days and refuses Done on it', async () => {
    const { service, clock } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    clock.now = new Date(clock.now.getTime() + 91 * 86_400_000);
    expect(service.listInvitations(admin, { status: 'expired' }).map((i) => i.id)).toEqual([draft.id]);
    await expect(service.markInvitationSent(admin, draft.id, { body: draft.body })).rejects.toMatchObject({ key: 'invitation.is.expired' });
  });

  it('lists pending invitations and revokes one, once', async () => {
    const { service } = await testService();
    const a = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const b = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, b.id, { body: b.body });
    expect(service.listInvitations(admin, { status: 'pending' })).toHaveLength(2);
    await service.revokeInvitation(admin, a.id);
    expect((await service.revokeInvitation(admin, a.id)).alreadyDone).toBe(true);
    expect(service.listInvitations(admin, { status: 'revoked' }).map((i) => i.id)).toEqual([a.id]);
    expect(service.listInvitations(admin, { status: 'pending' }).map((i) => i.id)).toEqual([b.id]);
  });

  it('has every draft on disk before the call returns', async () => {
    const { service, file } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    expect(readFileSync(`${file}.journal`, 'utf8')).toContain(draft.id);
  });

  it('keeps only a hash of the token: no token or link in the data file, its journal or the stored body', async () => {
    const { service, store, file } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const other = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, draft.id, { body: `Hi!\n${draft.link}\nBye`, token: draft.token });
    await store.close();
    const onDisk = readFileSync(file, 'utf8') + readFileSync(`${file}.journal`, 'utf8');
    for (const secret of [draft.token, other.token]) expect(onDisk).not.toContain(secret);
    expect(onDisk).toContain(createHash('sha256').update(draft.token).digest('hex'));
    expect(store.get('invitations', draft.id)!.body).toBe(`Hi!\n${LINK_PLACEHOLDER}\nBye`);
  });

  it('rebuilds the link when the token is at hand, and only then', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    expect(service.invitationForToken(draft.token)).toMatchObject({ id: draft.id, link: draft.link, body: draft.body });
    expect(service.openDraft(admin, draft.id, draft.token)).toMatchObject({ link: draft.link, body: draft.body });
    const blind = service.openDraft(admin, draft.id, 'forged-token-forged-token-forged-token-1234');
    expect(blind.link).toBeNull();
    expect(blind.body).not.toContain('/invitations/');
    expect(service.listInvitations(admin).every((i) => i.token === null)).toBe(true);
  });

  it('finds its own link among others in the edited email, and only a link exactly as given', async () => {
    const { service } = await testService();
    const other = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const prefix = draft.link.slice(0, -draft.token.length);
    const refusal = (body: string) =>
      service.markInvitationSent(admin, draft.id, { body }).then(
        () => null,
        (e: { key: string }) => e.key,
      );
    // A space after the path, or characters glued to the token, make another address.
    expect(await refusal(`Join: ${prefix} ${draft.token}`)).toBe('invitation.linkMissingUnknown');
    expect(await refusal(`Join: ${draft.link}x9`)).toBe('invitation.linkMissingUnknown');
    expect(await refusal(`Join: ${prefix}`)).toBe('invitation.linkMissingUnknown');
    expect(service.getInvitation(admin, draft.id).status).toBe('draft');
    // Another invitation's link first, then its own (followed by punctuation): its own is the one.
    const body = `Old: ${other.link}\nNew: ${draft.link}).`;
    const sent = await service.markInvitationSent(admin, draft.id, { body });
    expect(sent).toMatchObject({ status: 'sent', body, link: draft.link, token: draft.token, alreadyDone: false });
    // Its own link is kept out of the store; the other one is just text.
    expect(service.getInvitation(admin, draft.id).body).toBe(`Old: ${other.link}\nNew: ${LINK_PLACEHOLDER}).`);
    // Done again: the link comes back from the body or the card's token, never from a forged one.
    expect((await service.markInvitationSent(admin, draft.id, { body: 'x', token: draft.token })).link).toBe(draft.link);
    expect((await service.markInvitationSent(admin, draft.id, { body: `again ${draft.link}` })).link).toBe(draft.link);
    expect((await service.markInvitationSent(admin, draft.id, { body: 'x', token: other.token })).link).toBeNull();
    expect((await service.markInvitationSent(admin, draft.id, { body: 'x', token: 42 as unknown as string })).link).toBeNull();
  });

  it('keeps the subject unless a new one is given, and tidies line ends', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, {
      acquisition: 'own-marketing',
      locale: 'en',
      companyName: '  ',
      customerEmail: ' anna@contoso.com ',
    });
    expect(draft).toMatchObject({ partnerName: 'Northwind Cloud', companyName: null, customerEmail: 'anna@contoso.com', providerName: null });
    expect(draft.subject).toContain('Northwind Cloud');
    const sent = await service.markInvitationSent(admin, draft.id, { subject: '   ', body: `Hello\r\n${draft.link}\r\n` });
    expect(sent).toMatchObject({ subject: draft.subject, body: `Hello\n${draft.link}\n`, acquisition: 'own-marketing' });
    await expect(service.markInvitationSent(admin, draft.id, { body: draft.body, acquisition: 'door-to-door' })).rejects.toMatchObject({
      key: 'invitation.badAcquisition',
      fields: { acquisition: 'invitation.badAcquisition' },
    });
  });

  it("opens the customer's page only for a link shaped like one, and never for an invitation accepted at Microsoft", async () => {
    const { service, store } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    expect(service.invitationForToken(draft.token)).toMatchObject({ id: draft.id, token: draft.token });
    for (const token of ['A'.repeat(21), 'A'.repeat(65), `${draft.token}!`, `x${draft.token}`.slice(0, 21), 42 as unknown as string])
      expect(() => service.invitationForToken(token), String(token)).toThrow(expect.objectContaining({ key: 'invitation.unknownLink' }));
    const token = 'M'.repeat(43);
    await store.transact((tx) =>
      tx.put('invitations', {
        ...store.get('invitations', draft.id)!,
        id: 'via-microsoft',
        tokenHash: hashToken(token),
        microsoft: {
          resellerLink: 'https://admin.microsoft.com/r',
          gdapRelationshipId: 'g1',
          approvalLink: 'https://admin.microsoft.com/a',
        },
      }),
    );
    expect(() => service.invitationForToken(token)).toThrow(
      expect.objectContaining({ code: ErrorCode.NotFound, key: 'invitation.acceptAtMicrosoft' }),
    );
    await expect(service.acceptInvitation(token, { companyName: 'Contoso' })).rejects.toMatchObject({
      key: 'invitation.acceptAtMicrosoft',
    });
  });

  it('refuses to remember a card for an unknown invitation, names a provider that is gone as none, and says which field is wrong', async () => {
    const { service, store } = await testService();
    const card = { platform: 'slack' as const, channel: 'C1', ts: '1.2', locale: 'en' as const };
    await expect(service.recordDraftMessage(admin, 'no-such-invitation', card)).rejects.toMatchObject({ key: 'invitation.notFound' });
    const provider = await service.addProvider(admin, { name: 'Contoso Distribution' });
    const draft = await service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: provider.id, locale: 'en' });
    expect(service.getInvitation(admin, draft.id).providerName).toBe('Contoso Distribution');
    await store.transact((tx) => tx.delete('providers', provider.id));
    expect(service.getInvitation(admin, draft.id).providerName).toBeNull();
    await expect(service.draftInvitation(admin, { acquisition: 'cold-calling' as never, locale: 'en' })).rejects.toMatchObject({
      key: 'invitation.badAcquisition',
      fields: { acquisition: 'invitation.badAcquisition' },
    });
  });
});
