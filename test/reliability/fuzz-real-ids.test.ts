/**
 * Card actions aimed at real records: every Teams action and Slack button, and Slack's two modal
 * submissions (the email draft and the removal attestation, whose ids travel in
 * `private_metadata`), with the ids of a real pending invitation, draft, customer, removal (pending
 * and cancelled) and provider, and hostile values beside them. Someone without the admin role
 * changes nothing whatever the values; an admin's invalid values (an attestation that is not
 * exactly checked, an email without its link, an unknown acquisition, a record in the wrong state)
 * change nothing either. End admin access and Keep it are aimed at a customer with a live GDAP
 * relationship, through the Microsoft directory's stand-in, where an admin's click does end it.
 * After each action: a whole-store fingerprint and no error in the log. Teams answers an invoke
 * once the work is done, and Slack's work after its acknowledgement is awaited with
 * `bot.idle()`, so nothing here waits on a timer.
 */
import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsUser } from '../fakes/teams-client.js';
import { collectionNames } from '../../store/schema.js';
import { VERBS as ALL_VERBS } from '../../views/verbs.js';
import { contact } from '../helpers.js';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { reportSeedOnFailure, runSeed } from '../seed.js';

// TEST_SEED=<n> replays a failing run (the seed is printed at the start, and beside each failure).
const SEED = runSeed('fuzz-real-ids');
const RUNS = 80;
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const sam: TeamsUser = { aadObjectId: 'aad-sales', name: 'Sam Sales' };
const nobody: TeamsUser = { aadObjectId: 'aad-nobody', name: 'No Role' };
const personal = { id: 'a:personal', conversationType: 'personal' as const };
const admin = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };

// Every card verb the bot has; `command` runs a typed command, which the chat tests cover.
const VERBS = ALL_VERBS.filter((verb) => verb !== 'command');

const HOSTILE = [
  '',
  ' ',
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
  'NaN',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '[x](https://evil.example)',
  '<!channel>',
  '${1+1}',
  'x'.repeat(20_000),
  '\u0000\u202e',
  'true ',
  'TRUE',
  'yes',
  'on',
];
const hostileValue = fc.oneof(
  fc.constantFrom<unknown>(...HOSTILE),
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, [], ['true'], {}, { toString: 'x' }),
  fc.string({ maxLength: 40 }),
);

const SECRET = 'fuzz-signing-secret';
let bot: Awaited<ReturnType<typeof startBot>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let ids: Record<'invitationId' | 'draftId' | 'customerId' | 'removalId' | 'providerId', string[]>;
let links: string[];

beforeEach(async () => {
  reportSeedOnFailure(SEED, 'fuzz-real-ids');
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Sam Admin' }, USALES: { name: 'Sal Sales' }, UNOBODY: { name: 'No Role' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
  await bot.service.grantRole(admin, { role: 'sales-agent', principal: 'teams:aad-sales' });
  await bot.service.grantRole(admin, { role: 'sales-agent', principal: 'slack:USALES' });
  const provider = await bot.service.addProvider(admin, { name: 'Fabrikam Distribution' });
  const sent = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await bot.service.markInvitationSent(admin, sent.id, { body: sent.body, token: sent.token });
  const draft = await bot.service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: provider.id, locale: 'en' });
  const accepted = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  const { customer } = await bot.service.acceptInvitation(accepted.token, contact());
  const removal = await bot.service.requestRemoval(admin, customer.id);
  // A second customer whose removal was cancelled: a removal in the wrong state to confirm.
  const other = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  const { customer: otherCustomer } = await bot.service.acceptInvitation(other.token, {
    ...contact('fabrikam.com'),
    companyName: 'Fabrikam Inc',
  });
  const cancelled = await bot.service.requestRemoval(admin, otherCustomer.id);
  await bot.service.cancelRemoval(admin, cancelled.removal.id);
  ids = {
    invitationId: [sent.id, draft.id, accepted.id],
    draftId: [draft.id],
    customerId: [customer.id, otherCustomer.id],
    removalId: [removal.removal.id, cancelled.removal.id],
    providerId: [provider.id],
  };
  links = [sent.link, draft.link, accepted.link];
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
});

/**
 * Every record of every collection, hashed. Left out: where an invitation's draft card now lives
 * (`draftMessage`), which an admin's refused Done legitimately moves to the card it re-renders.
 * Reminders are hashed: they are queued with the sent status only, never by placing a card.
 */
