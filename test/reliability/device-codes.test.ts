/**
 * Issue 23, finding 4: whoever enters a device code becomes the account every Partner Center call
 * runs as. Replayed against the real bot (Teams through the connector fake, Slack through the
 * Slack API fake) with the login, Graph and Partner Center stand-ins: the code is shown only in a
 * personal chat of the admin who asked, and a sign-in by anyone but that admin, as a partner-tenant
 * Global admin or Admin agent, is refused, explained in the asker's language, and leaves nothing
 * stored: the connection that was there goes on with its own account's token.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { everyFileText } from '../helpers.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startFakePartnerCenter, type FakePartnerCenter } from '../fakes/partner-center.js';
import { startSlackApi, type SlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const BOB_ID = '0a1b2c3d-0000-4000-8000-000000000b0b';
const CAROL_ID = '0a1b2c3d-0000-4000-8000-0000000ca201';
const DAVE_ID = '0a1b2c3d-0000-4000-8000-00000000da7e';
const SECRET = 'device-code-slack-secret';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const dave: TeamsUser = { aadObjectId: DAVE_ID, name: 'Dave Bootstrap', locale: 'it-IT' };
const alicePersonal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const davePersonal: TeamsConversation = { id: 'a:personal-dave', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
const groupChat: TeamsConversation = { id: '19:group@thread.v2', conversationType: 'groupChat' };

let microsoft: FakeMicrosoft;
let partnerCenter: FakePartnerCenter;
let connector: Awaited<ReturnType<typeof startConnector>>;
let api: SlackApi;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  microsoft.addUser({ id: BOB_ID, mail: 'bob@northwind.example', groups: ['SalesAgents'] });
  microsoft.addUser({ id: CAROL_ID, mail: 'carol@northwind.example', groups: ['AdminAgents'] });
  // A bootstrap admin of the bot, but only a Sales agent in the partner tenant.
  microsoft.addUser({ id: DAVE_ID, mail: 'dave@northwind.example', groups: ['SalesAgents'] });
  partnerCenter = await startFakePartnerCenter({ tenantId: microsoft.tenantId, clientId: microsoft.clientId, deviceCodeInterval: 1 });
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin', email: 'alice@northwind.example' } });
  bot = await startBot({
    ...microsoftEnv(microsoft),
    PARTNER_CENTER_URL: partnerCenter.url,
    PARTNER_CENTER_LOGIN_URL: partnerCenter.url,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMINS: `teams:${DAVE_ID},slack:UADMIN`,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: api.apiUrl,
  });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
  await partnerCenter?.close();
  await microsoft?.close();
});

const deviceCodeRequests = () => partnerCenter.requests().filter((r) => r.path.endsWith('/oauth2/v2.0/devicecode'));
const postedIn = (conversationId: string, pattern: RegExp) =>
  connector.calls.filter((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(conversationId) && pattern.test(cardText(c)));
/** Everything the bot wrote next to its data file, as text. */
const onDisk = () => everyFileText(dirname(bot.config.dataFile));

/** `connect partner center` in a personal chat: the card must show the code Entra handed out. */
async function askForCode(teams: ReturnType<typeof teamsClient>, user: TeamsUser, conversation: TeamsConversation): Promise<string> {
  const before = new Set(partnerCenter.pendingUserCodes());
  // In the person's language: an Italian command gets its answers, and the sign-in's outcome, in Italian.
  await teams.say(user, conversation, user.locale?.startsWith('it') ? 'collega partner center' : 'connect partner center');
  await expect.poll(() => partnerCenter.pendingUserCodes().filter((c) => !before.has(c)).length, { timeout: 10_000 }).toBe(1);
  const code = partnerCenter.pendingUserCodes().find((c) => !before.has(c))!;
  expect(cardText(connector.calls.at(-1))).toContain(code);
  // Microsoft's sign-in page is a button that opens it, not only text.
  expect(JSON.stringify(connector.calls.at(-1)!.body)).toMatch(/"type":"Action.OpenUrl","title":"[^"]+","url":"https:\/\/microsoft\.com\/devicelogin"/);
  return code;
}

async function connectAlice(teams: ReturnType<typeof teamsClient>) {
  const code = await askForCode(teams, alice, alicePersonal);
  partnerCenter.completeSignIn({ upn: 'alice@northwind.example', mfa: true, oid: ALICE_ID, userCode: code });
  await expect.poll(() => postedIn(alicePersonal.id, /(^|\n)Partner Center is connected\n/).length, { timeout: 15_000 }).toBe(1);
  await bot.dispatcher.idle();
}

