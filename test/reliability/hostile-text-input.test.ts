/**
 * Text from outside with NUL, control and bidi characters in it, replayed against the real server
 * (issue 23, findings 2 and 7):
 *
 * - the batch: hostile company names submitted on the customer's page at the same moment as 20
 *   other customers accept theirs, on the PostgreSQL store and on the file store. Every other
 *   acceptance succeeds, /healthz answers 200 throughout, and what is stored is the normalised name;
 * - every renderer: names with U+202E, U+2066-2069, ESC, BEL, NUL and newlines, from the form, from
 *   Teams and Slack profiles and from Graph (the Microsoft stand-in), reach Teams cards, Slack
 *   messages and the customer's page without any of those characters.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { startConnector, type ConnectorCall } from '../fakes/connector.js';
import { startFakeMicrosoft } from '../fakes/microsoft.js';
import { startSlackApi, type SlackCall } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { query, testDatabase } from '../pg.js';
import type { Actor } from '../../bot/service/actor.js';
import { LINK_PLACEHOLDER } from '../../store/invitation-secret.js';
import { markdownTexts, slackVisible, teamsRendering } from './hostile.js';

const SECRET = 'hostile-text-input-secret';
/** Every character no name may carry to a store or a screen (newlines are checked where one line is meant). */
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const NEWLINE = /[\r\n\u2028\u2029]/;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Every string inside a value (a card, a Block Kit payload, a record). */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** The forbidden characters found in a payload, each with the text it was in. */
const forbiddenIn = (payload: unknown) => stringsOf(payload).filter((s) => FORBIDDEN.test(s));

