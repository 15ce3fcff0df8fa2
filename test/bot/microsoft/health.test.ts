/**
 * /healthz reports a Microsoft sync that has not succeeded for three intervals, as `degraded` with
 * the reason (200: a restart would not bring Microsoft back), and `ok` again after a good pass.
 * The whole bot on the Graph stand-in, with its clock moved by hand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';
import { microsoftEnv } from './harness.js';

let microsoft: FakeMicrosoft;
let bot: Awaited<ReturnType<typeof startBot>>;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

beforeEach(async () => {
  offsetMs = 0;
  microsoft = await startFakeMicrosoft();
  bot = await startBot(microsoftEnv(microsoft, { MICROSOFT_SYNC_SECONDS: '60' }), { clock });
});
afterEach(async () => {
  await bot?.stop();
  await microsoft?.close();
});

const health = async () => {
  const res = await fetch(`${bot.url}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; checks?: Record<string, { ok: boolean; lastError?: string }> } };
};

describe('/healthz with the Microsoft directory', () => {
  it('says degraded, with the reason, once the sync has failed for three intervals, and ok after it recovers', async () => {
    await bot.sync!.runOnce();
    expect((await health()).body).toMatchObject({ status: 'ok', checks: { 'microsoft-sync': { ok: true } } });

    // Graph refuses the next two passes (403 is not retried by the client: one call each).
    microsoft.failNext('GET /v1.0/tenantRelationships', { status: 403, code: 'Authorization_RequestDenied', times: 2 });
    offsetMs = 2 * 60_000;
    await expect(bot.sync!.runOnce()).rejects.toThrow();
    expect((await health()).body.status).toBe('ok'); // two intervals: not yet

    offsetMs = 4 * 60_000;
    await expect(bot.sync!.runOnce()).rejects.toThrow();
    const degraded = await health();
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.checks!['microsoft-sync']).toMatchObject({ ok: false });
    expect(degraded.body.checks!['microsoft-sync']!.lastError).toContain('Authorization_RequestDenied');

    await bot.sync!.runOnce();
    expect((await health()).body).toMatchObject({ status: 'ok', checks: { 'microsoft-sync': { ok: true } } });
  });
});