describe('finding 4: device codes', () => {
  it('shows no code in a channel or a group chat, on Teams or Slack, and says to ask in a personal chat, in the asker\'s language', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> connect partner center');
    const inChannel = cardText(connector.calls.at(-1));
    expect(decodeURIComponent(connector.calls.at(-1)!.path)).toContain(salesChannel.id);
    expect(inChannel).toContain('only in a personal chat');
    await teams.say(dave, groupChat, 'collega partner center');
    expect(cardText(connector.calls.at(-1))).toContain('solo in una chat personale');

    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    expect((await slack.command('UADMIN', 'connect partner center')).status).toBe(200);
    await bot.idle();
    const slackReply = api.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0SALES');
    expect(JSON.stringify(slackReply?.args)).toContain('only in a personal chat');

    // No sign-in was even started: there is no code anyone could have seen.
    expect(deviceCodeRequests()).toHaveLength(0);
    expect(partnerCenter.pendingUserCodes()).toEqual([]);
    expect(bot.store.get('connections', 'partner-center')).toBeUndefined();
  });

  it('refuses a Sales agent, or another admin, who signs in with the code: nothing is stored and every Partner Center call keeps the asker\'s token', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const fabrikam = partnerCenter.addCustomer({ companyName: 'Fabrikam', domain: 'fabrikam.example', users: 2, subscriptions: 1 });
    await connectAlice(teams);
    const connected = bot.store.get('connections', 'partner-center')!;
    expect(connected.account).toBe('alice@northwind.example');

    // Alice asks again (say, to reconnect); Bob, a Sales agent, then Carol, an Admin agent, enter her code first.
    for (const [who, oid, refused] of [
      ['bob@northwind.example', BOB_ID, 1],
      ['carol@northwind.example', CAROL_ID, 2],
    ] as const) {
      const code = await askForCode(teams, alice, alicePersonal);
      partnerCenter.completeSignIn({ upn: who, mfa: true, oid, userCode: code });
      await expect.poll(() => postedIn(alicePersonal.id, /Partner Center is not connected/).length, { timeout: 15_000 }).toBe(refused);
      const told = cardText(postedIn(alicePersonal.id, /Partner Center is not connected/).at(-1));
      expect(told).toContain(`The code was used by ${who}, not by you`);
      expect(told).toContain('never share the code');
      expect(bot.store.get('connections', 'partner-center')).toEqual(connected);
    }
    await bot.dispatcher.idle();
    const audit = [...bot.store.all('audit')].filter((a) => a.action === 'partnerCenter.signInFailed');
    expect(audit.map((a) => a.details)).toEqual([
      { code: 'signer-not-asker', account: 'bob@northwind.example' },
      { code: 'signer-not-asker', account: 'carol@northwind.example' },
    ]);
    expect(onDisk()).not.toMatch(/RefreshToken|AccessToken|"secret"/);

    // From now on, everything Partner Center is asked carries Alice's token, never Bob's or Carol's.
    partnerCenter.resetRequests();
    await bot.sync!.runOnce();
    await teams.say(alice, alicePersonal, 'customer Fabrikam');
    expect(cardText(connector.calls.at(-1))).toContain('User 1');
    const calls = partnerCenter.requests({ pathStartsWith: '/v1/' });
    expect(calls.some((r) => r.path === `/v1/customers/${fabrikam.id}/users`)).toBe(true);
    expect(new Set(calls.map((r) => r.as))).toEqual(new Set(['alice@northwind.example']));
  });

  it('refuses an asker who is no admin in the partner tenant, and a sign-in to another tenant, keeping nothing', async () => {
    const teams = teamsClient(bot.url, connector.url);
    // Dave is a Global admin of the bot (BOOTSTRAP_ADMINS), so he may ask; as himself he is only a Sales agent at Microsoft.
    const daveCode = await askForCode(teams, dave, davePersonal);
    partnerCenter.completeSignIn({ upn: 'dave@northwind.example', mfa: true, oid: DAVE_ID, userCode: daveCode });
    await expect.poll(() => postedIn(davePersonal.id, /Partner Center non è collegato/).length, { timeout: 15_000 }).toBe(1);
    expect(cardText(postedIn(davePersonal.id, /Partner Center non è collegato/)[0])).toContain(
      'dave@northwind.example ha eseguito l\'accesso, ma non è amministratore globale né agente amministratore del tenant del partner',
    );

    const aliceCode = await askForCode(teams, alice, alicePersonal);
    partnerCenter.completeSignIn({ upn: 'alice@contoso.example', mfa: true, oid: ALICE_ID, tenantId: randomUUID(), userCode: aliceCode });
    await expect.poll(() => postedIn(alicePersonal.id, /Partner Center is not connected/).length, { timeout: 15_000 }).toBe(1);
    expect(cardText(postedIn(alicePersonal.id, /Partner Center is not connected/)[0])).toContain(
      'alice@contoso.example signed in to another organisation, not to your partner tenant',
    );
    await bot.dispatcher.idle();
    expect(bot.store.get('connections', 'partner-center')).toBeUndefined();
    expect(partnerCenter.requests({ pathStartsWith: '/v1/' })).toEqual([]);
    expect(onDisk()).not.toContain('aes256gcm');
  });

  it('connects the admin who asked and signed in: from a Teams personal chat, and from a Slack DM matched by profile email', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await connectAlice(teams);
    expect(cardText(postedIn(alicePersonal.id, /(^|\n)Partner Center is connected\n/)[0])).toContain('alice@northwind.example');
    await bot.sync!.runOnce();
    await teams.say(alice, alicePersonal, 'status');
    expect(cardText(connector.calls.at(-1))).toContain('connected as alice@northwind.example');

    await teams.say(alice, alicePersonal, 'disconnect partner center');
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    expect((await slack.command('UADMIN', 'connect partner center', { channel: 'D0ALICE', channelName: 'directmessage' })).status).toBe(200);
    await bot.idle();
    await expect.poll(() => partnerCenter.pendingUserCodes().length, { timeout: 10_000 }).toBe(1);
    const [code] = partnerCenter.pendingUserCodes();
    const card = api.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0ALICE');
    expect(JSON.stringify(card?.args)).toContain(code!);
    partnerCenter.completeSignIn({ upn: 'alice@northwind.example', mfa: true, oid: ALICE_ID, userCode: code });
    await expect
      .poll(
        () =>
          api.calls.some(
            (c) => c.method === 'chat.postMessage' && c.args.channel === 'D0ALICE' && JSON.stringify(c.args).includes('Partner Center is connected'),
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(bot.store.get('connections', 'partner-center')!.account).toBe('alice@northwind.example');
  });
});