function fingerprint(of: { store: typeof bot.store } = bot): string {
  const hash = createHash('sha256');
  for (const name of collectionNames) {
    for (const record of of.store.all(name)) {
      hash.update(JSON.stringify(name === 'invitations' ? { ...record, draftMessage: undefined } : record));
    }
  }
  return hash.digest('hex');
}
const tokenOf = (link: string) => link.split('/').pop()!;
const errorsLogged = (of: { logs: typeof bot.logs } = bot) => of.logs.filter((l) => (l.level as number) >= 50);

/** Any real id in any id field (a removal id where an invitation id goes, too), or a hostile value. */
const realOrHostileId = () => fc.oneof(fc.constantFrom(...Object.values(ids).flat()), hostileValue);
/**
 * Mostly the right kind of real id for the field, else anything: with values that would work for
 * an admin, only the role check stands between a click and a change (a property that rarely aims
 * at a real record passes even with the check removed).
 */
const aimed = (kind: keyof typeof ids) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids[kind]) }, { weight: 1, arbitrary: realOrHostileId() });

describe('fuzz with real ids', () => {
  it('changes nothing for people without the admin role, whatever the action aims at', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const data = fc.record(
      {
        invitationId: aimed('invitationId'),
        customerId: aimed('customerId'),
        removalId: aimed('removalId'),
        providerId: aimed('providerId'),
        token: fc.oneof(fc.constantFrom(...links.map((l) => l.split('/').pop()!)), hostileValue),
        // A valid attestation and an email that keeps its link: only the role should stop them.
        attest: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<unknown>('true', true) }, { weight: 1, arbitrary: hostileValue }),
        body: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...links.map((l) => `Please accept: ${l}`)) },
          { weight: 1, arbitrary: hostileValue },
        ),
        subject: hostileValue,
        acquisition: fc.oneof(fc.constant('own-marketing'), hostileValue),
        page: hostileValue,
        query: hostileValue,
        section: hostileValue,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...VERBS),
        data,
        fc.oneof({ weight: 3, arbitrary: fc.constant(sam) }, { weight: 1, arbitrary: fc.constant(nobody) }),
        fc.boolean(),
        async (verb, values, who, submit) => {
          const before = fingerprint();
          const res = submit ? await teams.submit(who, personal, { ...values, verb }) : await teams.invoke(who, personal, verb, values);
          expect(res.status).toBe(200);
          expect(fingerprint(), `${who.name}: ${verb} ${JSON.stringify(values).slice(0, 300)}`).toBe(before);
          expect(errorsLogged()).toEqual([]);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("changes nothing when an admin's values are invalid: an attestation not exactly checked, an email without its link", async () => {
    const teams = teamsClient(bot.url, connector.url);
    const notTrue = hostileValue.filter((v) => v !== 'true' && v !== true);
    const linkless = hostileValue.filter((v) => typeof v !== 'string' || !links.some((l) => v.includes(l)));
    const confirm = fc
      .record({ removalId: fc.constantFrom(...ids.removalId), attest: notTrue })
      .map((data) => ['removal.confirm', data] as const);
    const done = fc
      .record({
        invitationId: fc.constantFrom(...ids.draftId),
        token: fc.oneof(fc.constantFrom(...links.map((l) => l.split('/').pop()!)), hostileValue),
        body: linkless,
        subject: hostileValue,
        acquisition: hostileValue,
      })
      .map((data) => ['invitation.done', data] as const);
    await fc.assert(
      fc.asyncProperty(fc.oneof(confirm, done), fc.boolean(), async ([verb, values], submit) => {
        const before = fingerprint();
        const res = submit ? await teams.submit(alice, personal, { ...values, verb }) : await teams.invoke(alice, personal, verb, values);
        expect(res.status).toBe(200);
        expect(fingerprint(), `${verb} ${JSON.stringify(values).slice(0, 300)}`).toBe(before);
        expect(errorsLogged()).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The same records still act on valid values: the refusals above were about the values.
    const res = await teams.invoke(alice, personal, 'removal.confirm', { removalId: ids.removalId[0], attest: 'true' });
    expect(JSON.stringify(res.body)).toMatch(/[Rr]emoved/);
    expect(bot.store.get('removals', ids.removalId[0]!)?.status).toBe('confirmed');
  });
});

describe('fuzz with real ids, in Slack', () => {
  /** A button's value as Slack sends it back: JSON of the data, or whatever a forger puts there. */
  const buttonValue = (values: Record<string, unknown>, raw: unknown) => (typeof raw === 'string' ? raw : JSON.stringify(values));

  it('changes nothing for people without the admin role: every button, real ids, checked once the acknowledged work is done', async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const data = fc.record({
      invitationId: aimed('invitationId'),
      customerId: aimed('customerId'),
      removalId: aimed('removalId'),
      providerId: aimed('providerId'),
      token: fc.oneof(fc.constantFrom(...links.map((l) => l.split('/').pop()!)), hostileValue),
      attest: fc.oneof({ weight: 3, arbitrary: fc.constant('true') }, { weight: 1, arbitrary: hostileValue }),
      body: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...links.map((l) => `Please accept: ${l}`)) },
        { weight: 1, arbitrary: hostileValue },
      ),
      page: hostileValue,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...VERBS),
        data,
        // Mostly a sales agent (who passes the first check, "has a role"), sometimes nobody at all.
        fc.oneof({ weight: 3, arbitrary: fc.constant('USALES') }, { weight: 1, arbitrary: fc.constant('UNOBODY') }),
        // Now and then a value no card of ours carries.
        fc.oneof(
          { weight: 6, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom<unknown>('not json', '{"removalId":', '[]', 'null', '{"__proto__":{"admin":true}}') },
        ),
        async (verb, values, who, raw) => {
          const before = fingerprint();
          const res = await slack.action(who, { action_id: `csp:${verb}:0`, type: 'button', value: buttonValue(values, raw) });
          expect(res.status).toBe(200);
          await bot.idle();
          expect(fingerprint(), `${who}: ${verb} ${JSON.stringify(values).slice(0, 300)}`).toBe(before);
          expect(errorsLogged()).toEqual([]);
        },
      ),
      { numRuns: RUNS / 2, seed: SEED },
    );
  });

  it("changes nothing when an admin's values are invalid (a removal not exactly attested, an email without its link), then goes through when they are valid", async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const notTrue = hostileValue.filter((v) => v !== 'true' && v !== true);
    const linkless = hostileValue.filter((v) => typeof v !== 'string' || !links.some((l) => v.includes(l)));
    const confirm = fc
      .record({ removalId: fc.constantFrom(...ids.removalId), attest: notTrue })
      .map((data) => ['removal.confirm', data] as const);
    const done = fc
      .record({
        invitationId: fc.constantFrom(...ids.draftId),
        token: fc.oneof(fc.constantFrom(...links.map(tokenOf)), hostileValue),
        body: linkless,
        subject: hostileValue,
        acquisition: fc.oneof(fc.constant('own-marketing'), hostileValue),
      })
      .map((data) => ['invitation.done', data] as const);
    await fc.assert(
      fc.asyncProperty(fc.oneof(confirm, done), async ([verb, values]) => {
        const before = fingerprint();
        const res = await slack.action('UADMIN', { action_id: `csp:${verb}:0`, type: 'button', value: JSON.stringify(values) });
        expect(res.status).toBe(200);
        await bot.idle();
        expect(fingerprint(), `${verb} ${JSON.stringify(values).slice(0, 300)}`).toBe(before);
        expect(errorsLogged()).toEqual([]);
      }),
      { numRuns: RUNS / 2, seed: SEED },
    );
    // The same records act on valid values: the refusals above were about the values.
    await slack.action('UADMIN', {
      action_id: 'csp:invitation.done:0',
      type: 'button',
      value: JSON.stringify({
        invitationId: ids.draftId[0],
        token: tokenOf(links[1]!),
        body: `Please accept: ${links[1]}`,
        acquisition: 'own-marketing',
      }),
    });
    await slack.action('UADMIN', {
      action_id: 'csp:removal.confirm:0',
      type: 'button',
      value: JSON.stringify({ removalId: ids.removalId[0], attest: 'true' }),
    });
    await bot.idle();
    expect(bot.store.get('invitations', ids.draftId[0]!)?.status).toBe('sent');
    expect(bot.store.get('removals', ids.removalId[0]!)?.status).toBe('confirmed');
  });
});

