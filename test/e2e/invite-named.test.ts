/**
 * `invite customer [company] [email] [with provider <name>]` (`invita cliente [azienda] [email]
 * [con provider <nome>]`): the invitation names its customer, the mail link its recipient. Through
 * Teams (/api/messages) and Slack (/slack/events).
 */
import { describe, expect, it } from 'vitest';
import { cardText } from '../fakes/connector.js';
import { slackClient } from '../fakes/slack-client.js';
import { SLACK_SECRET, useStack } from './stack.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { createChatSession } from '../../bot/cli/session.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const GA = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };

const s = useStack();

const lastCard = () => cardText(s.connector.calls.at(-1));
const invitations = () => [...s.bot.store.all('invitations')];

describe('invitations that name their customer', () => {
  it('Teams: the company and the email wherever the email stands; the mail link has the recipient', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'invite customer Fabrikam Srl ada@fabrikam.example');
    expect(invitations()).toEqual([
      expect.objectContaining({ companyName: 'Fabrikam Srl', customerEmail: 'ada@fabrikam.example', acquisition: 'own-marketing' }),
    ]);
    expect(lastCard()).toContain('mailto:ada%40fabrikam.example?subject=');

    await teams.say(alice, personal, 'invita cliente ugo@tailspin.example Tailspin Toys');
    expect(invitations().at(-1)).toMatchObject({ companyName: 'Tailspin Toys', customerEmail: 'ugo@tailspin.example', locale: 'it' });

    // The plain command still drafts an invitation that names nobody.
    await teams.say(alice, personal, 'invite customer');
    expect(invitations().at(-1)).toMatchObject({ companyName: null, customerEmail: null });
  });

  it('Teams: with a provider by name, or a picker that keeps the company and email; an unknown provider is said', async () => {
    const contoso = await s.bot.service.addProvider(GA, { name: 'Contoso Distribution' });
    await s.bot.service.addProvider(GA, { name: 'Adatum Distribution' });
    const teams = teamsClient(s.bot.url, s.connector.url);

    await teams.say(alice, personal, 'invite customer Fabrikam ada@fabrikam.example with provider contoso');
    expect(invitations().at(-1)).toMatchObject({
      companyName: 'Fabrikam',
      customerEmail: 'ada@fabrikam.example',
      providerId: contoso.id,
      acquisition: 'indirect-provider',
    });

    const before = s.bot.store.count('invitations');
    await teams.say(alice, personal, 'invita cliente Northwind Traders nw@northwind.example con provider Globex');
    const answer = s.connector.calls.slice(-2).map(cardText).join('\n');
    expect(answer).toContain('Nessuno dei tuoi provider indiretti si chiama "Globex"');
    expect(s.bot.store.count('invitations')).toBe(before);
    // The picker's Next carries what was typed; the service checks it again.
    const res = await teams.invoke(alice, personal, 'invitation.draftWithProvider', {
      providerId: contoso.id,
      companyName: 'Northwind Traders',
      customerEmail: 'nw@northwind.example',
      lang: 'it',
    });
    expect(res.status).toBe(200);
    expect(invitations().at(-1)).toMatchObject({
      companyName: 'Northwind Traders',
      customerEmail: 'nw@northwind.example',
      providerId: contoso.id,
    });
    await teams.invoke(alice, personal, 'invitation.draftWithProvider', { providerId: contoso.id, customerEmail: 'not an email' });
    expect(lastCard()).toContain('"not an email" is not an email address');
    expect(s.bot.store.count('invitations')).toBe(before + 1);
  });

  it('Teams: an email that is not one, and a company name too long, get a sentence; nothing is drafted', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'invite customer Fabrikam ada@fabrikam');
    expect(lastCard()).toContain('"ada@fabrikam" is not an email address. Write it like ada@fabrikam.example');
    await teams.say(alice, personal, 'invita cliente Fabrikam @@');
    expect(lastCard()).toContain('"@@" non è un indirizzo email');
    await teams.say(alice, personal, `invite customer ${'Fabrikam '.repeat(20)}`);
    expect(lastCard()).toContain('That company name is longer than 120 characters');
    expect(invitations()).toHaveLength(0);
  });

  it('Slack: an email Slack turned into a mailto link, and a provider picker that carries the company and email', async () => {
    await s.bot.service.addProvider(GA, { name: 'Contoso Distribution' });
    const adatum = await s.bot.service.addProvider(GA, { name: 'Adatum Distribution' });
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    await slack.command('UADMIN', 'invite customer Fabrikam Srl <mailto:ada@fabrikam.example|ada@fabrikam.example>');
    await expect.poll(() => invitations().length, { timeout: 10_000 }).toBe(1);
    expect(invitations()[0]).toMatchObject({ companyName: 'Fabrikam Srl', customerEmail: 'ada@fabrikam.example' });

    const before = s.api.calls.length;
    await slack.command('UADMIN', 'invite customer Tailspin ugo@tailspin.example with provider');
    const picker = await s.api.waitFor('chat.postMessage', (c) => JSON.stringify(c.args).includes('static_select'), { after: before });
    const blocks = (picker.args.blocks ?? []) as Array<{
      type: string;
      block_id?: string;
      elements?: Array<{ type: string; action_id: string }>;
    }>;
    const select = blocks.find((b) => b.elements?.some((e) => e.type === 'static_select'));
    expect(select?.block_id).toMatch(/^csp-data:/);
    await slack.action('UADMIN', {
      type: 'static_select',
      block_id: select!.block_id,
      action_id: select!.elements![0]!.action_id,
      selected_option: { value: adatum.id },
    });
    await expect.poll(() => invitations().length, { timeout: 10_000 }).toBe(2);
    expect(invitations()[1]).toMatchObject({ companyName: 'Tailspin', customerEmail: 'ugo@tailspin.example', providerId: adatum.id });
  });
});

