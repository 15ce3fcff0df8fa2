/**
 * The onboarding board: `onboarding` lists the customers in flight with their step and age, newest
 * first and paged; `onboarding <customer>` shows one record with its steps and what to do next.
 * Through Teams (/api/messages), Slack (/slack/events) and the terminal, in English and Italian,
 * and at 2,000 customers in flight within Teams' 28 KB and Slack's block limits.
 */
import { describe, expect, it } from 'vitest';
import { cardText } from '../fakes/connector.js';
import { slackClient } from '../fakes/slack-client.js';
import { SLACK_SECRET, useStack } from './stack.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { createChatSession } from '../../bot/cli/session.js';
import { contact } from '../helpers.js';
import { invitationRecord } from '../records.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const TEAMS_BUDGET = 28 * 1024;

const s = useStack({ slackUsers: { UADMIN: { name: 'Sam Slack', locale: 'it-IT' } } });

const lastCard = () => cardText(s.connector.calls.at(-1));

/** The data of the card's `Action.Execute` whose title is `title`. */
function action(card: unknown, title: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute' && o.title === title) found = o.data as Record<string, unknown>;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** Drafts an invitation in Teams naming its customer, and selects Done with the link in the body. */
async function sendInvitation(teams: ReturnType<typeof teamsClient>, who: string) {
  await teams.say(alice, personal, `invite customer ${who}`);
  const card = s.connector.calls.at(-1)!.body;
  const link = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/.exec(cardText(card))![0];
  const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(card))![1]!;
  await teams.invoke(alice, personal, 'invitation.done', {
    invitationId,
    token: link.split('/').pop()!,
    subject: 'Hi',
    body: `Please accept: ${link}`,
  });
  return { invitationId, token: link.split('/').pop()! };
}