describe('fuzz with real ids, in Slack modals', () => {
  /** What the bot puts in a modal's private_metadata, aimed by the fuzzer, or a forger's text. */
  const metadata = (meta: Record<string, unknown>, raw: unknown) =>
    typeof raw === 'string' ? raw : JSON.stringify({ channel: 'C0SALES', ...meta });
  const rawMeta = fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('not json', '{"invitationId":', '[]', 'null', '"x"', '{"__proto__":{"admin":true}}') },
  );
  /** A plain-text input as Slack sends it back. */
  const text = (value: unknown) => ({ type: 'plain_text_input', value });
  /** The attestation checkbox as Slack sends it back: ticked, or the shapes an unticked or forged one takes. */
  const ticked = { type: 'checkboxes', selected_options: [{ value: 'attest' }] };
  const notTicked = fc.constantFrom<Record<string, unknown>>(
    { type: 'checkboxes', selected_options: [] },
    { type: 'checkboxes', selected_options: [{ value: 'ATTEST' }] },
    { type: 'checkboxes', selected_options: [{ value: 'attest ' }] },
    { type: 'checkboxes', selected_options: [{ value: 'true' }] },
    { type: 'checkboxes', selected_options: [{ text: 'attest' }] },
    { type: 'checkboxes', value: 'attest' },
    { type: 'checkboxes' },
  );
  /**
   * Real invitations by their index in `ids.invitationId` and `links` (0 sent, 1 the draft,
   * 2 accepted): the id, with its own token and link.
   */
  const invitation = (...indexes: number[]) =>
    fc.constantFrom(...indexes).map((i) => ({ invitationId: ids.invitationId[i] as unknown, token: tokenOf(links[i]!), link: links[i]! }));
  /**
   * The draft modal's submission: its metadata (the invitation's id and token, as the bot put
   * them there) and its three inputs, the body made from the invitation's own link.
   */
  const draftSubmission = (
    target: fc.Arbitrary<{ invitationId: unknown; token: string; link: string }>,
    body: (link: string) => fc.Arbitrary<unknown>,
  ) =>
    target.chain(({ invitationId, token, link }) =>
      fc.record({
        callback: fc.constant('invitation.draft'),
        meta: fc.record({
          invitationId: fc.constant(invitationId),
          token: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(token) }, { weight: 1, arbitrary: hostileValue }),
        }),
        values: fc.record({
          subject: hostileValue.map(text),
          body: body(link).map(text),
          acquisition: fc
            .oneof({ weight: 4, arbitrary: fc.constant('own-marketing') }, { weight: 1, arbitrary: hostileValue })
            .map((v) => ({ type: 'static_select', selected_option: { value: v } })),
        }),
      }),
    );
  const attestation = (removalId: fc.Arbitrary<unknown>, attest: fc.Arbitrary<Record<string, unknown>>) =>
    fc.record({ callback: fc.constant('removal.attest'), meta: fc.record({ removalId }), values: fc.record({ attest }) });
  const withLink = (link: string) => fc.constant<unknown>(`Please accept: ${link}`);

  /** Submits the modal as Slack would, waits for the work after the acknowledgement, then checks nothing changed. */
  async function submitChangesNothing(
    user: string,
    submission: { callback: string; meta: Record<string, unknown>; values: Record<string, unknown> },
    raw: unknown,
  ) {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const before = fingerprint();
    const view = { callback_id: submission.callback, private_metadata: metadata(submission.meta, raw), blocks: [] };
    const res = await slack.submit(user, view, submission.values as Record<string, Record<string, unknown>>);
    expect(res.status).toBe(200);
    await bot.idle();
    expect(
      fingerprint(),
      `${user}: ${submission.callback} ${view.private_metadata.slice(0, 200)} ${JSON.stringify(submission.values).slice(0, 300)}`,
    ).toBe(before);
    expect(errorsLogged()).toEqual([]);
  }

  it('changes nothing for people without the admin role: the draft and the attestation submitted with real ids and values that would work', async () => {
    // Links of real invitations in the body and a ticked box: only the role stands in the way.
    const submission = fc.oneof(
      // Mostly the draft (the one invitation Done would send), else one sent or accepted, or a stray id.
      draftSubmission(
        fc.oneof(
          { weight: 6, arbitrary: invitation(1) },
          { weight: 2, arbitrary: invitation(0, 2) },
          { weight: 1, arbitrary: realOrHostileId().map((id) => ({ invitationId: id, token: tokenOf(links[1]!), link: links[1]! })) },
        ),
        (link) => fc.oneof({ weight: 4, arbitrary: withLink(link) }, { weight: 1, arbitrary: hostileValue }),
      ),
      attestation(aimed('removalId'), fc.oneof({ weight: 4, arbitrary: fc.constant(ticked) }, { weight: 1, arbitrary: notTicked })),
    );
    await fc.assert(
      fc.asyncProperty(
        submission,
        fc.oneof({ weight: 3, arbitrary: fc.constant('USALES') }, { weight: 1, arbitrary: fc.constant('UNOBODY') }),
        rawMeta,
        (s, who, raw) => submitChangesNothing(who, s, raw),
      ),
      { numRuns: RUNS / 2, seed: SEED },
    );
  });

  it('changes nothing when an admin submits invalid values or a record in the wrong state, then goes through when valid', async () => {
    const linkless = hostileValue.filter((v) => typeof v !== 'string' || !links.some((l) => v.includes(l)));
    const submission = fc.oneof(
      // The draft without its link.
      draftSubmission(invitation(1), () => linkless),
      // The pending removal, not exactly ticked.
      attestation(fc.constantFrom(ids.removalId[0]!), notTicked),
      // Wrong state: Done on an invitation already sent or accepted, with its own link kept.
      draftSubmission(invitation(0, 2), withLink),
      // Wrong state: the cancelled removal, ticked.
      attestation(fc.constantFrom(ids.removalId[1]!), fc.constant(ticked)),
      // The wrong kind of id: a removal's as the invitation, an invitation's as the removal.
      draftSubmission(
        fc
          .constantFrom(...ids.removalId, ...ids.customerId)
          .map((id) => ({ invitationId: id as unknown, token: tokenOf(links[1]!), link: links[1]! })),
        withLink,
      ),
      attestation(fc.constantFrom(...ids.invitationId, ...ids.customerId), fc.constant(ticked)),
    );
    await fc.assert(
      fc.asyncProperty(submission, rawMeta, (s, raw) => submitChangesNothing('UADMIN', s, raw)),
      { numRuns: RUNS / 2, seed: SEED },
    );
    // The same modals go through with valid values: the refusals above were about the values.
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const done = await slack.submit(
      'UADMIN',
      {
        callback_id: 'invitation.draft',
        private_metadata: metadata({ invitationId: ids.draftId[0], token: tokenOf(links[1]!) }, undefined),
        blocks: [],
      },
      {
        subject: text('Reseller relationship'),
        body: text(`Please accept: ${links[1]}`),
        acquisition: { type: 'static_select', selected_option: { value: 'own-marketing' } },
      },
    );
    const removed = await slack.submit(
      'UADMIN',
      { callback_id: 'removal.attest', private_metadata: metadata({ removalId: ids.removalId[0] }, undefined), blocks: [] },
      { attest: ticked },
    );
    expect([done.status, removed.status]).toEqual([200, 200]);
    await bot.idle();
    expect(bot.store.get('invitations', ids.draftId[0]!)?.status).toBe('sent');
    expect(bot.store.get('removals', ids.removalId[0]!)?.status).toBe('confirmed');
  });
});