describe('the draft asks who the invitation is for', () => {
  const inputOf = (card: unknown, id: string): Record<string, unknown> | undefined => {
    let found: Record<string, unknown> | undefined;
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.id === id && typeof o.type === 'string' && o.type.startsWith('Input.')) found = o;
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    return found;
  };

  it('Teams: the company and email inputs come filled by the command; Done keeps what was typed there, and refuses an email that is not one', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'invite customer Fabrikam ada@fabrikam.example');
    const card = s.connector.calls.at(-1)!.body;
    expect(inputOf(card, 'companyName')).toMatchObject({ value: 'Fabrikam', label: "Customer's company (optional)" });
    expect(inputOf(card, 'customerEmail')).toMatchObject({ value: 'ada@fabrikam.example', style: 'Email' });
    const [invitation] = invitations();
    const token = JSON.stringify(card).match(/"token":"([^"]+)"/)![1]!;
    const link = `http://localhost:3978/invitations/${token}`;

    const refused = await teams.invoke(alice, personal, 'invitation.done', {
      invitationId: invitation!.id,
      token,
      subject: 'Hi',
      body: `Accept: ${link}`,
      acquisition: 'own-marketing',
      companyName: 'Fabrikam Srl',
      customerEmail: 'ada at fabrikam',
    });
    expect(JSON.stringify(refused.body)).toContain('\\"ada at fabrikam\\" is not an email address');
    expect(s.bot.store.get('invitations', invitation!.id)).toMatchObject({ status: 'draft', customerEmail: 'ada@fabrikam.example' });
    // What was typed stays in the form that comes back.
    expect(inputOf(refused.body, 'companyName')).toMatchObject({ value: 'Fabrikam Srl' });

    const done = await teams.invoke(alice, personal, 'invitation.done', {
      invitationId: invitation!.id,
      token,
      subject: 'Hi',
      body: `Accept: ${link}`,
      acquisition: 'own-marketing',
      companyName: 'Fabrikam Srl',
      customerEmail: 'giulia@fabrikam.example',
    });
    expect(done.status).toBe(200);
    expect(s.bot.store.get('invitations', invitation!.id)).toMatchObject({
      status: 'sent',
      companyName: 'Fabrikam Srl',
      customerEmail: 'giulia@fabrikam.example',
    });
    expect(JSON.stringify(done.body)).toContain('mailto:giulia%40fabrikam.example');
  });

  it('Slack: the modal has both inputs, optional; a bad email is refused beside its input; a good one is kept', async () => {
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    const before = s.api.calls.length;
    await slack.command('UADMIN', 'invita cliente Tailspin');
    const modal = (await s.api.waitFor('views.open', () => true, { after: before })).args.view as {
      private_metadata: string;
      callback_id: string;
      blocks: Array<{ block_id?: string; optional?: boolean; element?: { type?: string; initial_value?: string } }>;
    };
    expect(modal.blocks.find((b) => b.block_id === 'companyName')).toMatchObject({
      optional: true,
      element: { initial_value: 'Tailspin' },
    });
    expect(modal.blocks.find((b) => b.block_id === 'customerEmail')).toMatchObject({
      optional: true,
      element: { type: 'email_text_input' },
    });
    const body = modal.blocks.find((b) => b.block_id === 'body')!.element!.initial_value!;
    const values = (email: string) => ({
      companyName: { value: 'Tailspin Toys' },
      customerEmail: { value: email },
      subject: { value: 'Ciao' },
      body: { value: body },
      acquisition: { selected_option: { value: 'own-marketing' } },
    });

    const refused = await slack.submit('UADMIN', modal, values('ugo@'));
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({
      response_action: 'errors',
      errors: { customerEmail: expect.stringContaining('"ugo@" non è un indirizzo email') },
    });
    expect(invitations()[0]).toMatchObject({ status: 'draft', companyName: 'Tailspin', customerEmail: null });

    expect((await slack.submit('UADMIN', modal, values('ugo@tailspin.example'))).status).toBe(200);
    await expect.poll(() => invitations()[0]?.status, { timeout: 10_000 }).toBe('sent');
    expect(invitations()[0]).toMatchObject({ companyName: 'Tailspin Toys', customerEmail: 'ugo@tailspin.example' });
  });

  it('the terminal: the company and the email are shown and can be edited before Done', async () => {
    const lines: string[] = [];
    const chat = createChatSession({
      conversation: s.bot.conversation,
      turn: {
        actor: { platform: 'cli', userId: 'admin', displayName: 'Admin', locale: 'en' },
        conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
      },
      out: (line) => lines.push(line),
    });
    await s.bot.service.grantRole(GA, { role: 'global-admin', principal: 'cli:admin' });
    await chat.input('invite customer Northwind Traders');
    const shown = lines.join('\n');
    expect(shown).toContain("Customer's company (optional): Northwind Traders");
    expect(shown).toContain('Customer email (optional): -');
    const number = (label: string) => new RegExp(`\\[(\\d+)\\] ${label}`).exec(lines.join('\n'))![1]!;
    await chat.input(number("Edit the customer's email"));
    await chat.input('nw@northwind.example');
    expect(lines.join('\n')).toContain('Customer email (optional): nw@northwind.example');
    lines.length = 0;
    await chat.input('invite customer');
    expect(invitations()).toHaveLength(2);
  });
});

