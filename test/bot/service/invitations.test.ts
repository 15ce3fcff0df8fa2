import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { admin, testService } from '../../helpers.js';
import { ErrorCode } from '../../../bot/service/index.js';

describe('invitations', () => {
  it('drafts an email carrying a personalised link with a 256-bit single-use token, valid 90 days', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { channel: 'microsoft-referral', locale: 'en' });
    expect(draft.status).toBe('draft');
    expect(draft.link).toBe(`https://bot.example.com/invitations/${draft.token}`);
    // 256 bits: 43 base64url characters, 32 bytes, and never the same twice.
    expect(draft.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(draft.token, 'base64url').length).toBe(32);
    const other = await service.draftInvitation(admin, { channel: 'microsoft-referral', locale: 'en' });
    expect(other.token).not.toBe(draft.token);
    expect(draft.body).toContain(draft.link);
    expect(draft.subject).toContain('Northwind Cloud');
    expect(Date.parse(draft.expiresAt) - Date.parse(draft.createdAt)).toBe(90 * 86_400_000);
    expect(draft.channel).toBe('microsoft-referral');
  });

  it('writes the email in Italian for an Italian user', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation({ ...admin, locale: 'it' }, { channel: 'own-marketing', locale: 'it' });
    expect(draft.subject).toMatch(/relazione come rivenditore/);
    expect(draft.body).toMatch(/^Buongiorno/);
  });

  it('names the indirect provider in the email when inviting with one', async () => {
    const { service } = await testService();
    const provider = await service.addProvider(admin, { name: 'Contoso Distribution' });
    const draft = await service.draftInvitation(admin, { channel: 'indirect-provider', providerId: provider.id, locale: 'en' });
    expect(draft.providerName).toBe('Contoso Distribution');
    expect(draft.body).toContain('Contoso Distribution');
    await expect(service.draftInvitation(admin, { channel: 'own-marketing', providerId: 'nope', locale: 'en' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('refuses an unknown channel', async () => {
    const { service } = await testService();
    await expect(service.draftInvitation(admin, { channel: 'billboard', locale: 'en' })).rejects.toMatchObject({ code: ErrorCode.InvalidInput, fields: { channel: 'invitation.badChannel' } });
  });

  it('rejects Done when the edited body lost the exact link, and accepts an edit that kept it', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { channel: 'own-marketing', locale: 'en' });
    const broken = draft.body.replace(draft.link, draft.link.slice(0, -1));
    await expect(service.markInvitationSent(admin, draft.id, { body: broken })).rejects.toMatchObject({ code: ErrorCode.InvalidInput, fields: { body: 'invitation.linkMissing' } });
    expect(service.getInvitation(admin, draft.id).status).toBe('draft');
    const edited = `Ciao Anna!\n\n${draft.link}\n\nGrazie`;
    const sent = await service.markInvitationSent(admin, draft.id, { subject: 'Our invitation', body: edited, channel: 'microsoft-referral' });
    expect(sent).toMatchObject({ status: 'sent', body: edited, subject: 'Our invitation', channel: 'microsoft-referral', alreadyDone: false });
  });

  it('treats Done twice as harmless', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { channel: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, draft.id, { body: draft.body });
    const again = await service.markInvitationSent(admin, draft.id, { body: 'anything' });
    expect(again).toMatchObject({ status: 'sent', alreadyDone: true, body: draft.body });
  });

  it('shows an invitation as expired after 90 days and refuses Done on it', async () => {
    const { service, clock } = await testService();
    const draft = await service.draftInvitation(admin, { channel: 'own-marketing', locale: 'en' });
    clock.now = new Date(clock.now.getTime() + 91 * 86_400_000);
    expect(service.listInvitations(admin, { status: 'expired' }).map((i) => i.id)).toEqual([draft.id]);
    await expect(service.markInvitationSent(admin, draft.id, { body: draft.body })).rejects.toMatchObject({ key: 'invitation.is.expired' });
  });

  it('lists pending invitations and revokes one, once', async () => {
    const { service } = await testService();
    const a = await service.draftInvitation(admin, { channel: 'own-marketing', locale: 'en' });
    const b = await service.draftInvitation(admin, { channel: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, b.id, { body: b.body });
    expect(service.listInvitations(admin, { status: 'pending' })).toHaveLength(2);
    await service.revokeInvitation(admin, a.id);
    expect((await service.revokeInvitation(admin, a.id)).alreadyDone).toBe(true);
    expect(service.listInvitations(admin, { status: 'revoked' }).map((i) => i.id)).toEqual([a.id]);
    expect(service.listInvitations(admin, { status: 'pending' }).map((i) => i.id)).toEqual([b.id]);
  });

  it('has every draft on disk before the call returns', async () => {
    const { service, file } = await testService();
    const draft = await service.draftInvitation(admin, { channel: 'own-marketing', locale: 'en' });
    expect(readFileSync(`${file}.journal`, 'utf8')).toContain(draft.id);
  });
});
