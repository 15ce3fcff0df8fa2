/**
 * Random text, card actions, Slack payloads and raw bodies through both surfaces: only typed
 * refusals or normal replies, never a 5xx or a crash, and no change to the data from input that
 * is not a valid request. Each property prints its seed first (and again if it fails); `TEST_SEED=<n>` replays it. Where
 * Slack acknowledges before working, the data is compared once `bot.idle()` says the work is done.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { startConnector } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsUser } from '../fakes/teams-client.js';
import { collectionNames } from '../../store/schema.js';
import { parseCommand } from '../../bot/commands/parse.js';
import { contact } from '../helpers.js';
import { runSeed } from '../seed.js';
import { VERBS } from '../../views/verbs.js';

const SECRET = 'fuzz-secret';
const RUNS = 60;
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const nobody: TeamsUser = { aadObjectId: 'aad-nobody', name: 'No Role' };
const personal = { id: 'a:personal', conversationType: 'personal' as const };
const admin = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };

const MUTATING = new Set([
  'invite',
  'inviteWithProvider',
  'removeRelationship',
  'addProvider',
  'revokeInvitation',
  'notifyHere',
  'notifyOff',
  'grant',
]);
const KEYS = [
  'verb',
  'invitationId',
  'customerId',
  'removalId',
  'providerId',
  'page',
  'query',
  'command',
  'args',
  'subject',
  'body',
  'acquisition',
  'attest',
];

const anyValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);
const anyData = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), anyValue, { maxKeys: 6 });
const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('', ' ', '<at>bot</at>', 'customer', 'remove relationship', 'grant', 'grant global-admin x', 'revoca invito 999', '?'),
);

let bot: Awaited<ReturnType<typeof startBot>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;

beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Sam' }, UNOBODY: { name: 'Nobody' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
  // Some state for the random input to aim at: a pending invitation, a customer, a removal.
  const sent = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await bot.service.markInvitationSent(admin, sent.id, { body: sent.body });
  const accepted = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  const { customer } = await bot.service.acceptInvitation(accepted.link.split('/').pop()!, contact());
  await bot.service.requestRemoval(admin, customer.id);
});
afterEach(async () => {
  await bot.stop();
  await api.close();
  await connector.close();
});

/** Every record of every collection, hashed: any change to the data changes it. */
function fingerprint(): string {
  const hash = createHash('sha256');
  for (const name of collectionNames) for (const record of bot.store.all(name)) hash.update(JSON.stringify(record));
  return hash.digest('hex');
}

describe('fuzz', () => {
  it('answers random text in Teams without a 5xx; nothing changes unless it was a real command', async () => {
    const seed = runSeed('fuzz: random text in Teams');
    const teams = teamsClient(bot.url, connector.url);
    await fc.assert(
      fc.asyncProperty(anyText, fc.boolean(), async (text, asAdmin) => {
        const before = fingerprint();
        const res = await teams.say(asAdmin ? alice : nobody, personal, text);
        expect(res.status).toBe(200);
        const parsed = parseCommand(text);
        if (!asAdmin || parsed.kind !== 'command' || !MUTATING.has(parsed.name)) expect(fingerprint()).toBe(before);
      }),
      { numRuns: RUNS, seed },
    );
  });

  it('refuses random card actions in Teams (invoke and Action.Submit) with a reply, changing nothing', async () => {
    const seed = runSeed('fuzz: random card actions in Teams');
    const teams = teamsClient(bot.url, connector.url);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...VERBS), fc.string({ maxLength: 20 })),
        anyData,
        fc.boolean(),
        async (verb, data, submit) => {
          const before = fingerprint();
          const res = submit ? await teams.submit(alice, personal, { ...data, verb }) : await teams.invoke(alice, personal, verb, data);
          expect(res.status).toBe(200);
          if (!submit) expect(res.body).toMatchObject({ statusCode: 200 });
          expect(fingerprint()).toBe(before);
        },
      ),
      { numRuns: RUNS * 2, seed },
    );
  });

  it('survives random JSON posted to /api/messages with a 4xx at worst', async () => {
    const seed = runSeed('fuzz: random JSON to /api/messages');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (body) => {
        const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: RUNS, seed },
    );
  });

  it('answers random /csp text from someone without a role, changing nothing', async () => {
    const seed = runSeed('fuzz: random /csp text');
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const before = fingerprint();
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const res = await slack.command('UNOBODY', text);
        expect(res.status).toBe(200);
      }),
      { numRuns: RUNS, seed },
    );
    // Every request acknowledged above has been handled to the end (no timer: Slack's work after the ack is awaited).
    await bot.idle();
    expect(fingerprint()).toBe(before);
  });

  it('acknowledges random Slack button payloads and modal submissions, changing nothing', async () => {
    const seed = runSeed('fuzz: random Slack payloads');
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const before = fingerprint();
    const actionId = fc.oneof(
      fc.constantFrom(...VERBS).map((v) => `csp:${v}:0`),
      fc.string({ maxLength: 30 }),
    );
    const value = fc.oneof(
      fc.string(),
      anyData.map((d) => JSON.stringify(d)),
    );
    const callback = fc.oneof(fc.constantFrom('invitation.draft', 'removal.attest', 'notice'), fc.string({ maxLength: 20 }));
    const meta = fc.oneof(
      fc.string(),
      anyData.map((d) => JSON.stringify(d)),
    );
    const values = fc.dictionary(
      fc.constantFrom('subject', 'body', 'acquisition', 'attest', 'x'),
      anyValue.map((v) => ({ value: v, selected_option: v, selected_options: Array.isArray(v) ? v : [] })),
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.boolean(), actionId, value, callback, meta, values, async (isAction, id, v, cb, m, vals) => {
        const res = isAction
          ? await slack.action('UADMIN', { type: 'button', action_id: id, value: v })
          : await slack.submit('UADMIN', { callback_id: cb, private_metadata: m, blocks: [] }, vals as never);
        expect(res.status).toBeLessThan(500);
        if (!isAction) expect(res.status).toBe(200);
      }),
      { numRuns: RUNS * 2, seed },
    );
    await bot.idle();
    expect(fingerprint()).toBe(before);
    expect(bot.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });
});