describe('fuzz with real ids, end admin access (Microsoft directory)', () => {
  const SALES_AGENT = randomUUID();
  const STRANGER = randomUUID();
  let microsoft: FakeMicrosoft;
  let directoryApi: Awaited<ReturnType<typeof startSlackApi>>;
  let directoryBot: Awaited<ReturnType<typeof startBot>>;
  let target: { customerId: string; tenantId: string; relationshipId: string };

  // A bot on the Microsoft directory's stand-in, with one customer whose GDAP relationship is
  // active: End admin access from an admin would terminate it at Microsoft and record that.
  beforeEach(async () => {
    microsoft = await startFakeMicrosoft();
    microsoft.addUser({ id: SALES_AGENT, mail: 'sal@northwind.example', groups: ['SalesAgents'] });
    microsoft.addUser({ id: STRANGER, mail: 'stan@northwind.example' });
    directoryApi = await startSlackApi({
      USALES: { name: 'Sal Sales', email: 'sal@northwind.example' },
      UNOBODY: { name: 'No Role', email: 'nobody@elsewhere.example' },
    });
    directoryBot = await startBot({
      // One pass at start-up (awaited below), the next a day later: nothing moves under the fingerprints.
      ...microsoftEnv(microsoft, { MICROSOFT_SYNC_SECONDS: '86400' }),
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: directoryApi.apiUrl,
    });
    await directoryBot.sync!.runOnce();
    const draft = await directoryBot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await directoryBot.service.markInvitationSent(admin, draft.id, { body: draft.body });
    const tenantId = randomUUID();
    const relationshipId = draft.microsoft!.gdapRelationshipId;
    microsoft.approve(relationshipId, { tenantId, displayName: 'Contoso Ltd' });
    expect((await directoryBot.sync!.runOnce()).accepted).toBe(1);
    const customer = [...directoryBot.store.all('customers')].find((c) => c.tenantId === tenantId)!;
    expect(directoryBot.store.get('gdap', relationshipId)?.status).toBe('active');
    target = { customerId: customer.id, tenantId, relationshipId };
  });
  afterEach(async () => {
    await directoryBot?.stop();
    await directoryApi?.close();
    await microsoft?.close();
  });

  const refusals = (verb: string) => directoryBot.logs.filter((l) => l.audit === 'action.refused' && l.verb === verb).length;

  it('changes nothing, at Microsoft or in the store, when someone without the admin role ends or keeps admin access to a customer with live GDAP', async () => {
    const teams = teamsClient(directoryBot.url, connector.url);
    const slack = slackClient(directoryBot.url, SECRET, directoryApi.responseUrl);
    const sal: TeamsUser = { aadObjectId: SALES_AGENT, name: 'Sal Sales' };
    const stan: TeamsUser = { aadObjectId: STRANGER, name: 'Stan' };
    // Mostly the customer itself; now and then its tenant or relationship id, or a hostile value.
    const customerId = fc.oneof(
      { weight: 6, arbitrary: fc.constant<unknown>(target.customerId) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(target.tenantId, target.relationshipId, 'Contoso Ltd') },
      { weight: 1, arbitrary: hostileValue },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('adminAccess.end', 'adminAccess.keep'),
        customerId,
        fc.constantFrom('teams invoke', 'teams submit', 'slack button'),
        // Mostly a sales agent (a role, but not an admin one), sometimes someone with none.
        fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        async (verb, id, via, sales) => {
          const before = {
            store: fingerprint(directoryBot),
            microsoft: JSON.stringify(microsoft.relationships()),
            refused: refusals(verb),
          };
          const values = { customerId: id };
          const res =
            via === 'slack button'
              ? await slack.action(sales ? 'USALES' : 'UNOBODY', {
                  action_id: `csp:${verb}:0`,
                  type: 'button',
                  value: JSON.stringify(values),
                })
              : via === 'teams submit'
                ? await teams.submit(sales ? sal : stan, personal, { ...values, verb })
                : await teams.invoke(sales ? sal : stan, personal, verb, values);
          expect(res.status).toBe(200);
          await directoryBot.idle();
          const what = `${sales ? 'sales agent' : 'no role'} via ${via}: ${verb} ${JSON.stringify(values).slice(0, 200)}`;
          expect(fingerprint(directoryBot), what).toBe(before.store);
          expect(JSON.stringify(microsoft.relationships()), what).toBe(before.microsoft);
          // Refused, and said so in the trail: not "kept" (which changes nothing either) nor ended.
          expect(refusals(verb), what).toBe(before.refused + 1);
          expect(errorsLogged(directoryBot)).toEqual([]);
        },
      ),
      { numRuns: RUNS / 2, seed: SEED },
    );
    // Aimed at the right record: for an admin, Keep it keeps it and End admin access ends it.
    const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
    const kept = await teams.invoke(alice, personal, 'adminAccess.keep', { customerId: target.customerId });
    expect(JSON.stringify(kept.body)).toContain('Admin access for Contoso Ltd was left as it is');
    const ended = await teams.invoke(alice, personal, 'adminAccess.end', { customerId: target.customerId });
    expect(JSON.stringify(ended.body)).toContain('Admin access for Contoso Ltd has been ended');
    expect(microsoft.relationships().find((r) => r.id === target.relationshipId)?.status).toMatch(/^terminat/);
    expect(directoryBot.store.get('gdap', target.relationshipId)?.status).toMatch(/^terminat/);
  });
});
