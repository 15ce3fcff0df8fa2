/**
 * Finding 6 of the third hostile round: bodies are read before authentication, and 200 unfinished
 * 520 KB bodies once took 100 MB and held their sockets past 69 s. Replayed against the real
 * bot/main.ts (Teams credentials, so /api/messages wants a token; Slack on), with its production
 * limits: while 200 such bodies hang on /api/messages and /slack/events, `/healthz` answers within
 * 1 s, the process grows by less than 24 MB, those past the budget get 503 at once (Retry-After,
 * Connection: close), every socket is closed within 65 s, and then the server serves as before.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cleanEnv, freePort, killAll, run } from '../fakes/processes.js';
import { unfinishedUpload, type HeldUpload } from '../fakes/raw-http.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { tempDir } from '../helpers.js';
import { realNow } from '../setup/shifted-clock.js';

const SECRET = 'slow-bodies-signing-secret';
const MB = 1024 * 1024;
/** The child runs on the real clock, not the test worker's shifted one: Slack signatures are dated by it. */
const signedNow = () => ({ timestamp: Math.floor(realNow() / 1000) });

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  killAll();
});

/** The resident memory of process `pid`, in bytes. */
const rssOf = (pid: number) => Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;

async function healthzMs(url: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  return performance.now() - start;
}