/** The customer's page as a browser uses it: load the form (cookie and CSRF token), then post it. */
async function openForm(botUrl: string, link: string) {
  const path = new URL(link).pathname;
  const page = await fetch(`${botUrl}${path}`);
  expect(page.status).toBe(200);
  const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  return async (fields: Record<string, string>) => {
    const res = await fetch(`${botUrl}${path}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      // URLSearchParams sends U+0000 as %00, as the probe did.
      body: new URLSearchParams({ csrf, ...fields }).toString(),
      redirect: 'manual',
    });
    return { status: res.status, html: await res.text() };
  };
}

/** Polls /healthz until stopped; resolves with every status it saw. */
function pollHealth(botUrl: string) {
  const statuses: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) statuses.push((await fetch(`${botUrl}/healthz`)).status);
  })();
  return {
    async stop() {
      running = false;
      await done;
      statuses.push((await fetch(`${botUrl}/healthz`)).status);
      return statuses;
    },
  };
}

/** What hostile company names the page receives, and the one line each must be stored as. */
const HOSTILE_COMPANIES: Array<[string, string]> = [
  ['Evil\u0000Corp', 'EvilCorp'],
  ['\u0000\u0000Evil Corp\u0000', 'Evil Corp'],
  ['\u202eproC liveE\u202c Ltd', 'proC liveE Ltd'],
  ['Evil\u2066 \u2067Corp\u2069\u2068\u2069', 'Evil Corp'],
  ['Evil\u001b[2J\u001b]0;pwned\u0007Corp', 'Evil[2J]0;pwnedCorp'],
  ['Evil\r\nCorp\tHoldings\u2028Spa', 'Evil Corp Holdings Spa'],
  ['Evil\u0085\u009b31mCorp\u200f\u061c', 'Evil 31mCorp'],
];

const teamsAdmin: Actor = { platform: 'teams', userId: 'aad-admin', displayName: 'Alice Admin', locale: 'en' };

describe.each([
  ['PostgreSQL', true],
  ['file', false],
] as const)('a hostile company name among 20 other acceptances, on the %s store', (_kind, postgres) => {
  it('stores the normalised name, while every other acceptance succeeds and /healthz stays 200', async () => {
    const databaseUrl = postgres ? await testDatabase() : null;
    const bot = await startBot(databaseUrl ? { DATABASE_URL: databaseUrl } : {});
    cleanups.push(() => bot.stop());

    // 20 legitimate customers and the hostile ones, each with a sent invitation and its form open.
    const legitimate = Array.from({ length: 20 }, (_, i) => ({
      companyName: `Customer ${i}`,
      domain: `customer${i}.example`,
      name: `Contact ${i}`,
      email: `contact${i}@customer${i}.example`,
    }));
    const hostile = HOSTILE_COMPANIES.map(([companyName], i) => ({
      companyName,
      domain: `evil${i}.example`,
      name: `Mallory\u0000 \u202e${i}\u0007`,
      email: `mal\u0000lory${i}@evil${i}.example`,
    }));
    const forms: Array<Awaited<ReturnType<typeof openForm>>> = [];
    for (let i = 0; i < legitimate.length + hostile.length; i++) {
      const draft = await bot.service.draftInvitation(teamsAdmin, { acquisition: 'own-marketing', locale: 'en' });
      await bot.service.markInvitationSent(teamsAdmin, draft.id, { body: `Accept: ${draft.link}` });
      forms.push(await openForm(bot.url, draft.link));
    }

    // All at once, hostile ones in between, while /healthz is polled.
    const health = pollHealth(bot.url);
    const fields = [...legitimate, ...hostile];
    const order = fields.map((_, i) => i).sort((a, b) => (a % 4) - (b % 4) || a - b);
    const answers = new Array<{ status: number; html: string }>(fields.length);
    await Promise.all(order.map(async (i) => (answers[i] = await forms[i]!(fields[i]!))));
    const statuses = await health.stop();

    expect(answers.map((a) => a.status)).toEqual(fields.map(() => 200));
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(bot.store.healthy).toBe(true);
    expect(bot.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);

    // Every customer is there, once, with the name it gave (normalised for the hostile ones).
    const customers = [...bot.store.all('customers')];
    const byDomain = new Map(customers.map((c) => [c.domain, c]));
    expect(customers).toHaveLength(fields.length);
    for (const c of legitimate) expect(byDomain.get(c.domain)).toMatchObject({ companyName: c.companyName, contact: { name: c.name, email: c.email } });
    HOSTILE_COMPANIES.forEach(([, stored], i) =>
      expect(byDomain.get(`evil${i}.example`)).toMatchObject({ companyName: stored, contact: { name: `Mallory ${i}`, email: `mallory${i}@evil${i}.example` } }),
    );
    // The page that thanks the customer names the company as stored.
    HOSTILE_COMPANIES.forEach(([, stored], i) => {
      const html = answers[legitimate.length + i]!.html;
      expect(forbiddenIn(html)).toEqual([]);
      expect(html).toContain(stored.replace(/&/g, '&amp;'));
    });
    expect(forbiddenIn([...bot.store.all('audit'), ...customers])).toEqual([]);

    if (databaseUrl) {
      // What the database holds, read back by another connection.
      const rows = await query<{ domain: string; name: string }>(
        databaseUrl,
        "SELECT data->>'domain' AS domain, data->>'companyName' AS name FROM records WHERE collection = 'customers'",
      );
      const stored = new Map(rows.map((r) => [r.domain, r.name]));
      expect(stored.size).toBe(fields.length);
      HOSTILE_COMPANIES.forEach(([, name], i) => expect(stored.get(`evil${i}.example`)).toBe(name));
      for (const c of legitimate) expect(stored.get(c.domain)).toBe(c.companyName);
    }
  });
});

/** What a hostile name looks like after normalisation, checked on every surface. */
const COMPANY_IN = 'Con\u0000toso\u202e \u2066Evil\u2069\u001b[31m\u0007\nLtd';
const COMPANY_OUT = 'Contoso Evil[31m Ltd';
const CONTACT_IN = '\u2067Anna\u2069\r\n\u0000Verdi\u001b]0;x\u0007';
const CONTACT_OUT = 'Anna Verdi]0;x';

/**
 * An activity the connector received: no forbidden character in anything Teams shows (its text and
 * cards; `recipient` is the sender's own profile, which botbuilder addresses a reply to as Teams
 * gave it), and the names as Teams shows them.
 */
function expectCleanCard(call: ConnectorCall | undefined, names: string[]) {
  expect(call).toBeDefined();
  const shownByTeams = Object.entries(call!.body).filter(([key]) => key !== 'recipient');
  expect(forbiddenIn(shownByTeams)).toEqual([]);
  const shown = markdownTexts(call!.body).map((text) => teamsRendering(text).visible);
  for (const name of names) expect(shown.join('\n')).toContain(name);
}

/** A Slack call: no forbidden character in its text, blocks or view, and the names shown. */
function expectCleanSlack(call: SlackCall, names: string[]) {
  expect(forbiddenIn(call.args)).toEqual([]);
  const shown = slackVisible(`${String(call.args.text ?? '')}\n${stringsOf(call.args.blocks ?? call.args.view).join('\n')}`);
  for (const name of names) expect(shown).toContain(name);
}

describe('control and bidi characters in names, in every renderer', () => {
  it('from the form and from Teams and Slack profiles: the Teams channel, the inviter, Slack and the page show none', async () => {
    const connector = await startConnector();
    cleanups.push(() => connector.close());
    const api = await startSlackApi({ UADMIN: { name: 'Sam\u202e\u0000 Slack\u0007\n' } });
    cleanups.push(() => api.close());
    const bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
    cleanups.push(() => bot.stop());
    const alice: TeamsUser = { aadObjectId: 'aad-admin', name: '\u202eAlice\u2066 Admin\u2069\u0007\u001b\u0000\r\n' };
    const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
    const channel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales\u0000\u202e News\n' };
    const teams = teamsClient(bot.url, connector.url);
    const slack = slackClient(bot.url, SECRET, api.responseUrl);

    await teams.say(alice, channel, '<at>CSP Connect</at> notify here');
    await slack.command('UADMIN', 'notify here', { channel: 'C0NEWS', channelName: 'news\u202e\u0007' });
    await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS');
    const owner = { platform: 'teams', userId: 'aad-admin', displayName: '', locale: 'en' } as const;
    expect(bot.service.listNotificationSubscriptions(owner).map((s) => [s.name, s.createdBy.displayName]).sort()).toEqual([
      ['#news', 'Sam Slack'],
      ['Sales News', 'Alice Admin'],
    ]);

    await teams.say(alice, personal, 'invite customer');
    const draft = JSON.stringify(connector.calls.at(-1)!.body);
    const link = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/.exec(draft)![0];
    const invitationId = /"invitationId":"([^"]+)"/.exec(draft)![1]!;
    await teams.invoke(alice, personal, 'invitation.done', {
      invitationId,
      subject: 'Reseller\u0000 relationship\u202e',
      body: `Dear \u202eAnna\u0007,\r\nplease accept: ${link}\u0000`,
      acquisition: 'own-marketing',
    });
    expect(bot.service.getInvitation(teamsAdmin, invitationId)).toMatchObject({
      subject: 'Reseller relationship',
      body: `Dear Anna,\nplease accept: ${LINK_PLACEHOLDER}`,
    });

    // A form refused for one field (the email) echoes the values back: without the characters.
    const submit = await openForm(bot.url, link);
    const refused = await submit({ companyName: COMPANY_IN, domain: 'contoso.example', name: CONTACT_IN, email: 'not an email\u202e' });
    expect(refused.status).toBe(422);
    expect(forbiddenIn(refused.html)).toEqual([]);

    connector.clear();
    const slackBefore = api.calls.length;
    const accepted = await (await openForm(bot.url, link))({ companyName: COMPANY_IN, domain: 'contoso.example', name: CONTACT_IN, email: 'anna@contoso.example' });
    expect(accepted.status).toBe(200);
    expect(forbiddenIn(accepted.html)).toEqual([]);
    expect(accepted.html).toContain(COMPANY_OUT);

    // Teams: the channel's notification and the inviter's card turned into the acceptance.
    const channelPost = () => connector.calls.find((c) => c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales'));
    await expect.poll(channelPost, { timeout: 10_000 }).toBeTruthy();
    expectCleanCard(channelPost(), [COMPANY_OUT, CONTACT_OUT, 'Alice Admin']);
    const inviterCard = () => connector.calls.find((c) => c.method === 'PUT');
    await expect.poll(inviterCard, { timeout: 10_000 }).toBeTruthy();
    expectCleanCard(inviterCard(), [COMPANY_OUT]);

    // Slack: the channel's notification, its text and blocks.
    const notice = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after: slackBefore, timeoutMs: 10_000 });
    expectCleanSlack(notice, [COMPANY_OUT, CONTACT_OUT]);

    // The list and the details, in Teams and in Slack, and `whoami` with the hostile profile names.
    connector.clear();
    await teams.say(alice, personal, 'list customers');
    expectCleanCard(connector.calls.at(-1), [COMPANY_OUT]);
    await teams.say(alice, personal, 'customer contoso');
    expectCleanCard(connector.calls.at(-1), [COMPANY_OUT, CONTACT_OUT]);
    await teams.say(alice, personal, 'whoami');
    expectCleanCard(connector.calls.at(-1), ['Alice Admin']);
    for (const command of ['list customers', 'customer contoso', 'whoami']) {
      const before = api.calls.length;
      await slack.command('UADMIN', command, { channel: 'C0NEWS', channelName: 'news' });
      const answer = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after: before });
      expectCleanSlack(answer, command === 'whoami' ? ['Sam Slack'] : [COMPANY_OUT]);
    }
    await bot.idle();
    expect(forbiddenIn([...bot.store.all('customers'), ...bot.store.all('audit'), ...bot.store.all('notificationSubscriptions')])).toEqual([]);
  });

  it('from Graph: customer names with control, bidi and newline characters reach no card or message', async () => {
    const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
    const TENANT = '7c0ffee0-1234-4abc-9def-000000000001';
    const OTHER_TENANT = '7c0ffee0-1234-4abc-9def-000000000002';
    const microsoft = await startFakeMicrosoft();
    cleanups.push(() => microsoft.close());
    microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
    microsoft.addUser({ id: 'sam', mail: 'sam@northwind.example', directoryRoleTemplateIds: ['62e90394-69f5-4237-9190-012177145e10'] });
    const connector = await startConnector();
    cleanups.push(() => connector.close());
    const api = await startSlackApi({ USAM: { name: 'Sam', email: 'sam@northwind.example' } });
    cleanups.push(() => api.close());
    const bot = await startBot({ ...microsoftEnv(microsoft), SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
    cleanups.push(() => bot.stop());
    const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
    const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
    const channel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
    const teams = teamsClient(bot.url, connector.url);
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await teams.say(alice, channel, '<at>CSP Connect</at> notify here');
    await slack.command('USAM', 'notify here', { channel: 'C0NEWS', channelName: 'news' });
    await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS');

    await teams.say(alice, personal, 'invite customer');
    const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(connector.calls.at(-1)!.body))![1]!;
    const [relationship] = microsoft.relationships();
    const approvalLink = `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${relationship!.id}`;
    await teams.invoke(alice, personal, 'invitation.done', {
      invitationId,
      subject: 'Reseller relationship',
      body: `Please accept:\n${microsoftEnv(microsoft).RESELLER_LINK}\nand approve:\n${approvalLink}`,
      acquisition: 'own-marketing',
    });

    // The customer approves at Microsoft with a hostile tenant name; another customer is listed with one too.
    connector.clear();
    const slackBefore = api.calls.length;
    microsoft.approve(relationship!.id, { tenantId: TENANT, displayName: COMPANY_IN });
    microsoft.addCustomer({ tenantId: TENANT, displayName: COMPANY_IN });
    microsoft.addCustomer({ tenantId: OTHER_TENANT, displayName: '\u202eFabrikam\u0000\r\n\u2066Spa\u2069\u0007' });
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();

    const channelPost = () => connector.calls.find((c) => c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales'));
    await expect.poll(channelPost, { timeout: 10_000 }).toBeTruthy();
    expectCleanCard(channelPost(), [COMPANY_OUT]);
    const inviterCard = () => connector.calls.find((c) => c.method === 'PUT');
    await expect.poll(inviterCard, { timeout: 10_000 }).toBeTruthy();
    expectCleanCard(inviterCard(), [COMPANY_OUT]);
    const notice = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after: slackBefore, timeoutMs: 10_000 });
    expectCleanSlack(notice, [COMPANY_OUT]);

    // Stored as one clean line each, GDAP relationship included.
    const names = [...bot.store.all('customers')].map((c) => c.companyName).sort();
    expect(names).toEqual([COMPANY_OUT, 'Fabrikam Spa']);
    expect([...bot.store.all('gdap')].map((g) => g.customerName)).toEqual([COMPANY_OUT]);
    for (const name of names) expect(name).not.toMatch(NEWLINE);

    connector.clear();
    await teams.say(alice, personal, 'list customers');
    expectCleanCard(connector.calls.at(-1), [COMPANY_OUT, 'Fabrikam Spa']);
    await teams.say(alice, personal, 'customer contoso');
    expectCleanCard(connector.calls.at(-1), [COMPANY_OUT]);
    for (const command of ['list customers', 'customer fabrikam']) {
      const before = api.calls.length;
      await slack.command('USAM', command, { channel: 'C0NEWS', channelName: 'news' });
      const answer = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after: before });
      expectCleanSlack(answer, [command === 'list customers' ? COMPANY_OUT : 'Fabrikam Spa']);
    }
  });
});