describe('the onboarding board', () => {
  it('Teams: a sent invitation is on the board with its step and age; its record has the steps, Revoke and, once accepted, the customer', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'onboarding');
    expect(lastCard()).toContain('No customer is in flight');

    const { invitationId, token } = await sendInvitation(teams, 'Fabrikam Srl ada@fabrikam.example');
    // A draft never sent is not on the board.
    await teams.say(alice, personal, 'invite customer Tailspin');
    await teams.say(alice, personal, 'onboarding');
    const board = s.connector.calls.at(-1)!.body;
    expect(cardText(board)).toContain('1 customer in flight, newest first.');
    // Teams shows `<` with a word joiner after it, so no client reads it as markup.
    expect(cardText(board)).toMatch(/Fabrikam Srl <\u2060?ada@fabrikam\.example>: waiting for the customer to accept, sent today/);
    expect(cardText(board)).not.toContain('Tailspin');

    const details = action(board, 'Details: Fabrikam Srl');
    expect(details).toMatchObject({ invitationId });
    await teams.invoke(alice, personal, 'onboarding.show', details!);
    const record = s.connector.calls.at(-1)!.body;
    expect(cardText(record)).toContain('Onboarding: Fabrikam Srl');
    expect(cardText(record)).toMatch(/Email sent\n.*Alice Admin/);
    expect(cardText(record)).toMatch(/Reseller relationship accepted\nnot yet/);
    expect(action(record, 'Revoke Fabrikam Srl')).toMatchObject({ invitationId });
    expect(action(record, 'Resend')).toMatchObject({ invitationId });

    await s.bot.service.acceptInvitation(token, { ...contact('fabrikam.example'), companyName: 'Fabrikam Srl' });
    await teams.say(alice, personal, 'onboarding');
    expect(lastCard()).toContain('No customer is in flight');
    await teams.say(alice, personal, 'onboarding fabrikam');
    const accepted = s.connector.calls.at(-1)!.body;
    expect(cardText(accepted)).toContain('onboarded today');
    expect(cardText(accepted)).toMatch(/Reseller relationship accepted\n.*Fabrikam Srl/);
    expect(action(accepted, 'Revoke Fabrikam Srl')).toBeUndefined();

    await teams.say(alice, personal, 'onboarding Globex');
    expect(lastCard()).toContain('No invitation was sent to "Globex"');
  });

  it('Slack, in Italian: the board and a record', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await sendInvitation(teams, 'Contoso Italia info@contoso.example');
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    let before = s.api.calls.length;
    await slack.command('UADMIN', 'onboarding');
    const board = await s.api.waitFor('chat.postMessage', () => true, { after: before });
    expect(s.api.text(board)).toContain('Clienti in onboarding');
    expect(s.api.text(board)).toContain('Contoso Italia &lt;info@contoso.example&gt;: in attesa che il cliente accetti, inviato oggi');
    before = s.api.calls.length;
    await slack.command('UADMIN', 'onboarding contoso italia');
    const record = await s.api.waitFor('chat.postMessage', () => true, { after: before });
    expect(s.api.text(record)).toContain('Onboarding: Contoso Italia');
    expect(s.api.text(record)).toContain('Relazione come rivenditore accettata');
  });

  it('the terminal: the board with its rows as numbered choices', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await sendInvitation(teams, 'Northwind Traders nw@northwind.example');
    const lines: string[] = [];
    const chat = createChatSession({
      conversation: s.bot.conversation,
      turn: {
        actor: { platform: 'cli', userId: 'admin', displayName: 'Admin', locale: 'en' },
        conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
      },
      out: (line) => lines.push(line),
    });
    await s.bot.service.grantRole(
      { platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' },
      { role: 'sales-agent', principal: 'cli:admin' },
    );
    await chat.input('onboarding');
    const shown = lines.join('\n');
    expect(shown).toContain('Northwind Traders <nw@northwind.example>: waiting for the customer to accept');
    const pick = /\[(\d+)\] Details: Northwind Traders/.exec(shown)![1]!;
    await chat.input(pick);
    expect(lines.join('\n')).toContain('Onboarding: Northwind Traders');
  });

  it('2,000 customers in flight: ten a page, newest first, within Teams’ and Slack’s limits on every page', async () => {
    const at = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
    const who = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice Admin' };
    await s.bot.store.transact((tx) => {
      for (let i = 0; i < 2_000; i++) {
        tx.put(
          'invitations',
          invitationRecord(`inv-${String(i).padStart(4, '0')}`, {
            companyName: `Customer ${String(i).padStart(4, '0')} ${'Holding Internazionale S.p.A. '.repeat(3).trim()}`,
            customerEmail: `it-admin-${i}@customer-${i}.example`,
            createdBy: who,
            createdAt: at(i),
            expiresAt: '2099-01-01T00:00:00.000Z',
            sentAt: at(i),
            sentBy: who,
          }),
        );
      }
    });
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'onboarding');
    const first = s.connector.calls.at(-1)!;
    expect(Buffer.byteLength(JSON.stringify(first.body))).toBeLessThan(TEAMS_BUDGET);
    expect(cardText(first.body)).toContain('2000 customers in flight, newest first.');
    expect(cardText(first.body)).toContain('Page 1 of 200');
    expect(cardText(first.body)).toContain('Customer 1999 ');
    expect(cardText(first.body)).not.toContain('Customer 1989 ');

    const next = action(first.body, 'Next');
    const res = await teams.invoke(alice, personal, 'onboarding.page', next!);
    expect(Buffer.byteLength(JSON.stringify(res.body))).toBeLessThan(TEAMS_BUDGET);
    expect(JSON.stringify(res.body)).toContain('Customer 1989 ');
    expect(JSON.stringify(res.body)).toContain('Page 2 of 200');
    // A page past the end is the last page (the card's number is re-checked, never trusted).
    const last = await teams.invoke(alice, personal, 'onboarding.page', { page: 9_999 });
    expect(JSON.stringify(last.body)).toContain('Page 200 of 200');
    expect(JSON.stringify(last.body)).toContain('Customer 0000 ');

    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    const before = s.api.calls.length;
    await slack.command('UADMIN', 'onboarding');
    const board = await s.api.waitFor('chat.postMessage', () => true, { after: before });
    expect((board.args.blocks as unknown[]).length).toBeLessThanOrEqual(50);
    expect(s.api.text(board)).toContain('Pagina 1 di 200');
  });
});
