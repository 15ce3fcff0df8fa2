/**
 * First contact on a DIRECTORY=microsoft deployment (Microsoft's login and Graph played by the
 * local stand-in): the welcome names the role the partner tenant gives, and help lists the
 * Microsoft directory's commands, and not grant or revoke role (roles come from the partner
 * tenant's groups there). Teams through /api/messages, Slack through signed /slack/events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { buttonTitles, MICROSOFT_ONLY, teamsInstall, usagesOf } from './welcome-helpers.js';

const SECRET = 'welcome-microsoft-secret';
const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const SAL_ID = '0a1b2c3d-0000-4000-8000-0000000005a1';
const NOBODY_ID = '0a1b2c3d-0000-4000-8000-00000000b0d1';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const sal: TeamsUser = { aadObjectId: SAL_ID, name: 'Sal Vendite', locale: 'it-IT' };
const nobody: TeamsUser = { aadObjectId: NOBODY_ID, name: 'Nessuno', locale: 'it-IT' };
const chatOf = (user: TeamsUser): TeamsConversation => ({ id: `a:personal-${user.aadObjectId}`, conversationType: 'personal' });

let microsoft: FakeMicrosoft;
let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  microsoft.addUser({ id: SAL_ID, mail: 'sal@northwind.example', groups: ['SalesAgents'] });
  microsoft.addUser({ id: NOBODY_ID, mail: 'nobody@northwind.example', groups: [] });
  connector = await startConnector();
  api = await startSlackApi({ USAM: { name: 'Sam Slack', email: 'alice@northwind.example' } });
  bot = await startBot({
    ...microsoftEnv(microsoft),
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: api.apiUrl,
  });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
  await microsoft?.close();
});

const card = () => connector.calls.at(-1)?.body.attachments?.[0]?.content as Record<string, unknown>;
const roleFact = (value: string, title = 'Your role') => expect.objectContaining({ type: 'FactSet', facts: [{ title, value }] });

describe('first contact with the Microsoft directory', () => {
  it('Teams: the role from the partner tenant in the welcome; help with the Microsoft commands and without grant', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teamsInstall(teams, alice, chatOf(alice));
    expect(card().body).toContainEqual(roleFact('Admin agent'));
    expect(buttonTitles(card())).toEqual(['Invite a customer', 'List customers', 'Help']);

    await teams.invoke(alice, chatOf(alice), 'command', { command: 'help' });
    const usages = usagesOf(card());
    for (const command of MICROSOFT_ONLY.en)
      expect(
        usages.some((u) => u.startsWith(command)),
        command,
      ).toBe(true);
    expect(usages).toContain('end admin access <customer>');
    expect(
      usages.some((u) => u.startsWith('grant') || u.startsWith('revoke role')),
      usages.join(', '),
    ).toBe(false);
  });

  it("Teams, in Italian: a Sales agent sees refresh customers but not the admins' commands; someone outside the groups is told where roles come from", async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teamsInstall(teams, sal, chatOf(sal));
    expect(card().body).toContainEqual(roleFact('Agente vendite', 'Il tuo ruolo'));
    expect(buttonTitles(card())).toEqual(['Elenca i clienti', 'Aiuto']);
    await teams.say(sal, chatOf(sal), 'aiuto');
    const usages = usagesOf(card());
    expect(usages).toContain('aggiorna clienti');
    for (const command of ['stato', 'termina accesso amministrativo', 'collega partner center', 'assegna'])
      expect(
        usages.some((u) => u.startsWith(command)),
        command,
      ).toBe(false);

    await teamsInstall(teams, nobody, chatOf(nobody));
    expect(card().body).toContainEqual(roleFact('nessun ruolo', 'Il tuo ruolo'));
    expect(JSON.stringify(card())).toContain('i ruoli vengono dal tenant del partner');
    expect(JSON.stringify(card())).not.toContain('`assegna`');
    expect(buttonTitles(card())).toEqual(['Aiuto']);
  });

  it('Slack: the welcome in the empty chat, and help with the Microsoft commands', async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await slack.event({ type: 'app_home_opened', user: 'USAM', channel: 'D0SAM', tab: 'messages' }, 'EvMsFirst');
    const welcome = await api.waitFor('chat.postMessage');
    expect(api.mrkdwn(welcome)).toContainEqual('*Your role*\nAdmin agent');
    const before = api.calls.length;
    await slack.command('USAM', 'help');
    const help = (await api.waitFor('chat.postMessage', () => true, { after: before })).args;
    const text = api.mrkdwn({ method: 'chat.postMessage', args: help, result: {} }).join('\n');
    for (const command of MICROSOFT_ONLY.en) expect(text, command).toContain(`\`/csp ${command}`);
    expect(text).not.toContain('`/csp grant');
  });
});
