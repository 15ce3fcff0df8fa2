/**
 * A deployment on the README's path (no PARTNER_NAME): nothing a customer reads is written until
 * a Global admin gives the company's name, in Teams, Slack and the terminal, in English and Italian.
 */
import { describe, expect, it } from 'vitest';
import { cardText } from '../fakes/connector.js';
import { slackClient } from '../fakes/slack-client.js';
import { SLACK_SECRET, useStack } from './stack.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { createChatSession } from '../../bot/cli/session.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const ada: TeamsUser = { aadObjectId: 'aad-agent', name: 'Ada Agent', locale: 'it-IT' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const adaChat: TeamsConversation = { id: 'a:personal-ada', conversationType: 'personal' };

const s = useStack({ slackUsers: { UADMIN: { name: 'Sam Slack', locale: 'it-IT' } }, env: { PARTNER_NAME: '' } });

const NO_PLACEHOLDER = /CSP partner|Your CSP/i;

describe("the partner's name comes before the first invitation", () => {
  it('Teams: a Global admin is asked for it, an Admin agent is told to ask, status shows it, then the draft carries it', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'invite customer');
    const setup = cardText(s.connector.calls.at(-1));
    expect(setup).toContain("Your company's name comes first");
    // Teams shows `<` with a word joiner after it, so no client reads it as markup.
    expect(setup).toMatch(/company name <\u2060?your company's name>/);
    expect(setup).not.toMatch(NO_PLACEHOLDER);
    expect([...s.bot.store.all('invitations')]).toHaveLength(0);

    await teams.say(alice, personal, 'status');
    expect(cardText(s.connector.calls.at(-1))).toMatch(/not set yet: type `company name <\u2060?name>`/);

    await s.bot.service.grantRole({ platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' }, { role: 'admin-agent', principal: 'teams:aad-agent' });
    await teams.say(ada, adaChat, 'invita cliente');
    expect(cardText(s.connector.calls.at(-1))).toMatch(/Chiedi a un amministratore globale di impostarlo con `nome azienda <\u2060?nome>`/);
    await teams.say(ada, adaChat, 'nome azienda Ada Cloud');
    expect(cardText(s.connector.calls.at(-1))).toContain('amministratore globale');
    expect(s.bot.store.partner()!.name).toBeNull();

    await teams.say(alice, personal, 'company name   Northwind Cloud ');
    expect(cardText(s.connector.calls.at(-1))).toContain('Saved: customers will see Northwind Cloud.');
    await teams.say(alice, personal, 'status');
    expect(cardText(s.connector.calls.at(-1))).toMatch(/Company name customers see[\s\S]*Northwind Cloud/);
    await teams.say(alice, personal, 'audit');
    expect(cardText(s.connector.calls.at(-1))).toContain("Alice Admin set the company's name customers see to Northwind Cloud");

    await teams.say(ada, adaChat, 'invita cliente');
    const draft = cardText(s.connector.calls.at(-1));
    expect(draft).toContain('Northwind Cloud');
    expect(draft).not.toMatch(NO_PLACEHOLDER);
  });

  it('Slack, in Italian: the setup question, then the name, then a draft that names the partner', async () => {
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    let before = s.api.calls.length;
    await slack.command('UADMIN', 'invita cliente');
    const setup = await s.api.waitFor('chat.postMessage', () => true, { after: before });
    expect(s.api.text(setup)).toContain('Prima, il nome della tua azienda');
    // Slack's own escaping of `<`, which Slack shows as `<`.
    expect(s.api.text(setup)).toContain('nome azienda &lt;nome della tua azienda&gt;');
    expect(s.api.text(setup)).not.toMatch(NO_PLACEHOLDER);

    before = s.api.calls.length;
    await slack.command('UADMIN', 'nome azienda Northwind Cloud');
    const saved = await s.api.waitFor('chat.postMessage', () => true, { after: before });
    expect(s.api.text(saved)).toContain('Salvato: i clienti vedranno Northwind Cloud.');
    expect(s.bot.store.partner()!.name).toBe('Northwind Cloud');
  });

  it('the terminal chat asks too, and the help lists the command only for a Global admin', async () => {
    const lines: string[] = [];
    const chat = createChatSession({
      conversation: s.bot.conversation,
      turn: { actor: { platform: 'cli', userId: 'admin', displayName: 'Admin', locale: 'en' }, conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' } },
      out: (line) => lines.push(line),
    });
    await s.bot.service.grantRole({ platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' }, { role: 'global-admin', principal: 'cli:admin' });
    await chat.input('invite customer');
    expect(lines.join('\n')).toContain("Your company's name comes first");
    await chat.input('help');
    expect(lines.join('\n')).toContain('company name <name customers know>');
    await chat.input('company name Northwind Cloud');
    expect(lines.join('\n')).toContain('Saved: customers will see Northwind Cloud.');
  });
});
