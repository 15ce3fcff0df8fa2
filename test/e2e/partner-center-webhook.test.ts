/**
 * A signed Partner Center webhook, end to end: the customer approves at Microsoft, Partner Center
 * posts `granular-admin-relationship-approved`, signed with a certificate from a "Microsoft storage"
 * stand-in chained to the configured root. The bot verifies it, looks at Microsoft at once, and
 * the subscribed channel hears of the acceptance once: not again for the replayed event, nor for
 * the Graph sync that sees the same approval; forged events change nothing. With Partner Center's
 * API connected, a reseller acceptance (`reseller-relationship-accepted-by-customer`) fetches the
 * customer from Partner Center and accepts it the same way, once.
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
import { connectPartnerCenter } from './partner-center-connect.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const CUSTOMER_TENANT = '7c0ffee0-1234-4abc-9def-000000000002';
const TOKEN = 'pc-webhook-path-token-0123456789abcdefghij';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };

let microsoft: FakeMicrosoft;
let storage: Awaited<ReturnType<typeof startCertificateStorage>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let partnerCenter: FakePartnerCenter | undefined;
let bot: Awaited<ReturnType<typeof startBot>>;
let roots: string;

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  storage = await startCertificateStorage({ now: new Date() });
  roots = join(tempDir(), 'roots.pem');
  writeFileSync(roots, storage.root.cert);
  connector = await startConnector();
});
afterEach(async () => {
  await bot?.stop();
  await connector?.close();
  await partnerCenter?.close();
  partnerCenter = undefined;
  await storage?.close();
  await microsoft?.close();
});

/** The bot with the webhook route on, its certificates from the storage stand-in; `env` adds to it. */
async function start(env: Record<string, string> = {}) {
  bot = await startBot({
    ...microsoftEnv(microsoft),
    PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN,
    PARTNER_CENTER_WEBHOOK_CERT_HOSTS: storage.host,
    PARTNER_CENTER_WEBHOOK_TRUST_ROOTS: roots,
    BOOTSTRAP_ADMINS: '',
    ...env,
  });
}

/** The channel's acceptance notices for `company`. */
const noticesOf = (company: string) =>
  connector.calls.filter(
    (c) => c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales') && cardText(c).includes(`${company} accepted`),
  );

/** Alice subscribes the Sales channel and drafts an invitation: its id. */
async function subscribeAndInvite(teams: ReturnType<typeof teamsClient>): Promise<string> {
  await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
  await teams.say(alice, personal, 'invite customer');
  return /"invitationId":"([^"]+)"/.exec(JSON.stringify(connector.calls.at(-1)!.body))![1]!;
}

const post = (body: Buffer, headers: Record<string, string>, token = TOKEN) =>
  fetch(`${bot.url}/partner-center/events/${token}`, { method: 'POST', headers, body }).then((r) => r.status);

