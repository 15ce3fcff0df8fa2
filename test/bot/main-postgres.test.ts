/**
 * The real composition root (bot/main.ts) with DATABASE_URL: it starts on the PostgreSQL store
 * without printing the password, and refuses, with a clear message and exit code 1, a database
 * newer than the code or one it cannot reach. The other forms of a secret in the URL are in
 * test/reliability/database-url-secrets.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, killAll } from '../fakes/processes.js';
import { DATABASE_PASSWORD, mainOnDatabase } from '../fakes/main-on-database.js';
import { query, testDatabase } from '../pg.js';
import { LATEST_MIGRATION } from '../../store/pg/migrations.js';

afterEach(() => killAll());

const PASSWORD = DATABASE_PASSWORD;
const main = mainOnDatabase;

describe('bot/main.ts with DATABASE_URL', () => {
  it('starts on the database, says which one without its password, and stops cleanly', { timeout: 60_000 }, async () => {
    const db = await testDatabase();
    expect(db).toContain(PASSWORD);
    const bot = await main(db);
    const [, url] = await bot.waitFor(/"msg":"listening on (http:\/\/[^ "]+)/, 30_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(bot.stdout()).toContain(`"database":"${db.replace(PASSWORD, '***')}"`);
    expect(await query(db, `SELECT data->>'name' AS name FROM records WHERE collection = '$partner'`)).toEqual([
      { name: 'Northwind Cloud' },
    ]);
    bot.child.kill('SIGTERM');
    expect((await bot.exited()).code).toBe(0);
    expect(bot.stdout() + bot.stderr()).not.toContain(PASSWORD);
  });

  it('refuses to start on a database migrated by a newer version', { timeout: 60_000 }, async () => {
    const db = await testDatabase();
    const first = await main(db);
    await first.waitFor(/listening on/, 30_000);
    first.child.kill('SIGTERM');
    await first.exited();
    await query(db, `INSERT INTO schema_migrations (version, name) VALUES (${LATEST_MIGRATION + 1}, 'from the future')`);
    const bot = await main(db);
    expect((await bot.exited()).code).toBe(1);
    expect(bot.stderr()).toContain(
      `Cannot start: Cannot use the database ${db.replace(PASSWORD, '***')}: the database is at schema version ${LATEST_MIGRATION + 1}, newer than this version of the bot knows (${LATEST_MIGRATION})`,
    );
    expect(bot.stdout() + bot.stderr()).not.toContain(PASSWORD);
  });

  it('refuses to start when the database cannot be reached', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const bot = await main(`postgres://bot:${PASSWORD}@127.0.0.1:${port}/csp`);
    expect((await bot.exited()).code).toBe(1);
    expect(bot.stderr()).toContain(
      `Cannot start: Cannot use the database postgres://bot:***@127.0.0.1:${port}/csp: it cannot be reached (`,
    );
    expect(bot.stdout() + bot.stderr()).not.toContain(PASSWORD);
  });
});
