/**
 * Partner Center's API where the partner has it, against local stand-ins of Microsoft's login,
 * Graph and Partner Center: an admin connects from Teams with a device code, a customer's 300
 * users and 15 subscriptions show within Teams' limits, removal is refused while a subscription is
 * active and goes through at Partner Center once it is cancelled. With API access refused (an
 * indirect reseller), the bot says why and the Graph story goes on.
 */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { everyFileText } from '../helpers.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startFakePartnerCenter } from '../fakes/partner-center.js';
import { TEAMS_LIMIT_BYTES, jsonBytes } from '../fakes/platform-limits.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { connectPartnerCenter } from './partner-center-connect.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };

let microsoft: FakeMicrosoft;
let partnerCenter: Awaited<ReturnType<typeof startFakePartnerCenter>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let bot: Awaited<ReturnType<typeof startBot>>;

const actionsOf = (card: unknown): Array<{ verb: string; data: Record<string, string> }> => {
  const found: Array<{ verb: string; data: Record<string, string> }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute') found.push(o as never);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
};

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  partnerCenter = await startFakePartnerCenter({ tenantId: microsoft.tenantId, clientId: microsoft.clientId, deviceCodeInterval: 1 });
  connector = await startConnector();
  bot = await startBot({
    ...microsoftEnv(microsoft),
    PARTNER_CENTER_URL: partnerCenter.url,
    PARTNER_CENTER_LOGIN_URL: partnerCenter.url,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMINS: '',
  });
});
afterEach(async () => {
  await bot?.stop();
  await connector?.close();
  await partnerCenter?.close();
  await microsoft?.close();
});

/** Alice connects from Teams: the device-code card, the sign-in at "Microsoft", then the outcome posted in the chat. */
const connect = (teams: ReturnType<typeof teamsClient>) =>
  connectPartnerCenter({
    teams,
    connector,
    partnerCenter,
    dispatcher: bot.dispatcher,
    who: { user: alice, conversation: personal, upn: 'alice@northwind.example' },
  });

describe('Partner Center API with DIRECTORY=microsoft, against the stand-ins', () => {
  it('connects from Teams with a device code, shows a real-sized customer within limits, and removes only once nothing is active', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const fabrikam = partnerCenter.addCustomer({
      companyName: 'Fabrikam Industries',
      domain: 'fabrikam.example',
      users: 300,
      subscriptions: 15,
    });

    const outcome = await connect(teams);
    expect(outcome).toContain('Partner Center is connected');
    expect(outcome).toContain('alice@northwind.example');
    // No token in clear anywhere in the store: the cache is encrypted.
    const connection = bot.store.get('connections', 'partner-center')!;
    expect(connection.encryptedCache).toMatch(/^aes256gcm\.v1\.[A-Za-z0-9+/=.]+$/);
    const onDisk = everyFileText(dirname(bot.config.dataFile));
    expect(onDisk).toContain('aes256gcm.v1.');
    // MSAL's cache is JSON with these keys; none of it may reach the disk in clear.
    expect(onDisk).not.toMatch(/RefreshToken|AccessToken|"secret"|"credential_type"/);

    // The sync lists Partner Center's reseller customers.
    await bot.sync!.runOnce();
    await teams.say(alice, personal, 'list customers');
    expect(cardText(connector.calls.at(-1))).toContain('Fabrikam Industries');

    // 300 users and 15 subscriptions, read live, paged within Teams' limit.
    await teams.say(alice, personal, 'customer Fabrikam');
    const details = connector.calls.at(-1)!;
    expect(jsonBytes(details.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
    const text = cardText(details);
    expect(text).toContain('300 users');
    expect(text).toContain('15 subscriptions');
    expect(text).toContain('User 1');

    // Removal is refused while subscriptions are active, and Partner Center is left alone.
    await teams.say(alice, personal, 'remove relationship Fabrikam');
    expect(cardText(connector.calls.at(-1))).toMatch(/active subscription/i);
    expect(partnerCenter.customer(fabrikam.id)!.relationshipToPartner).toBe('reseller');

    // Once cancelled, the attestation goes through and Partner Center confirms the removal.
    partnerCenter.cancelSubscription(fabrikam.id);
    await teams.say(alice, personal, 'remove relationship Fabrikam');
    const attestation = connector.calls.at(-1)!;
    const removalId = actionsOf(attestation.body).find((a) => a.verb === 'removal.confirm')!.data.removalId!;
    const confirmed = await teams.invoke(alice, personal, 'removal.confirm', { removalId, attest: 'true' });
    const done = cardText(confirmed.body.value);
    expect(done).toMatch(/removed/i);
    expect(done).not.toContain('Finish in Partner Center');
    expect(partnerCenter.customer(fabrikam.id)!.relationshipToPartner).toBe('none');
    const patches = partnerCenter.requests({ pathStartsWith: `/v1/customers/${fabrikam.id}` }).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
  });

  it('explains a refusal of API access (an indirect reseller) and goes on with Graph alone', async () => {
    const teams = teamsClient(bot.url, connector.url);
    partnerCenter.refuseApiAccess();
    const outcome = await connect(teams);
    expect(outcome).toContain('Partner Center is connected');
    expect(outcome).toContain('indirect reseller, which Partner Center does not give API access');

    await teams.say(alice, personal, 'status');
    expect(cardText(connector.calls.at(-1))).toContain('does not give API access');

    // The Graph story still works: a draft with the GDAP approval link and the configured reseller link.
    await teams.say(alice, personal, 'invite customer');
    const draft = cardText(connector.calls.at(-1));
    expect(draft).toContain('granularAdminRelationships/');
    expect(draft).toContain(`partnerId=${microsoft.tenantId}`);
    expect(microsoft.relationships()).toHaveLength(1);

    // And disconnecting forgets the tokens.
    await teams.say(alice, personal, 'disconnect partner center');
    expect(cardText(connector.calls.at(-1))).toContain('tokens are deleted');
    expect(bot.store.get('connections', 'partner-center')).toBeUndefined();
  });
});
