/**
 * First contact, through the real paths: the bot installed in Teams (a conversationUpdate that
 * adds the bot, posted to /api/messages), the bot's chat opened in Slack (a signed app_home_opened)
 * and the terminal chat started. The first message is a short welcome (who the bot is, the
 * person's role in words, three buttons), never the whole help; help comes in parts and lists only
 * what this deployment can do. In English and Italian, on the embedded directory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { startConnector } from '../fakes/connector.js';
import { startSlackApi, type SlackCall } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { createChatSession } from '../../bot/cli/session.js';
import { buttonTitles, MICROSOFT_ONLY, usagesOf, teamsInstall } from './welcome-helpers.js';

const SECRET = 'welcome-secret';
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const ada: TeamsUser = { aadObjectId: 'aad-ada', name: 'Ada Agente', locale: 'it-IT' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const adaChat: TeamsConversation = { id: 'a:personal-ada', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Vendite' };

let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Sam Slack' }, UITALO: { name: 'Italo Rossi', locale: 'it-IT' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
});

const card = (n = -1) => connector.calls.at(n)?.body.attachments?.[0]?.content as Record<string, unknown>;
const text = (value: unknown) => JSON.stringify(value);

describe('the first message in Teams', () => {
  it('is a short welcome in a personal chat: who the bot is, the role in words, three buttons; once for the two install events', async () => {
    const teams = teamsClient(bot.url, connector.url);
    expect((await teamsInstall(teams, alice, personal)).status).toBe(200);
    expect(connector.calls).toHaveLength(1);
    const welcome = card();
    expect(text(welcome)).toContain("Hello, I'm CSP Connect");
    expect(text(welcome)).toContain('I help Northwind Cloud invite customers to a Microsoft reseller relationship');
    expect(welcome.body).toContainEqual(
      expect.objectContaining({ type: 'FactSet', facts: [{ title: 'Your role', value: 'Global admin' }] }),
    );
    expect(buttonTitles(welcome)).toEqual(['Invite a customer', 'List customers', 'Help']);
    expect(text(welcome)).not.toContain('What I can do');
    expect(usagesOf(welcome)).toEqual([]);

    // Teams also says "installed": no second welcome. Someone else joining the chat gets none either.
    await teams.post(teams.activity(alice, personal, { type: 'installationUpdate', action: 'add' }));
    await teams.post(teams.activity(alice, personal, { type: 'conversationUpdate', membersAdded: [{ id: '29:aad-bob', name: 'Bob' }] }));
    expect(connector.calls).toHaveLength(1);

    // Help, one click away: in parts, with nothing this embedded deployment cannot do.
    await teams.invoke(alice, personal, 'command', { command: 'help' });
    const help = card();
    expect(text(help)).toContain('What I can do');
    for (const title of ['Customers', 'Invitations', 'Administration', 'General'])
      expect(help.body).toContainEqual(
        expect.objectContaining({ items: expect.arrayContaining([expect.objectContaining({ text: title })]) }),
      );
    const usages = usagesOf(help);
    expect(usages).toEqual(
      expect.arrayContaining([
        'list customers [search]',
        'invite customer [company] [email] [with provider <name>]',
        'grant <role> <platform:user>',
        'company name <name customers know>',
      ]),
    );
    for (const command of MICROSOFT_ONLY.en)
      expect(
        usages.some((u) => u.startsWith(command)),
        command,
      ).toBe(false);
    expect(buttonTitles(help)).toEqual(['Invite a customer', 'List customers', 'See invitations']);
  });

  it('in Italian, in a channel: the welcome goes to the channel, with the role of whoever added the bot, and only the Help button', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teamsInstall(teams, ada, salesChannel);
    expect(connector.calls).toHaveLength(1);
    expect(decodeURIComponent(connector.calls[0]!.path)).toContain(`/v3/conversations/${salesChannel.id}/activities`);
    const welcome = card();
    expect(text(welcome)).toContain('Ciao, sono CSP Connect');
    expect(text(welcome)).toContain('Aiuto Northwind Cloud a invitare i clienti a una relazione come rivenditore Microsoft');
    expect(text(welcome)).toContain('Non hai ancora un ruolo: chiedi a un amministratore globale');
    expect(welcome.body).toContainEqual(
      expect.objectContaining({ type: 'FactSet', facts: [{ title: 'Il tuo ruolo', value: 'nessun ruolo' }] }),
    );
    expect(buttonTitles(welcome)).toEqual(['Aiuto']);

    // A Sales agent may list but not invite: List customers is the main button.
    await teams.say(alice, personal, 'grant sales-agent teams:aad-ada');
    await teamsInstall(teams, ada, adaChat);
    const again = card();
    expect(again.body).toContainEqual(
      expect.objectContaining({ type: 'FactSet', facts: [{ title: 'Il tuo ruolo', value: 'Agente vendite' }] }),
    );
    expect(buttonTitles(again)).toEqual(['Elenca i clienti', 'Aiuto']);
    expect(text(again)).toMatch(/"title":"Elenca i clienti","data":\{"verb":"command","command":"listCustomers","lang":"it"\},"style":"positive"/);

    await teams.say(ada, adaChat, 'aiuto');
    const usages = usagesOf(card());
    expect(usages).toEqual(expect.arrayContaining(['elenca clienti [ricerca]', 'cliente <nome o dominio>', 'chi sono']));
    for (const command of [...MICROSOFT_ONLY.it, 'invita cliente', 'assegna'])
      expect(
        usages.some((u) => u.startsWith(command)),
        command,
      ).toBe(false);
  });
});

describe('the first message in Slack', () => {
  const blocksOf = (call: SlackCall) =>
    (call.args.blocks ?? (call.args.view as { blocks?: unknown[] }).blocks ?? []) as Array<Record<string, unknown>>;
  const slackButtons = (call: SlackCall) =>
    blocksOf(call)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => (b.elements as Array<{ text: { text: string } }>).map((e) => e.text.text));

  it('is the welcome when the Messages tab opens on an empty chat, once; the App Home buttons are the same words as Teams', async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await slack.event({ type: 'app_home_opened', user: 'UADMIN', channel: 'D0SAM', tab: 'messages' }, 'EvFirst');
    const welcome = await api.waitFor('chat.postMessage');
    expect(welcome.args.channel).toBe('D0SAM');
    expect(api.text(welcome)).toContain("Hello, I'm CSP Connect");
    expect(api.text(welcome)).toContain('I help Northwind Cloud invite customers');
    expect(api.mrkdwn(welcome)).toContainEqual('*Your role*\nGlobal admin');
    expect(slackButtons(welcome)).toEqual(['Invite a customer', 'List customers', 'Help']);
    expect(api.text(welcome)).not.toContain('What I can do');

    // The chat has a message now: opening it again posts nothing.
    const before = api.calls.length;
    await slack.event({ type: 'app_home_opened', user: 'UADMIN', channel: 'D0SAM', tab: 'messages' }, 'EvSecond');
    await bot.idle();
    expect(api.calls.slice(before).map((c) => c.method)).not.toContain('chat.postMessage');
    expect(api.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(1);

    // A chat that already holds messages (here, an answer to a command typed there) gets no welcome.
    await slack.event({ type: 'message', channel_type: 'im', user: 'UADMIN', text: 'whoami', channel: 'D0OLD', ts: '1.1' }, 'EvOld');
    await api.waitFor('chat.postMessage', (c) => c.args.channel === 'D0OLD');
    await slack.event({ type: 'app_home_opened', user: 'UADMIN', channel: 'D0OLD', tab: 'messages' }, 'EvOldOpened');
    await bot.idle();
    expect(api.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0OLD')).toHaveLength(1);

    await slack.event({ type: 'app_home_opened', user: 'UADMIN', channel: 'D0SAM', tab: 'home' }, 'EvHome');
    const home = await api.waitFor('views.publish');
    expect(slackButtons(home)).toEqual(['Invite a customer', 'List customers', 'See invitations', 'Help']);

    // Help from the home's button: in parts, without the Microsoft directory's commands.
    const helpButton = blocksOf(home)
      .flatMap((b) => (b.elements ?? []) as Array<{ action_id: string; value: string; text: { text: string } }>)
      .find((e) => e.text.text === 'Help')!;
    const after = api.calls.length;
    await slack.action('UADMIN', { type: 'button', action_id: helpButton.action_id, value: helpButton.value }, { home: true });
    const help = await api.waitFor('chat.postMessage', () => true, { after });
    const sections = api.mrkdwn(help);
    for (const title of ['Customers', 'Invitations', 'Administration', 'General'])
      expect(
        sections.some((s) => s.startsWith(`*${title}*\n`)),
        title,
      ).toBe(true);
    expect(sections.join('\n')).toContain('`/csp grant &lt;role&gt; &lt;platform:user&gt;`');
    for (const command of MICROSOFT_ONLY.en) expect(sections.join('\n'), command).not.toContain(`\`/csp ${command}`);
  });

  it('speaks Italian to an Italian user without a role: how to get one, and Help', async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await slack.event({ type: 'app_home_opened', user: 'UITALO', channel: 'D0ITALO', tab: 'messages' }, 'EvItalo');
    const welcome = await api.waitFor('chat.postMessage');
    expect(api.text(welcome)).toContain('Ciao, sono CSP Connect');
    expect(api.text(welcome)).toContain('Non hai ancora un ruolo');
    expect(api.mrkdwn(welcome)).toContainEqual('*Il tuo ruolo*\nnessun ruolo');
    expect(slackButtons(welcome)).toEqual(['Aiuto']);

    await slack.command('UADMIN', 'grant admin-agent slack:UITALO');
    const before = api.calls.length;
    await slack.event({ type: 'app_home_opened', user: 'UITALO', channel: 'D0ITALO', tab: 'home' }, 'EvItaloHome');
    const home = await api.waitFor('views.publish', () => true, { after: before });
    expect(slackButtons(home)).toEqual(['Invita un cliente', 'Elenca i clienti', 'Vedi gli inviti', 'Aiuto']);
  });
});

describe('the first message in Slack, when Slack cannot say whether the chat is empty', () => {
  it('posts nothing rather than a welcome in the middle of a conversation, and logs why', async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    api.fail('conversations.history', 'missing_scope');
    await slack.event({ type: 'app_home_opened', user: 'UADMIN', channel: 'D0SAM', tab: 'messages' }, 'EvNoScope');
    await bot.idle();
    expect(api.calls.map((c) => c.method)).not.toContain('chat.postMessage');
    expect(bot.logs.find((l) => String(l.msg).startsWith('could not read the chat history'))).toMatchObject({ level: 40 });
  });
});

describe('the first message in the terminal chat', () => {
  it("says whose bot it is only once the company's name is known", async () => {
    const unnamed = await startBot({ PARTNER_NAME: '' });
    try {
      for (const [locale, sentence] of [
        ['en', 'I help you invite customers to a Microsoft reseller relationship'],
        ['it', 'Ti aiuto a invitare i clienti a una relazione come rivenditore Microsoft'],
      ] as const) {
        const lines: string[] = [];
        const turn = {
          actor: { platform: 'cli' as const, userId: 'admin', displayName: 'Admin', locale },
          conversation: { platform: 'cli' as const, conversationId: 'terminal', name: 'terminal' },
        };
        await createChatSession({ conversation: unnamed.conversation, turn, out: (line) => lines.push(line) }).welcome();
        expect(lines.join('\n')).toContain(sentence);
        expect(lines.join('\n')).not.toMatch(/CSP partner|Northwind/);
      }
    } finally {
      await unnamed.stop();
    }
  });

  it('is the welcome with numbered choices, in English and in Italian, and help is one choice away', async () => {
    const lines: string[] = [];
    const session = (userId: string, locale: 'en' | 'it') =>
      createChatSession({
        conversation: bot.conversation,
        turn: {
          actor: { platform: 'cli', userId, displayName: userId, locale },
          conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
        },
        out: (line) => lines.push(line),
      });
    await bot.service.grantRole(
      { platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' },
      { role: 'admin-agent', principal: 'cli:carla' },
    );
    const carla = session('carla', 'en');
    await carla.welcome();
    const shown = lines.join('\n');
    expect(shown).toContain("Hello, I'm CSP Connect");
    expect(shown).toMatch(/Your role\s+Admin agent/);
    expect(shown).toContain('[1] Invite a customer\n  [2] List customers\n  [3] Help');
    expect(shown).not.toContain('What I can do');

    lines.length = 0;
    await carla.input('3');
    const help = lines.join('\n');
    expect(help).toContain('What I can do');
    expect(help).toMatch(/\nCustomers\n {2}list customers \[search\]/);
    for (const command of MICROSOFT_ONLY.en) expect(help, command).not.toMatch(new RegExp(`^ {2}${command}`, 'm'));

    lines.length = 0;
    await session('mario', 'it').welcome();
    expect(lines.join('\n')).toContain('Ciao, sono CSP Connect');
    expect(lines.join('\n')).toMatch(/Il tuo ruolo\s+nessun ruolo/);
    expect(lines.join('\n')).toContain('[1] Aiuto');
  });
});
