/**
 * A signed Partner Center webhook, end to end: the customer approves at Microsoft, Partner Center
 * posts `granular-admin-relationship-approved`, signed with a certificate from a "Microsoft storage"
 * stand-in chained to the configured root. The bot verifies it, looks at Microsoft at once, and
 * the subscribed channel hears of the acceptance once: not again for the replayed event, nor for
 * the Graph sync that sees the same approval; forged events change nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { startCertificateStorage } from '../fakes/webhook-certificates.js';
import { tempDir } from '../helpers.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const CUSTOMER_TENANT = '7c0ffee0-1234-4abc-9def-000000000002';
const TOKEN = 'pc-webhook-path-token-0123456789abcdefghij';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };

let microsoft: FakeMicrosoft;
let storage: Awaited<ReturnType<typeof startCertificateStorage>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  storage = await startCertificateStorage({ now: new Date() });
  const roots = join(tempDir(), 'roots.pem');
  writeFileSync(roots, storage.root.cert);
  connector = await startConnector();
  bot = await startBot({
    ...microsoftEnv(microsoft),
    PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN,
    PARTNER_CENTER_WEBHOOK_CERT_HOSTS: storage.host,
    PARTNER_CENTER_WEBHOOK_TRUST_ROOTS: roots,
    BOOTSTRAP_ADMINS: '',
  });
});
afterEach(async () => {
  await bot?.stop();
  await connector?.close();
  await storage?.close();
  await microsoft?.close();
});

const post = (body: Buffer, headers: Record<string, string>, token = TOKEN) =>
  fetch(`${bot.url}/partner-center/events/${token}`, { method: 'POST', headers, body }).then((r) => r.status);

describe('signed Partner Center acceptance webhooks', () => {
  it('notifies the channel once for a verified approval, whatever else sees it, and forged events change nothing', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
    await teams.say(alice, personal, 'invite customer');
    const [relationship] = microsoft.relationships();
    const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(connector.calls.at(-1)!.body))![1]!;
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
    const notices = () =>
      connector.calls.filter(
        (c) =>
          c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales') && cardText(c).includes('Adatum Corporation accepted'),
      );
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
});
