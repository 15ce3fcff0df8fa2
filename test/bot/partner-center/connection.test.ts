/**
 * The Partner Center connection over time, with the bot's clock moved by hand: a nudge in the
 * admins' conversation before the 90-day refresh window lapses (once), a lost connection announced
 * once, and `status` saying so. Against the login, Graph and Partner Center stand-ins.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../microsoft/harness.js';
import { startBot } from '../../fakes/bot-server.js';
import { cardText, startConnector } from '../../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';
import { startFakePartnerCenter } from '../../fakes/partner-center.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../../fakes/teams-client.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const DAY = 86_400_000;

let microsoft: FakeMicrosoft;
let partnerCenter: Awaited<ReturnType<typeof startFakePartnerCenter>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let bot: Awaited<ReturnType<typeof startBot>>;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

/**
 * `accessTokenLifetimeSeconds`: 60 makes every check refresh (MSAL renews within 5 minutes of
 * expiry), which also rolls the 90-day window forward, as Entra's rotating refresh tokens do; a
 * day lets the bot's clock run ahead while the token is still used as it is.
 */
async function start(accessTokenLifetimeSeconds: number) {
  partnerCenter = await startFakePartnerCenter({
    tenantId: microsoft.tenantId,
    clientId: microsoft.clientId,
    deviceCodeInterval: 1,
    accessTokenLifetimeSeconds,
  });
  connector = await startConnector();
  bot = await startBot(
    {
      ...microsoftEnv(microsoft),
      PARTNER_CENTER_URL: partnerCenter.url,
      PARTNER_CENTER_LOGIN_URL: partnerCenter.url,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      BOOTSTRAP_ADMINS: '',
    },
    { clock },
  );
}

beforeEach(async () => {
  offsetMs = 0;
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
});
afterEach(async () => {
  await bot?.stop();
  await connector?.close();
  await partnerCenter?.close();
  await microsoft?.close();
});

const posted = (pattern: RegExp) =>
  connector.calls.filter(
    (c) => c.method === 'POST' && decodeURIComponent(c.path).includes('a:personal-alice') && pattern.test(cardText(c)),
  );

describe('the Partner Center connection over time', () => {
  async function connect(teams: ReturnType<typeof teamsClient>, times = 1) {
    await teams.say(alice, personal, 'connect partner center');
    // The card shows the code Entra handed out for this sign-in; then the person signs in with it.
    await expect.poll(() => partnerCenter.pendingUserCodes().length, { timeout: 10_000 }).toBe(1);
    expect(cardText(connector.calls.at(-1))).toContain(partnerCenter.pendingUserCodes()[0]!);
    partnerCenter.completeSignIn({ upn: 'alice@northwind.example', mfa: true, oid: ALICE_ID });
    await expect.poll(() => posted(/(^|\n)Partner Center is connected\n/).length, { timeout: 15_000 }).toBe(times);
  }

  it("nudges the admins' conversation once, ten days before the 90-day refresh window lapses", async () => {
    await start(86_400);
    const teams = teamsClient(bot.url, connector.url);
    await connect(teams);
    const connection = bot.store.get('connections', 'partner-center')!;
    expect(connection.announceTo).toMatchObject({ platform: 'teams', conversationId: 'a:personal-alice' });
    expect(Date.parse(connection.refreshExpiresAt!) - clock.now().getTime()).toBeGreaterThan(89 * DAY);

    // Nothing to say while the window is far away.
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    expect(posted(/Reconnect Partner Center soon/)).toHaveLength(0);

    offsetMs = Date.parse(connection.refreshExpiresAt!) - Date.now() - 10 * DAY;
    await bot.sync!.runOnce();
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    await expect.poll(() => posted(/Reconnect Partner Center soon/).length).toBe(1);
    expect(bot.store.get('connections', 'partner-center')!.nudgedAt).not.toBeNull();
  });

  it('announces a lost connection once, status says what to do, and signing in again clears it', async () => {
    await start(60);
    const teams = teamsClient(bot.url, connector.url);
    await connect(teams);
    // Refreshing rolls the window forward: no nudge while the bot uses the connection.
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    expect(posted(/Partner Center was disconnected|Reconnect/)).toHaveLength(0);

    partnerCenter.expireRefreshTokens();
    await bot.sync!.runOnce();
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    await expect.poll(() => posted(/Partner Center was disconnected/).length).toBe(1);
    expect(cardText(posted(/Partner Center was disconnected/)[0])).toContain('connect partner center');
    await teams.say(alice, personal, 'status');
    expect(cardText(connector.calls.at(-1))).toContain('connect partner center again');

    await connect(teams, 2);
    expect(bot.store.get('connections', 'partner-center')!.lostAt).toBeNull();
  });

  it('says Microsoft cannot be reached when the sign-in cannot start, and keeps nothing', async () => {
    await start(3600);
    await partnerCenter.close(); // Entra's device-code endpoint is gone
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, personal, 'connect partner center');
    expect(cardText(connector.calls.at(-1))).toContain('Microsoft could not be reached just now');
    expect(bot.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(bot.store.get('connections', 'partner-center')).toBeUndefined();
  });

  it('refuses a sign-in without MFA and keeps nothing', async () => {
    await start(3600);
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, personal, 'connect partner center');
    partnerCenter.completeSignIn({ upn: 'alice@northwind.example', mfa: false });
    await expect.poll(() => posted(/Partner Center is not connected/).length, { timeout: 15_000 }).toBe(1);
    expect(cardText(posted(/Partner Center is not connected/)[0])).toContain('900421');
    expect(bot.store.get('connections', 'partner-center')).toBeUndefined();
  });
});
