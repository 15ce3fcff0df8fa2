/**
 * The hostile suite's checks that depend on the store, on the PostgreSQL store (a real server,
 * test/setup/postgres.ts): no invitation token reaches any table, only its SHA-256; a signed
 * Slack request replayed to another replica of the same database acts once, and so does one
 * Slack event delivered to two replicas (its event id claimed in the database).
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsUser } from '../fakes/teams-client.js';
import { query, testDatabase } from '../pg.js';
import { sendTeamsInvitation, slashCommandBody } from './hostile.js';

const SECRET = 'hostile-postgres-secret';
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal = { id: 'a:personal', conversationType: 'personal' as const };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const invitationCount = async (databaseUrl: string) =>
  Number((await query<{ count: string }>(databaseUrl, "SELECT count(*) AS count FROM records WHERE collection = 'invitations'"))[0]?.count);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function slackBot(databaseUrl: string, apiUrl: string) {
  const bot = await startBot({
    DATABASE_URL: databaseUrl,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: apiUrl,
  });
  cleanups.push(() => bot.stop());
  return bot;
}

/** Every row of every table of the database, as text. */
async function everything(databaseUrl: string): Promise<string> {
  const tables = await query<{ name: string }>(
    databaseUrl,
    "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public'",
  );
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['records', 'changes', 'claims', 'secrets']));
  const dumps = await Promise.all(
    tables.map(async ({ name }) =>
      (await query<{ row: string }>(databaseUrl, `SELECT t::text AS row FROM ${name} t`)).map((r) => r.row).join('\n'),
    ),
  );
  return dumps.join('\n');
}

describe('secrets at rest in PostgreSQL', () => {
  it('keeps invitations usable while no token reaches any table: only its SHA-256 does', async () => {
    const db = await testDatabase();
    const connector = await startConnector();
    cleanups.push(() => connector.close());
    const api = await startSlackApi({ UADMIN: { name: 'Alice Admin' } });
    cleanups.push(() => api.close());
    const bot = await slackBot(db, api.apiUrl);

    // Teams: the draft, then Done with the link in the body; the sent card shows the link again.
    const teams = teamsClient(bot.url, connector.url);
    const { link, token, invitationId, done } = await sendTeamsInvitation(teams, connector, alice, personal);
    expect(cardText(done.body.value)).toContain(link);

    // Slack: the draft modal, then Done.
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await slack.command('UADMIN', 'invite customer');
    const modal = (await api.waitFor('views.open')).args.view as { private_metadata: string; callback_id: string; blocks: unknown[] };
    const slackToken = (JSON.parse(modal.private_metadata) as { token: string }).token;
    const slackLink = `http://localhost:3978/invitations/${slackToken}`;
    const values = {
      subject: { value: 'Hi' },
      body: { value: `Accept: ${slackLink}` },
      channel: { selected_option: { value: 'own-marketing' } },
    };
    expect((await slack.submit('UADMIN', modal, values)).status).toBe(200);
    await api.waitFor('chat.postMessage', (c) => JSON.stringify(c.args).includes('mailto:'));

    // The customer accepts the Teams one on the page: the acceptance is stored too.
    const page = await fetch(`${bot.url}/invitations/${token}`);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const accepted = await fetch(`${bot.url}/invitations/${token}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({
        csrf,
        companyName: 'Adatum',
        domain: 'adatum.example',
        name: 'Giulia Rossi',
        email: 'giulia@adatum.example',
      }).toString(),
      redirect: 'manual',
    });
    expect(accepted.status).toBe(200);
    await bot.idle();

    const stored = await everything(db);
    expect(stored).toContain(invitationId);
    expect(stored).toContain('Adatum');
    for (const secret of [token, slackToken]) {
      expect(stored).not.toContain(secret);
      expect(stored).toContain(sha256(secret));
    }
  });
});

describe('Slack replays across replicas', () => {
  it('acts once on a signed slash command sent to one replica and replayed to another', async () => {
    const db = await testDatabase();
    const api = await startSlackApi({ UADMIN: { name: 'Alice Admin' } });
    cleanups.push(() => api.close());
    const first = await slackBot(db, api.apiUrl);
    const second = await slackBot(db, api.apiUrl);
    const body = slashCommandBody('invite customer', api.responseUrl('replay'), 'trigger-replay');
    const timestamp = Math.floor(Date.now() / 1000);
    const sent = await slackClient(first.url, SECRET, api.responseUrl).send(body, 'application/x-www-form-urlencoded', { timestamp });
    const replayed = await slackClient(second.url, SECRET, api.responseUrl).send(body, 'application/x-www-form-urlencoded', { timestamp });
    expect([sent.status, replayed.status]).toEqual([200, 200]);
    await first.idle();
    await second.idle();
    expect(await invitationCount(db)).toBe(1);
    expect(api.calls.filter((c) => c.method === 'views.open')).toHaveLength(1);
    expect(second.logs.some((l) => String(l.msg).includes('replayed'))).toBe(true);
    // A new request (a new signature) still acts, on either replica.
    const again = await slackClient(second.url, SECRET, api.responseUrl).send(body, 'application/x-www-form-urlencoded', {
      timestamp: timestamp - 1,
    });
    expect(again.status).toBe(200);
    await second.idle();
    expect(await invitationCount(db)).toBe(2);
  });

  it('acts once on an event Slack delivers to both replicas at once, each copy signed anew (its retry)', async () => {
    const db = await testDatabase();
    const api = await startSlackApi({ UADMIN: { name: 'Alice Admin' } });
    cleanups.push(() => api.close());
    const replicas = [await slackBot(db, api.apiUrl), await slackBot(db, api.apiUrl)];
    const event = { type: 'app_mention', user: 'UADMIN', text: '<@UBOT> whoami', channel: 'C0SALES', ts: '1.1' };
    // Not a replayed request (each has its own signature and time): only the event id tells them apart.
    const now = Math.floor(Date.now() / 1000);
    const answers = await Promise.all(
      replicas.map((replica, i) =>
        slackClient(replica.url, SECRET, api.responseUrl).event(event, 'EvAcrossReplicas', {
          timestamp: now - i,
          ...(i ? { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } } : {}),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    for (const replica of replicas) await replica.idle();
    expect(api.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    // Claimed once, in the database the replicas share.
    expect(await query(db, 'SELECT key FROM claims WHERE key = $1', ['slack-event:EvAcrossReplicas'])).toHaveLength(1);

    // Another event still acts, on either replica.
    expect((await slackClient(replicas[1]!.url, SECRET, api.responseUrl).event(event, 'EvNext', { timestamp: now })).status).toBe(200);
    await replicas[1]!.idle();
    expect(api.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
  });
});
