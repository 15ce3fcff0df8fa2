import { describe, expect, it } from 'vitest';
import { contact, putLargeCustomers } from '../../helpers.js';
import { chat } from './session-harness.js';

describe('terminal chat', () => {
  it('lets an admin draft, edit, mark Done and then see the invitation pending', async () => {
    const { me } = await chat('admin');
    let out = await me.say('invite customer');
    expect(out).toContain('Invite a customer');
    const link = /https:\/\/bot\.example\.com\/invitations\/\S+/.exec(out)![0];
    // The choice that edits the email text (found by its label); a body without the link is refused on the same draft.
    const editBody = (shown: string) => /\[(\d+)\] Edit email text/.exec(shown)![1]!;
    expect(out).toMatch(/\[1\] Done/);
    out = await me.say(editBody(out), 'Dear customer, please accept.', '.', '1');
    expect(out).toContain('Keep the invitation link in the email');
    out = await me.say(editBody(out), 'Dear customer, please accept:', link, '.', '1');
    expect(out).toContain('Invitation sent');
    expect(out).toContain('Marked as sent by admin');
    out = await me.say('invitations');
    expect(out).toMatch(/1\. Customer not named yet: sent today, waiting, by admin/);
  });

  it('refuses a person without a role with a sentence saying what to do', async () => {
    const { session } = await chat('admin');
    const out = await session('stranger').say('invite customer');
    expect(out).toContain("You don't have a role in this bot yet");
    expect(out).toContain('grant sales-agent cli:stranger');
  });

  it('refuses a sales agent who tries to invite', async () => {
    const { me, session } = await chat('admin');
    await me.say('grant sales-agent cli:bob');
    const refused = await session('bob').say('invite customer');
    expect(refused).toContain('Only a Global admin or an Admin agent can do that; your role is Sales agent.');
  });

  it('lists a customer after an acceptance and walks the removal through the attestation', async () => {
    const { me, service } = await chat('admin');
    const draft = await service.draftInvitation(
      { platform: 'cli', userId: 'admin', displayName: 'admin', locale: 'en' },
      { acquisition: 'own-marketing', locale: 'en' },
    );
    await service.acceptInvitation(draft.token, contact());
    expect(await me.say('list customers')).toMatch(/1 customer\n\s+Contoso Ltd\s+contoso\.com\s+active/);
    let out = await me.say('remove relationship contoso');
    expect(out).toContain('Remove Contoso Ltd?');
    expect(out).toContain('good faith');
    out = await me.say('1', 'no');
    expect(out).toContain('Type "yes" to confirm the statement above, or pick Cancel.');
    expect(out).not.toContain('Tick');
    // A number that is no choice says which numbers are.
    expect(await me.say('7')).toContain('Pick a number from 1 to 2, or type a command.');
    out = await me.say('1', 'yes');
    expect(out).toContain('Relationship with Contoso Ltd removed');
    expect(out).toContain('Delegated admin privileges stay as they were');
    expect(await me.say('list customers')).toContain('No customers yet');
  });

  it("tells the audit as sentences with names, in the reader's language, without codes or ids", async () => {
    const { me, session, service } = await chat('admin');
    const admin = { platform: 'cli' as const, userId: 'admin', displayName: 'admin', locale: 'en' as const };
    const named = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en', companyName: 'Adatum Studio' });
    await service.revokeInvitation(admin, named.id);
    const accepted = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.acceptInvitation(accepted.token, contact());
    await me.say('grant sales-agent cli:bob');
    await session('bob').say('whoami');
    const out = await me.say('audit');
    expect(out).toContain('admin revoked the invitation to Adatum Studio');
    expect(out).toContain('admin drafted an invitation to Contoso Ltd');
    expect(out).toContain('Contoso Ltd accepted the invitation');
    expect(out).toContain('admin made cli:bob Sales agent');
    for (const code of ['invitation.', 'role.granted', named.id, accepted.id, '(cli)']) expect(out).not.toContain(code);
    const italian = await session('admin', 'it').say('registro');
    expect(italian).toContain("admin ha revocato l'invito a Adatum Studio");
    expect(italian).toContain('admin ha assegnato a cli:bob il ruolo Agente vendite');
  });

  it('speaks Italian', async () => {
    const { me } = await chat('admin', 'it');
    expect(await me.say('aiuto')).toContain('Cosa posso fare');
    expect(await me.say('elenca clienti')).toContain('Nessun cliente per ora');
    expect(await me.say('invta cliente')).toContain('Forse intendevi `invita cliente`');
    // Picking the customer's origin: a number out of range is asked again, with the range.
    const draft = await me.say('invita cliente');
    const origin = /\[(\d+)\] Cambia l'origine del cliente/.exec(draft)![1]!;
    const asked = await me.say(origin, '9');
    expect(asked).toContain('Scegli un numero da 1 a 3, o scrivi un comando.');
    expect(asked.split('Scegli un numero:').length).toBe(3);
  });

  it('shows a large tenant on its summary, unfolds users and licenses ten at a time, and the next ten on a numbered choice', async () => {
    const { me, store } = await chat('admin');
    await putLargeCustomers(store, 12, { licenses: 24 });
    let out = await me.say('list customers');
    expect(out).toContain('12 customers, showing 1-10');
    expect(out).toContain('active · 300 users, 15 subscriptions');
    expect(out).not.toContain('bartolomeo.cristoforetti');
    out = await me.say('customer large-tenant-3.example.com');
    expect(out).toContain('300 users, 15 subscriptions, 24 license types, 1 relationship');
    expect(out).toContain('▼ Users (1-10 of 300)');
    expect(out).not.toContain('User 010 Bartolomeo');
    const choice = (text: string, label: string) => new RegExp(`\\[(\\d+)\\] ${label.replace(/[()]/g, '\\$&')}`).exec(text)![1]!;
    out = await me.say(choice(out, 'Show: Users (1-10 of 300)'));
    expect(out).toContain('▲ Users (1-10 of 300)');
    expect(out).toContain('User 010 Bartolomeo');
    out = await me.say(choice(out, 'Next users'));
    expect(out).toContain('Users (11-20 of 300)');
    expect(out).toContain('User 020 Bartolomeo');
    expect(out).not.toContain('User 010 Bartolomeo');
    expect(out).toMatch(/\[\d+\] Previous users/);
    out = await me.say(choice(out, 'Show: Licenses (1-10 of 24)'));
    expect(out).toContain('Add-on 10 Microsoft Defender');
    out = await me.say(choice(out, 'Next licenses'));
    expect(out).toContain('Licenses (11-20 of 24)');
    expect(out).toContain('Add-on 11 Microsoft Defender');
    expect(out).toContain('▼ Users (11-20 of 300)');
  });
});
