/**
 * Hostile input round 3, finding 3: a DATABASE_URL's secrets in every form pg accepts
 * (`?password=`, `sslpassword`, an `sslkey` path) never reach the `listening` line, a start-up
 * failure or any other line the real bot/main.ts prints.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, killAll } from '../fakes/processes.js';
import { DATABASE_PASSWORD as PASSWORD, mainOnDatabase as main } from '../fakes/main-on-database.js';
import { testDatabase } from '../pg.js';

afterEach(() => killAll());

const SSL_PASSWORD = 'ssl-key-passphrase-42';

/** `url` with its password moved from `user:pass@` to `?password=`, and an `sslpassword` added (pg accepts both). */
function passwordInQuery(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  parsed.searchParams.set('password', PASSWORD);
  parsed.searchParams.set('sslpassword', SSL_PASSWORD);
  return parsed.toString();
}

describe('secrets in DATABASE_URL, through the real entry point', () => {
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

});