describe("the email in the customer's language", () => {
  it('Teams: an English draft is written again in Italian on a click, keeping the company and email typed; audited; a sent one cannot be', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'invite customer Fabrikam Srl');
    const [drafted] = invitations();
    expect(drafted).toMatchObject({ locale: 'en', subject: expect.stringContaining('invites you') });
    const card = JSON.stringify(s.connector.calls.at(-1)!.body);
    expect(card).toContain('Write it in Italian');
    const token = /"token":"([^"]+)"/.exec(card)![1]!;

    const rewritten = await teams.invoke(alice, personal, 'invitation.language', {
      invitationId: drafted!.id,
      language: 'it',
      token,
      companyName: 'Fabrikam S.r.l.',
      customerEmail: 'ada@fabrikam.example',
      lang: 'en',
    });
    expect(rewritten.status).toBe(200);
    const after = s.bot.store.get('invitations', drafted!.id)!;
    expect(after).toMatchObject({ locale: 'it', status: 'draft', companyName: 'Fabrikam S.r.l.', customerEmail: 'ada@fabrikam.example' });
    expect(after.subject).toContain('vi invita');
    // The card the person reads stays in their language; the email in it is Italian, with its link.
    const text = JSON.stringify(rewritten.body);
    expect(text).toContain('Write it in English');
    expect(text).toContain(`/invitations/${token}`);
    expect(s.bot.service.listAudit(GA, { target: drafted!.id }).map((e) => e.action)).toContain('invitation.rewritten');

    const link = `http://localhost:3978/invitations/${token}`;
    await teams.invoke(alice, personal, 'invitation.done', {
      invitationId: drafted!.id,
      token,
      subject: after.subject,
      body: `Accetta: ${link}`,
      acquisition: 'own-marketing',
    });
    expect(s.bot.store.get('invitations', drafted!.id)!.status).toBe('sent');
    await teams.invoke(alice, personal, 'invitation.language', { invitationId: drafted!.id, language: 'en', token });
    expect(s.bot.store.get('invitations', drafted!.id)!.locale).toBe('it');
  });
});