describe('signed Partner Center acceptance webhooks', () => {
  it('notifies the channel once for a verified approval, whatever else sees it, and forged events change nothing', async () => {
    await start();
    const teams = teamsClient(bot.url, connector.url);
    const invitationId = await subscribeAndInvite(teams);
    const [relationship] = microsoft.relationships();
    microsoft.approve(relationship!.id, { tenantId: CUSTOMER_TENANT, displayName: 'Adatum Corporation' });

    const event = {
      EventName: 'granular-admin-relationship-approved',
      ResourceUri: `https://api.partnercenter.microsoft.com/v1/customers/${CUSTOMER_TENANT}`,
      ResourceName: 'DelegatedAdminRelationship',
      AuditUri: null,
      ResourceChangeUtcDate: new Date().toISOString(),
    };
    const good = storage.signed(JSON.stringify(event));
    const before = JSON.stringify([...bot.store.all('invitations')]);

    // Forged first: a tampered body, a foreign certificate host, a wrong path token. Nothing changes.
    expect(await post(Buffer.from(JSON.stringify({ ...event, ResourceName: 'x' })), good.headers)).toBe(401);
    const foreign = storage.signed(JSON.stringify(event), { certUrl: 'https://evil.example/cert/pcnotifications.cer' });
    expect(await post(foreign.bytes, foreign.headers)).toBe(401);
    const rogue = storage.signed(JSON.stringify(event), { key: storage.rogueLeaf.key, certPath: '/cert/rogue.cer' });
    expect(await post(rogue.bytes, rogue.headers)).toBe(401);
    expect(await post(good.bytes, good.headers, 'not-the-token-0123456789abcdefghijklmn')).toBe(404);
    expect(JSON.stringify([...bot.store.all('invitations')])).toBe(before);

    // The genuine event: accepted through the one acceptance path, the channel told once.
    connector.clear();
    expect(await post(good.bytes, good.headers)).toBe(200);
    await bot.dispatcher.idle();
    const notices = () => noticesOf('Adatum Corporation');
    await expect.poll(() => notices().length).toBe(1);
    expect(
      bot.service.getInvitation({ platform: 'teams', userId: ALICE_ID, displayName: 'Alice', locale: 'en' }, invitationId).status,
    ).toBe('accepted');

    // Partner Center retries it; the Graph sync sees the same approval: still one notification.
    expect(await post(good.bytes, good.headers)).toBe(200);
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    expect(notices()).toHaveLength(1);
    expect(bot.store.count('webhookEvents')).toBe(1);
  });

  it('accepts the customer once for a verified reseller acceptance, fetched from Partner Center, and notifies the channel once', async () => {
    partnerCenter = await startFakePartnerCenter({ tenantId: microsoft.tenantId, clientId: microsoft.clientId, deviceCodeInterval: 1 });
    await start({
      PARTNER_CENTER_URL: partnerCenter.url,
      PARTNER_CENTER_LOGIN_URL: partnerCenter.url,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    const teams = teamsClient(bot.url, connector.url);
    const pc = partnerCenter;
    const connected = await connectPartnerCenter({
      teams,
      connector,
      partnerCenter: pc,
      dispatcher: bot.dispatcher,
      who: { user: alice, conversation: personal, upn: 'alice@northwind.example' },
    });
    expect(connected).toContain('Partner Center is connected');
    const invitationId = await subscribeAndInvite(teams);

    // At Microsoft, the customer accepts the reseller relationship (and approves the GDAP request with it).
    const [relationship] = microsoft.relationships();
    microsoft.approve(relationship!.id, { tenantId: CUSTOMER_TENANT, displayName: 'Adatum Corporation' });
    pc.addCustomer({ id: CUSTOMER_TENANT, companyName: 'Adatum Corporation', domain: 'adatum.example' });
    const event = storage.signed(
      JSON.stringify({
        EventName: 'reseller-relationship-accepted-by-customer',
        ResourceUri: `${pc.url}/v1/customers/${CUSTOMER_TENANT}`,
        ResourceName: 'Customer',
        AuditUri: null,
        ResourceChangeUtcDate: new Date().toISOString(),
      }),
    );
    connector.clear();
    const answer = await fetch(`${bot.url}/partner-center/events/${TOKEN}`, { method: 'POST', headers: event.headers, body: event.bytes });
    expect({ status: answer.status, json: await answer.json() }).toEqual({ status: 200, json: { status: 'accepted' } });

    // The customer came from its ResourceUri at Partner Center, and its invitation is accepted.
    expect(pc.requests({ pathStartsWith: `/v1/customers/${CUSTOMER_TENANT}` }).filter((r) => r.method === 'GET')).toHaveLength(1);
    const admin = { platform: 'teams' as const, userId: ALICE_ID, displayName: 'Alice', locale: 'en' as const };
    expect(bot.service.getInvitation(admin, invitationId).status).toBe('accepted');
    await bot.dispatcher.idle();
    await expect.poll(() => noticesOf('Adatum Corporation').length).toBe(1);
    await teams.say(alice, personal, 'list customers');
    expect(cardText(connector.calls.at(-1))).toContain('Adatum Corporation');

    // Partner Center retries the event, and the Graph sync sees the approval: still one notice.
    const again = await fetch(`${bot.url}/partner-center/events/${TOKEN}`, { method: 'POST', headers: event.headers, body: event.bytes });
    expect({ status: again.status, json: await again.json() }).toEqual({ status: 200, json: { status: 'duplicate' } });
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    expect(noticesOf('Adatum Corporation')).toHaveLength(1);
    expect([...bot.store.all('customers')].filter((c) => c.companyName === 'Adatum Corporation')).toHaveLength(1);
  });
});
