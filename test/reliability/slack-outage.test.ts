/**
 * Finding 10 of the third hostile round: while the PostgreSQL store could not be reached, a Slack
 * slash command got a 404 after 3 s with no acknowledgement (Bolt's answer to a request nobody
 * acknowledged: the replay guard was waiting on the database), so Slack users saw Slack's generic
 * error where Teams users got a sentence. Replayed on real PostgreSQL with signed requests: the
 * database first refuses every connection, then accepts them but leaves the replay check waiting.
 */
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient } from '../fakes/teams-client.js';
import { query, testDatabase } from '../pg.js';
import { t } from '../../i18n/catalogue.js';

const SECRET = 'slack-outage-signing-secret';
/** Slack gives up on an acknowledgement after 3 s; "at once" is well inside that. */
const AT_ONCE_MS = 2_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The database refuses every new connection and drops the open ones, until `restore`. */
async function refuseConnections(databaseUrl: string): Promise<{ restore(): Promise<void> }> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = inject('pgAdminUrl');
  await query(admin, `ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
  await query(admin, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  return { restore: () => query(admin, `ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`).then(() => {}) };
}

async function outageBot() {
  const db = await testDatabase();
  const api = await startSlackApi({ UMARIO: { name: 'Mario Rossi', locale: 'it-IT' } });
  cleanups.push(() => api.close());
  const bot = await startBot({
    DATABASE_URL: db,
    BOOTSTRAP_ADMINS: 'slack:UMARIO,teams:aad-mario',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: api.apiUrl,
  });
  cleanups.push(() => bot.stop());
  const slack = slackClient(bot.url, SECRET, api.responseUrl);
  // Mario is known (his language too) from before the outage, as anyone who used the bot is.
  await slack.command('UMARIO', 'aiuto');
  await api.waitFor('chat.postMessage');
  return { db, api, bot, slack };
}

/** The text of every message the bot sent Slack (posts, ephemerals, response_url answers). */
const saidOnSlack = (api: Awaited<ReturnType<typeof startSlackApi>>) => api.calls.map((c) => JSON.stringify(c.args)).join('\n');

describe('Slack while the PostgreSQL store is down', () => {
  it('acknowledges a slash command and a click at once and answers in Italian, as Teams does', { timeout: 60_000 }, async () => {
    const { db, api, bot, slack } = await outageBot();
    const outage = await refuseConnections(db);
    cleanups.push(() => outage.restore());
    await expect.poll(() => fetch(`${bot.url}/healthz`).then((r) => r.status), { timeout: 15_000 }).toBe(503);
    const sentence = t('it', 'error.unavailable');

    let started = performance.now();
    const command = await slack.command('UMARIO', 'invita cliente');
    expect(performance.now() - started).toBeLessThan(AT_ONCE_MS);
    expect(command.status).toBe(200);
    await expect.poll(() => saidOnSlack(api), { timeout: 15_000 }).toContain(sentence);

    const before = api.calls.length;
    started = performance.now();
    const click = await slack.action('UMARIO', { type: 'button', action_id: 'csp:command:0', value: JSON.stringify({ command: 'invite' }) });
    expect(performance.now() - started).toBeLessThan(AT_ONCE_MS);
    expect(click.status).toBe(200);
    await expect.poll(() => api.calls.slice(before).map((c) => JSON.stringify(c.args)).join('\n'), { timeout: 15_000 }).toContain(sentence);

    // The same sentence Teams gives for the same command.
    const connector = await startConnector();
    cleanups.push(() => connector.close());
    const teams = teamsClient(bot.url, connector.url);
    await teams.say({ aadObjectId: 'aad-mario', name: 'Mario Rossi', locale: 'it-IT' }, { id: 'a:mario', conversationType: 'personal' }, 'invita cliente');
    await expect.poll(() => connector.calls.map((c) => cardText(c)).join('\n'), { timeout: 15_000 }).toContain(sentence);

    // Nothing was written meanwhile, and once the database is back the same command works.
    await outage.restore();
    await expect.poll(() => fetch(`${bot.url}/healthz`).then((r) => r.status), { timeout: 15_000 }).toBe(200);
    expect(await query(db, "SELECT count(*)::int AS n FROM records WHERE collection = 'invitations'")).toEqual([{ n: 0 }]);
    await slack.command('UMARIO', 'invita cliente');
    await api.waitFor('views.open');
  });

  it('acknowledges at once when the database accepts connections but the replay check hangs', { timeout: 60_000 }, async () => {
    const { db, api, slack } = await outageBot();
    // Another session holds the claims table: every claim waits behind it, as on a stuck server.
    const locker = new pg.Client({ connectionString: db });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE claims IN ACCESS EXCLUSIVE MODE');
    cleanups.push(() => locker.query('ROLLBACK').then(() => {}));

    const before = api.calls.length;
    const started = performance.now();
    const command = await slack.command('UMARIO', 'chi sono');
    expect(performance.now() - started).toBeLessThan(AT_ONCE_MS);
    expect(command.status).toBe(200);
    // Answered as usual, in Italian: reading needs nothing from the database.
    await expect.poll(() => api.calls.slice(before).map((c) => JSON.stringify(c.args)).join('\n'), { timeout: 15_000 }).toContain('Sei Mario Rossi (slack:UMARIO)');
  });
});