describe('200 unfinished 520 KB bodies before authentication', () => {
  it(
    'keep /healthz within 1 s and memory within 24 MB, get 503 at once past the budget, and are all closed within 65 s',
    { timeout: 120_000 },
    async () => {
      const api = await startSlackApi({ UADMIN: { name: 'Alice Admin' } });
      cleanups.push(() => api.close());
      const port = await freePort();
      const main = run(
        'bot/main.ts',
        [],
        cleanEnv({
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_FILE: join(tempDir(), 'db.json'),
          PARTNER_NAME: 'Northwind Cloud',
          BOOTSTRAP_ADMINS: 'slack:UADMIN',
          LOG_LEVEL: 'warn',
          MicrosoftAppId: '6f1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d',
          MicrosoftAppPassword: 'x',
          MicrosoftAppTenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70',
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_BOT_TOKEN: 'xoxb-test-token',
          SLACK_API_URL: api.apiUrl,
        }),
      );
      const url = `http://127.0.0.1:${port}`;
      await expect.poll(() => fetch(`${url}/healthz`).then((r) => r.status, () => 0), { timeout: 30_000, interval: 200 }).toBe(200);
      const slack = slackClient(url, SECRET, api.responseUrl);
      // Warm every path (Bolt, the Teams adapter, the refusals) so the baseline has them loaded,
      // and take it once the memory has settled (two readings half a second apart within 1 MB).
      for (let i = 0; i < 3; i++) {
        expect((await slack.command('UADMIN', 'help', {}, signedNow())).status).toBe(200);
        const unsigned = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' });
        expect(unsigned.status).toBe(401);
        await healthzMs(url);
      }
      await expect.poll(() => api.calls.filter((c) => c.method === 'chat.postMessage').length, { timeout: 10_000 }).toBe(3);
      const pid = main.child.pid!;
      let before = rssOf(pid);
      await expect
        .poll(
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 500));
            const now = rssOf(pid);
            const settled = Math.abs(now - before) < MB;
            before = now;
            return settled;
          },
          { timeout: 20_000, interval: 0 },
        )
        .toBe(true);

      // 100 chunked bodies to Teams (under its 512 KB limit, never terminated) and 100 to Slack
      // declaring 520 KB (under its 1 MB), each with 500 KB sent and then silence.
      const sent = Buffer.alloc(500 * 1024, 0x61);
      const opened = Date.now();
      const held: HeldUpload[] = [];
      for (let i = 0; i < 100; i++) {
        held.push(unfinishedUpload(url, { path: '/api/messages', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, sent }));
        held.push(
          unfinishedUpload(url, {
            path: '/slack/events',
            headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(signedNow().timestamp), 'x-slack-signature': 'v0=00' },
            sent,
            declared: 520 * 1024,
          }),
        );
      }
      cleanups.push(() => held.forEach((h) => h.destroy()));

      const answers = held.map((h) => h.closed);
      // Every byte is out (a socket refused and closed counts as done): the server holds what it kept.
      await Promise.all(held.map((h) => h.written));
      const peaks: number[] = [];
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        latencies.push(await healthzMs(url));
        peaks.push(rssOf(pid));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const grown = Math.max(...peaks) - before;
      console.log(`slow bodies: RSS ${(before / MB).toFixed(1)} MB before, peak +${(grown / MB).toFixed(1)} MB, /healthz at worst ${Math.max(...latencies).toFixed(0)} ms`);
      expect(Math.max(...latencies)).toBeLessThan(1_000);
      expect(grown).toBeLessThan(24 * MB);

      // Those past the budget were answered at once (503, Retry-After, Connection: close) and
      // closed without waiting for their bodies; the others are cut off at the body time, 30 s.
      const closed = await Promise.all(answers);
      const lastClosedMs = Math.max(...closed.map((c) => c.at)) - opened;
      console.log(`slow bodies: ${closed.filter((c) => c.answer.startsWith('HTTP/1.1 503')).length} refused with 503, the last socket closed after ${lastClosedMs} ms`);
      expect(lastClosedMs).toBeLessThan(65_000);
      const refusals = closed.filter((c) => c.answer.startsWith('HTTP/1.1 503'));
      expect(refusals.length).toBeGreaterThanOrEqual(150);
      for (const { answer, at } of refusals) {
        expect(answer.toLowerCase()).toMatch(/\r\nretry-after: \d+\r\n/);
        expect(answer.toLowerCase()).toContain('\r\nconnection: close\r\n');
        expect(at - opened).toBeLessThan(10_000);
      }

      // The budget is whole again: a signed command is served, and the process never stopped.
      expect((await slack.command('UADMIN', 'whoami', {}, signedNow())).status).toBe(200);
      expect(await healthzMs(url)).toBeLessThan(1_000);
      expect(main.child.exitCode).toBeNull();
    },
  );

  it('counts bodies and bytes across every route, answers 503 past either at once, and cuts off a body past its time', async () => {
    const bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: 'http://127.0.0.1:9/' }, {
      limits: { maxReads: 2, maxBytes: 64 * 1024, readTimeoutMs: 1_000 },
    });
    cleanups.push(() => bot.stop());
    const json = { 'content-type': 'application/json' };
    const started = Date.now();
    const teams = unfinishedUpload(bot.url, { path: '/api/messages', headers: json, sent: Buffer.from('{"type":'), declared: 1_000 });
    const slack = unfinishedUpload(bot.url, { path: '/slack/events', headers: json, sent: Buffer.from('{'), declared: 1_000 });
    cleanups.push(() => [teams, slack].forEach((h) => h.destroy()));
    await Promise.all([teams.written, slack.written]);

    // Two bodies being read: a third is refused at once, on any route, and /healthz still answers.
    const third = await fetch(`${bot.url}/invitations/x/accept`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(third.headers.get('connection')).toBe('close');
    expect(await healthzMs(bot.url)).toBeLessThan(1_000);

    // Cut off at the body time: closed without an answer, and the budget is free again.
    const [a, b] = await Promise.all([teams.closed, slack.closed]);
    expect([a.answer, b.answer]).toEqual(['', '']);
    expect(Math.max(a.at, b.at) - started).toBeLessThan(5_000);
    // Read and judged again: an activity without a type is the reader's 400, not the budget's 503.
    expect((await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: json, body: '{"pad":"x"}' })).status).toBe(400);

    // A body declaring more than the bytes left is refused before a byte of it is read.
    const big = unfinishedUpload(bot.url, { path: '/api/messages', headers: json, sent: Buffer.alloc(0), declared: 65 * 1024 });
    cleanups.push(() => big.destroy());
    expect((await big.closed).answer).toMatch(/^HTTP\/1\.1 503 /);
  });

  it('runs with headers due in 10 s and the whole request in 30 s, not Node defaults of 60 s and 300 s', async () => {
    const bot = await startBot();
    cleanups.push(() => bot.stop());
    expect(bot.httpServer.headersTimeout).toBe(10_000);
    expect(bot.httpServer.requestTimeout).toBe(30_000);
  });
});
