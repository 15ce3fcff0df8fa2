/**
 * Answers in the language the person writes: an Italian command gets Italian and an English one
 * English, whatever the client says; `language` / `lingua` overrides both; the buttons that follow
 * keep the language. Through Teams (/api/messages), Slack (/slack/events) and the terminal chat.
 */
import { describe, expect, it } from 'vitest';
import { cardText } from '../fakes/connector.js';
import { slackClient } from '../fakes/slack-client.js';
import { SLACK_SECRET, useStack } from './stack.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { createChatSession } from '../../bot/cli/session.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin', locale: 'en-US' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };

const s = useStack({ slackUsers: { UADMIN: { name: 'Sam Slack', locale: 'it-IT' } } });

/** Every `Action.Execute` of a card (Teams), with its data, wherever it sits in the card. */
function executeActions(card: unknown): Array<{ verb: string; title: string; data: Record<string, unknown> }> {
  const found: Array<{ verb: string; title: string; data: Record<string, unknown> }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute')
        found.push({ verb: o.verb as string, title: o.title as string, data: o.data as Record<string, unknown> });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

const lastCard = () => cardText(s.connector.calls.at(-1));

describe('replies in the language the person writes', () => {
  it('Teams, on an English client: Italian commands, typos and the buttons that follow get Italian; `language` overrides', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);

    await teams.say(alice, personal, 'elenca clienti');
    expect(lastCard()).toMatch(/Clienti/);
    expect(lastCard()).not.toMatch(/Customers/);

    await teams.say(alice, personal, 'elenca clientii');
    expect(lastCard()).toContain('Forse intendevi `elenca clienti`?');

    await teams.say(alice, personal, 'list customers');
    expect(lastCard()).toMatch(/Customers/);

    // A help card typed in Italian: its buttons carry the language, so a click is answered in Italian.
    await teams.say(alice, personal, 'aiuto');
    const button = executeActions(s.connector.calls.at(-1)!.body).find((a) => a.verb === 'command' && a.data.command === 'listCustomers');
    expect(button?.data.lang).toBe('it');
    const clicked = await teams.invoke(alice, personal, 'command', button!.data);
    expect(clicked.status).toBe(200);
    expect(lastCard()).toMatch(/Clienti/);
    // The same click without the stamp (a card from before) falls back to the client's language.
    const unstamped = Object.fromEntries(Object.entries(button!.data).filter(([key]) => key !== 'lang'));
    await teams.invoke(alice, personal, 'command', unstamped);
    expect(lastCard()).toMatch(/Customers/);

    // The person's own choice beats what they type, and is kept in the store.
    await teams.say(alice, personal, 'language italiano');
    expect(lastCard()).toContain("D'ora in poi ti rispondo in italiano");
    expect(s.bot.store.get('people', 'teams:aad-admin')).toMatchObject({ language: 'it' });
    await teams.say(alice, personal, 'list customers');
    expect(lastCard()).toMatch(/Clienti/);
    await teams.say(alice, personal, 'language');
    expect(lastCard()).toContain('Ti rispondo sempre in italiano.');
    await teams.say(alice, personal, 'lingua klingon');
    expect(lastCard()).toContain('Posso rispondere in italiano o in inglese');

    // Back to automatic: answered in the language of that very command.
    await teams.say(alice, personal, 'language auto');
    expect(lastCard()).toContain("I'll answer you in the language you write in");
    expect(s.bot.store.get('people', 'teams:aad-admin')).toBeUndefined();
    await teams.say(alice, personal, 'list customers');
    expect(lastCard()).toMatch(/Customers/);

    await teams.say(alice, personal, 'registro');
    expect(lastCard()).toContain('Alice Admin ha scelto di ricevere risposte in italiano');
    expect(lastCard()).toContain('Alice Admin ha scelto di ricevere risposte nella lingua in cui scrive');
  });

  it('Slack, on an Italian profile: an English command gets English, and its modal answers in English too', async () => {
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    let before = s.api.calls.length;
    await slack.command('UADMIN', 'invite customer');
    const modal = (await s.api.waitFor('views.open', () => true, { after: before })).args.view as {
      private_metadata: string;
      callback_id: string;
      blocks: Array<{ block_id?: string; element?: { initial_value?: string } }>;
    };
    expect(JSON.stringify(modal)).toContain('Invite');
    expect(JSON.parse(modal.private_metadata)).toMatchObject({ lang: 'en' });
    const body = modal.blocks.find((b) => b.block_id === 'body')?.element?.initial_value ?? '';
    expect(body).toContain('/invitations/');

    before = s.api.calls.length;
    expect(
      (
        await slack.submit('UADMIN', modal, {
          subject: { value: 'Hello' },
          body: { value: body },
          acquisition: { selected_option: { value: 'own-marketing' } },
        })
      ).status,
    ).toBe(200);
    const sent = await s.api.waitFor('chat.postMessage', (c) => JSON.stringify(c.args).includes('mailto:'), { after: before });
    expect(s.api.text(sent)).toContain('Invitation sent');

    before = s.api.calls.length;
    await slack.command('UADMIN', 'inviti');
    const list = await s.api.waitFor('chat.postMessage', () => true, { after: before });
    expect(s.api.text(list)).toContain('Inviti');
  });

  it('the terminal chat: an Italian command on an English terminal, its numbered choices, and the setting', async () => {
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
    const since = () => {
      const text = lines.join('\n');
      lines.length = 0;
      return text;
    };
    await chat.input('aiuto');
    const help = since();
    expect(help).toContain('Cosa posso fare');
    const pick = /\[(\d+)\] Elenca i clienti/.exec(help);
    expect(pick, help).not.toBeNull();
    await chat.input(pick![1]!);
    expect(since()).toMatch(/Clienti/);
    await chat.input('99');
    expect(since()).toMatch(/Scegli (1|un numero da 1 a \d+), o scrivi un comando\./);

    await chat.input('lingua inglese');
    expect(since()).toContain("From now on I'll answer you in English");
    await chat.input('elenca clienti');
    expect(since()).toMatch(/Customers/);
  });
});

describe('a provider tenant id that is not a GUID', () => {
  it('gets a sentence in the language typed, with the command that adds the provider without it; nothing is added', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'add provider Foo not-a-guid');
    expect(lastCard()).toContain('"not-a-guid" is not a tenant ID');
    expect(lastCard()).toContain('`add provider Foo`');
    await teams.say(alice, personal, 'aggiungi provider Foo not-a-guid');
    expect(lastCard()).toContain('"not-a-guid" non è un ID tenant');
    expect(lastCard()).toContain('`aggiungi provider Foo`');
    expect(s.bot.store.count('providers')).toBe(0);
    await teams.say(alice, personal, 'add provider Foo');
    expect(s.bot.store.count('providers')).toBe(1);
  });
});
