/**
 * The real composition root (bot/main.ts) with DATABASE_URL: it starts on the PostgreSQL store
 * without ever printing the password (in `user:pass@` or as `?password=`, nor `sslpassword` or
 * an `sslkey` path), and refuses, with a clear message and exit code 1, a database newer than the
 * code or one it cannot reach.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, killAll, run } from '../fakes/processes.js';
import { query, testDatabase } from '../pg.js';
import { LATEST_MIGRATION } from '../../store/pg/migrations.js';

afterEach(() => killAll());

const PASSWORD = 'test-only-password';
const SSL_PASSWORD = 'ssl-key-passphrase-42';

/** `url` with its password moved from `user:pass@` to `?password=`, and an `sslpassword` added (pg accepts both). */
function passwordInQuery(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  parsed.searchParams.set('password', PASSWORD);
  parsed.searchParams.set('sslpassword', SSL_PASSWORD);
  return parsed.toString();
}

async function main(databaseUrl: string) {
  const port = await freePort();
  return run(
    'bot/main.ts',
    [],
    cleanEnv({ PORT: String(port), DATABASE_URL: databaseUrl, PARTNER_NAME: 'Northwind Cloud', LOG_LEVEL: 'info' }),
  );
}

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

  it('starts on a URL with ?password= and sslpassword=, and shows neither in the listening line nor anywhere', { timeout: 60_000 }, async () => {
    const db = passwordInQuery(await testDatabase());
    const bot = await main(db);
    const [, url] = await bot.waitFor(/"msg":"listening on (http:\/\/[^ "]+)/, 30_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const shown = db.replace(PASSWORD, '***').replace(SSL_PASSWORD, '***');
    expect(shown).toMatch(/\?password=\*\*\*&sslpassword=\*\*\*$/);
    expect(bot.stdout()).toContain(`"database":"${shown}"`);
    bot.child.kill('SIGTERM');
    expect((await bot.exited()).code).toBe(0);
    expect(bot.stdout() + bot.stderr()).not.toContain(PASSWORD);
    expect(bot.stdout() + bot.stderr()).not.toContain(SSL_PASSWORD);
  });

  it('refuses to start on an unreachable URL with ?password= and sslpassword=, showing neither', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const bot = await main(`postgres://bot@127.0.0.1:${port}/csp?password=${PASSWORD}&sslpassword=${SSL_PASSWORD}`);
    expect((await bot.exited()).code).toBe(1);
    expect(bot.stderr()).toContain(
      `Cannot start: Cannot use the database postgres://bot@127.0.0.1:${port}/csp?password=***&sslpassword=***: it cannot be reached (`,
    );
    expect(bot.stdout() + bot.stderr()).not.toContain(PASSWORD);
    expect(bot.stdout() + bot.stderr()).not.toContain(SSL_PASSWORD);
  });

  it('refuses to start when the sslkey cannot be read, without quoting its path', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const keyPath = '/nonexistent/keys/csp-bot-private.key';
    const bot = await main(`postgres://bot:${PASSWORD}@127.0.0.1:${port}/csp?sslmode=require&sslkey=${keyPath}`);
    expect((await bot.exited()).code).toBe(1);
    expect(bot.stderr()).toContain(`Cannot start: Cannot use the database postgres://bot:***@127.0.0.1:${port}/csp?sslmode=require&sslkey=***: it cannot be reached (`);
    expect(bot.stdout() + bot.stderr()).not.toContain(keyPath);
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
