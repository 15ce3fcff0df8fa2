/**
 * Issue 23, finding 9: after TOKEN_ENCRYPTION_KEY was rotated, `status` still said connected,
 * customer details said Microsoft could not be reached and webhooks answered 500 (which Partner
 * Center retries ten times); only the log named the cause. Against the real bot on both stores and
 * the login, Graph and Partner Center stand-ins: connect with key A, restart with key B, and the
 * bot names the state everywhere, tells the admins once, and answers webhooks without a 500.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startFakePartnerCenter, type FakePartnerCenter } from '../fakes/partner-center.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { startCertificateStorage } from '../fakes/webhook-certificates.js';
import { tempDir } from '../helpers.js';
import { testDatabase } from '../pg.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const TOKEN = 'pc-key-rotation-path-token-0123456789abcdef';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const alessia: TeamsUser = { ...alice, locale: 'it-IT' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const ANNOUNCEMENT = /saved Partner Center sign-in cannot be read/;

let microsoft: FakeMicrosoft;
let partnerCenter: FakePartnerCenter;
let connector: Awaited<ReturnType<typeof startConnector>>;
let storage: Awaited<ReturnType<typeof startCertificateStorage>>;
const bots: Array<Awaited<ReturnType<typeof startBot>>> = [];

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  partnerCenter = await startFakePartnerCenter({ tenantId: microsoft.tenantId, clientId: microsoft.clientId, deviceCodeInterval: 1 });
  connector = await startConnector();
  storage = await startCertificateStorage({ now: new Date() });
});
afterEach(async () => {
  while (bots.length) await bots.pop()!.stop();
  await storage?.close();
  await connector?.close();
  await partnerCenter?.close();
  await microsoft?.close();
});

const postedHere = (pattern: RegExp) =>
  connector.calls.filter((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(personal.id) && pattern.test(cardText(c)));

describe.each(['file', 'postgres'] as const)('finding 9: a rotated TOKEN_ENCRYPTION_KEY, %s store', (kind) => {
  it('says Partner Center must be connected again in status and details, tells the admins once, and handles webhooks without a 500', async () => {
    const roots = join(tempDir(), 'roots.pem');
    writeFileSync(roots, storage.root.cert);
    const dataFile = join(tempDir(), 'db.json');
    const databaseUrl = kind === 'postgres' ? await testDatabase() : null;
    const start = async (key: Buffer) => {
      const bot = await startBot(
        {
          ...microsoftEnv(microsoft),
          PARTNER_CENTER_URL: partnerCenter.url,
          PARTNER_CENTER_LOGIN_URL: partnerCenter.url,
          PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN,
          PARTNER_CENTER_WEBHOOK_CERT_HOSTS: storage.host,
          PARTNER_CENTER_WEBHOOK_TRUST_ROOTS: roots,
          TOKEN_ENCRYPTION_KEY: key.toString('base64'),
          BOOTSTRAP_ADMINS: '',
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        },
        { dataFile },
      );
      bots.push(bot);
      return bot;
    };
    const teams = (bot: { url: string }) => teamsClient(bot.url, connector.url);
    const connect = async (bot: Awaited<ReturnType<typeof start>>, times: number) => {
      await teams(bot).say(alice, personal, 'connect partner center');
      await expect.poll(() => partnerCenter.pendingUserCodes().length, { timeout: 10_000 }).toBe(1);
      partnerCenter.completeSignIn({ upn: 'alice@northwind.example', mfa: true, oid: ALICE_ID });
      await expect.poll(() => postedHere(/(^|\n)Partner Center is connected\n/).length, { timeout: 15_000 }).toBe(times);
      await bot.dispatcher.idle();
    };

    // Key A: connected, with a customer whose users are read live from Partner Center.
    partnerCenter.addCustomer({ companyName: 'Fabrikam', domain: 'fabrikam.example', users: 2, subscriptions: 1 });
    const first = await start(randomBytes(32));
    await connect(first, 1);
    await first.sync!.runOnce();
    await teams(first).say(alice, personal, 'customer Fabrikam');
    expect(cardText(connector.calls.at(-1))).toContain('User 1');
    await first.stop();
    bots.pop();

    // Key B, the same data.
    partnerCenter.resetRequests();
    const bot = await start(randomBytes(32));
    expect(bot.logs.some((l) => String(l.msg).includes('cannot be decrypted with TOKEN_ENCRYPTION_KEY'))).toBe(true);

    await teams(bot).say(alice, personal, 'status');
    const status = cardText(connector.calls.at(-1));
    expect(status).toContain('must be connected again: the encryption key changed');
    expect(status).not.toContain('connected as');
    await teams(bot).say(alessia, personal, 'stato');
    expect(cardText(connector.calls.at(-1))).toContain('da collegare di nuovo: la chiave di cifratura è cambiata');

    await teams(bot).say(alice, personal, 'customer Fabrikam');
    const details = cardText(connector.calls.at(-1));
    expect(details).toContain('Fabrikam');
    expect(details).toContain('Partner Center must be connected again: the encryption key changed');
    expect(details).not.toContain('could not be reached');

    // A signed acceptance: handled (the Graph sync looks at Microsoft), recorded, not retried.
    const event = storage.signed(
      JSON.stringify({
        EventName: 'reseller-relationship-accepted-by-customer',
        ResourceUri: 'https://api.partnercenter.microsoft.com/v1/customers/5b9a7d4e-1c2f-4a3b-8d6e-0f1a2b3c4d5e',
        ResourceName: 'Customer',
        AuditUri: null,
        ResourceChangeUtcDate: new Date().toISOString(),
      }),
    );
    const post = () =>
      fetch(`${bot.url}/partner-center/events/${TOKEN}`, { method: 'POST', headers: event.headers, body: event.bytes }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as unknown,
      }));
    expect(await post()).toEqual({ status: 200, json: { status: 'accepted' } });
    expect(await post()).toEqual({ status: 200, json: { status: 'duplicate' } });
    expect(bot.store.count('webhookEvents')).toBe(1);

    // The admins' conversation hears it once, however many passes and events follow.
    await bot.sync!.runOnce();
    await bot.sync!.runOnce();
    await expect.poll(() => postedHere(ANNOUNCEMENT).length, { timeout: 10_000 }).toBe(1);
    await bot.dispatcher.idle();
    expect(postedHere(ANNOUNCEMENT)).toHaveLength(1);
    expect(cardText(postedHere(ANNOUNCEMENT)[0])).toContain('connect partner center');
    // Nothing tried Partner Center with a cache that cannot be opened, and nothing was an error.
    expect(partnerCenter.requests({ pathStartsWith: '/v1/' })).toEqual([]);
    expect(bot.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);

    // Connecting again under key B clears it.
    await connect(bot, 2);
    await teams(bot).say(alice, personal, 'status');
    expect(cardText(connector.calls.at(-1))).toContain('connected as alice@northwind.example');
    await teams(bot).say(alice, personal, 'customer Fabrikam');
    expect(cardText(connector.calls.at(-1))).toContain('User 1');
  });
});
