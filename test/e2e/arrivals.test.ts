/**
 * A customer that no invitation here brought is announced once, in English and Italian: one who
 * accepts a reseller link sent outside the bot (Partner Center's signed webhook, through the real
 * route), and one who approves a GDAP relationship made in Partner Center (seen by the Graph sync,
 * across a restart and on two replicas). The customers already there at the first sync are the
 * baseline: a first connection to a book of 2,000 posts nothing.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { createGraphClient } from '../../bot/microsoft/graph-client.js';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startFakePartnerCenter, type FakePartnerCenter } from '../fakes/partner-center.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { startCertificateStorage } from '../fakes/webhook-certificates.js';
import { tempDir } from '../helpers.js';
import { testDatabase } from '../pg.js';
import { connectPartnerCenter } from './partner-center-connect.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const BRUNO_ID = '0a1b2c3d-0000-4000-8000-00000000b2a0';
const TAILSPIN = '7c0ffee0-1234-4abc-9def-00000000a001';
const TOKEN = 'pc-arrivals-path-token-0123456789abcdefghij';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const bruno: TeamsUser = { aadObjectId: BRUNO_ID, name: 'Bruno Bianchi', locale: 'it-IT' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const sales: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
const vendite: TeamsConversation = { id: '19:vendite@thread.tacv2', conversationType: 'channel', channelName: 'Vendite' };

const ENGLISH = 'Tailspin Toys is now your customer (not from an invitation here)';
const ITALIAN = 'Tailspin Toys ora è tuo cliente (non da un invito fatto qui)';

let microsoft: FakeMicrosoft;
let connector: Awaited<ReturnType<typeof startConnector>>;
let partnerCenter: FakePartnerCenter | undefined;
const bots: Array<Awaited<ReturnType<typeof startBot>>> = [];

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  microsoft.addUser({ id: BRUNO_ID, mail: 'bruno@northwind.example', groups: ['AdminAgents'] });
  connector = await startConnector();
});
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  await connector?.close();
  await partnerCenter?.close();
  partnerCenter = undefined;
  await microsoft?.close();
});

async function start(env: Record<string, string>, options: { dataFile?: string } = {}) {
  const bot = await startBot({ ...microsoftEnv(microsoft), BOOTSTRAP_ADMINS: '', ...env }, options);
  bots.push(bot);
  return bot;
}

/** Posts in `conversation` that carry `text`. */
const postsIn = (conversation: TeamsConversation, text: string) =>
  connector.calls.filter((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(conversation.id) && cardText(c).includes(text));

/** Alice subscribes Sales (English), Bruno Vendite (Italian). */
async function subscribe(teams: ReturnType<typeof teamsClient>) {
  await teams.say(alice, sales, '<at>CSP Connect</at> notify here');
  await teams.say(bruno, vendite, '<at>CSP Connect</at> notifica qui');
}

/** One post in each channel, each in its language, and none other. */
async function expectOneEach(settle: () => Promise<void>) {
  await settle();
  await expect.poll(() => [postsIn(sales, ENGLISH).length, postsIn(vendite, ITALIAN).length], { timeout: 15_000 }).toEqual([1, 1]);
  expect(postsIn(sales, ITALIAN)).toHaveLength(0);
  expect(postsIn(vendite, ENGLISH)).toHaveLength(0);
}

/** What Partner Center does when someone makes a GDAP relationship there: Graph's own calls, outside the bot. */
async function relationshipMadeInPartnerCenter(): Promise<string> {
  const config = loadConfig({
    PORT: '3978',
    PARTNER_NAME: 'x',
    BOOTSTRAP_ADMINS: '',
    DATA_FILE: join(tempDir(), 'x.json'),
    ...microsoftEnv(microsoft),
  });
  const graph = createGraphClient({ ...config.microsoft!, logger: createLogger('warn') });
  const made = await graph.createRelationship({
    displayName: 'Made in Partner Center for Tailspin',
    duration: 'P730D',
    roleDefinitionIds: ['f2ef992c-3afb-46b9-b7cf-a126ee74c451'],
    autoExtendDuration: 'P180D',
  });
  await graph.lockForApproval(made);
  microsoft.approve(made.id, { tenantId: TAILSPIN, displayName: 'Tailspin Toys' });
  return made.id;
}

describe('a customer no invitation here brought', () => {
  it('accepting a link sent outside the bot (Partner Center webhook) is announced once: not for the retry, a later event or the sync', async () => {
    const storage = await startCertificateStorage({ now: new Date() });
    try {
      const roots = join(tempDir(), 'roots.pem');
      writeFileSync(roots, storage.root.cert);
      const pc = (partnerCenter = await startFakePartnerCenter({
        tenantId: microsoft.tenantId,
        clientId: microsoft.clientId,
        deviceCodeInterval: 1,
      }));
      const bot = await start({
        PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN,
        PARTNER_CENTER_WEBHOOK_CERT_HOSTS: storage.host,
        PARTNER_CENTER_WEBHOOK_TRUST_ROOTS: roots,
        PARTNER_CENTER_URL: pc.url,
        PARTNER_CENTER_LOGIN_URL: pc.url,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      });
      const teams = teamsClient(bot.url, connector.url);
      const who = { user: alice, conversation: personal, upn: 'alice@northwind.example' };
      expect(await connectPartnerCenter({ teams, connector, partnerCenter: pc, dispatcher: bot.dispatcher, who })).toContain(
        'Partner Center is connected',
      );
      await bot.sync!.runOnce();
      await subscribe(teams);

      // The customer accepts a reseller link someone mailed by hand: no invitation here names it.
      pc.addCustomer({ id: TAILSPIN, companyName: 'Tailspin Toys', domain: 'tailspintoys.example' });
      const event = (at: Date) =>
        storage.signed(
          JSON.stringify({
            EventName: 'reseller-relationship-accepted-by-customer',
            ResourceUri: `${pc.url}/v1/customers/${TAILSPIN}`,
            ResourceName: 'Customer',
            AuditUri: null,
            ResourceChangeUtcDate: at.toISOString(),
          }),
        );
      const send = async (signed: ReturnType<typeof event>) =>
        (await fetch(`${bot.url}/partner-center/events/${TOKEN}`, { method: 'POST', headers: signed.headers, body: signed.bytes })).json();
      const first = event(new Date());
      expect(await send(first)).toEqual({ status: 'accepted' });
      await expectOneEach(() => bot.dispatcher.idle());
      expect(cardText(postsIn(sales, ENGLISH)[0])).toContain('through a link sent outside this bot');

      // The same event again, another event for the same acceptance, and the sync: nothing more.
      expect(await send(first)).toEqual({ status: 'duplicate' });
      expect(await send(event(new Date(Date.now() + 1000)))).toEqual({ status: 'accepted' });
      await bot.sync!.runOnce();
      await bot.dispatcher.idle();
      expect([postsIn(sales, ENGLISH).length, postsIn(vendite, ITALIAN).length]).toEqual([1, 1]);
      expect([...bot.store.all('customers')].filter((c) => c.tenantId === TAILSPIN)).toEqual([
        expect.objectContaining({ announcedAt: expect.any(String) }),
      ]);
    } finally {
      await storage.close();
    }
  });

  it('approving a GDAP relationship made in Partner Center is announced once, across a restart', async () => {
    const dataFile = join(tempDir(), 'db.json');
    let bot = await start({}, { dataFile });
    await bot.sync!.runOnce();
    const teams = teamsClient(bot.url, connector.url);
    await subscribe(teams);

    await relationshipMadeInPartnerCenter();
    await bot.sync!.runOnce();
    await expectOneEach(() => bot.dispatcher.idle());
    expect(cardText(postsIn(vendite, ITALIAN)[0])).toContain('ha approvato una relazione GDAP creata fuori da questo bot');

    // A restart on the same data file, and its syncs: still one each.
    await bot.stop();
    bots.splice(bots.indexOf(bot), 1);
    bot = await start({}, { dataFile });
    await bot.sync!.runOnce();
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    expect([postsIn(sales, ENGLISH).length, postsIn(vendite, ITALIAN).length]).toEqual([1, 1]);
  });

  it('approving a GDAP relationship made in Partner Center is announced once when two replicas sync it at the same time', async () => {
    const env = { DATABASE_URL: await testDatabase() };
    const one = await start(env);
    const two = await start(env);
    await Promise.all([one.sync!.runOnce(), two.sync!.runOnce()]);
    await subscribe(teamsClient(one.url, connector.url));

    await relationshipMadeInPartnerCenter();
    await Promise.all([one.sync!.runOnce(), two.sync!.runOnce(), one.sync!.runOnce(), two.sync!.runOnce()]);
    await expectOneEach(async () => {
      await one.dispatcher.idle();
      await two.dispatcher.idle();
    });
    await Promise.all([one.sync!.runOnce(), two.sync!.runOnce()]);
    await one.dispatcher.idle();
    await two.dispatcher.idle();
    expect([postsIn(sales, ENGLISH).length, postsIn(vendite, ITALIAN).length]).toEqual([1, 1]);
  });

  it('the customers there at the first sync are the baseline: a book of 2,000 posts nothing, the next customer one post each', async () => {
    // The bot ran with its embedded directory first: the channels are subscribed before Microsoft is connected.
    const dataFile = join(tempDir(), 'db.json');
    const before = await startBot({ DATA_FILE: dataFile, BOOTSTRAP_ADMINS: `teams:${ALICE_ID},teams:${BRUNO_ID}` }, { dataFile });
    await subscribe(teamsClient(before.url, connector.url));
    await before.stop();

    for (let i = 0; i < 2000; i++)
      microsoft.addCustomer({ tenantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, displayName: `Customer ${i}` });
    const bot = await start({}, { dataFile });
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    expect(bot.store.count('customers')).toBe(2000);
    expect(bot.store.count('deliveries')).toBe(0);
    expect(connector.calls.filter((c) => c.method === 'POST' && /your customer|tuo cliente/.test(cardText(c)))).toHaveLength(0);

    microsoft.addCustomer({ tenantId: TAILSPIN, displayName: 'Tailspin Toys' });
    await bot.sync!.runOnce();
    await expectOneEach(() => bot.dispatcher.idle());
    expect(cardText(postsIn(sales, ENGLISH)[0])).toContain('Microsoft now lists Tailspin Toys among your customers');
  });
});
