/**
 * Issue 23, finding 5: signed Partner Center events of any date were accepted, and a handled one
 * was forgotten after 30 days, so a captured event could be replayed. Against the real bot on both
 * stores, with its clock injected: an event whose signed ResourceChangeUtcDate is more than a day
 * from now is refused with 400 (the date is signed, so Partner Center's ten retries are all refused
 * alike, and nothing is stored), and a handled event is remembered for as long as it could still
 * be accepted, through the pruning.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_RETENTION_MS, WEBHOOK_FRESHNESS_MS } from '../../bot/partner-center/webhooks.js';
import { startBot } from '../fakes/bot-server.js';
import { startCertificateStorage } from '../fakes/webhook-certificates.js';
import { tempDir } from '../helpers.js';
import { testDatabase } from '../pg.js';

const TOKEN = 'pc-freshness-path-token-0123456789abcdefghij';
const NOW = new Date('2031-03-10T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

let storage: Awaited<ReturnType<typeof startCertificateStorage>>;
beforeAll(async () => {
  storage = await startCertificateStorage({ now: NOW });
});
afterAll(async () => {
  await storage?.close();
});

let bot: Awaited<ReturnType<typeof startBot>> | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const eventDated = (date: string) =>
  JSON.stringify({
    EventName: 'reseller-relationship-accepted-by-customer',
    ResourceUri: 'https://api.partnercenter.microsoft.com/v1/customers/5b9a7d4e-1c2f-4a3b-8d6e-0f1a2b3c4d5e',
    ResourceName: 'Customer',
    AuditUri: null,
    ResourceChangeUtcDate: date,
  });

const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe.each(['file', 'postgres'] as const)('finding 5: webhook freshness, %s store', (kind) => {
  let offsetMs = 0;
  const clock = { now: () => new Date(NOW.getTime() + offsetMs) };

  async function start() {
    offsetMs = 0;
    const roots = join(tempDir(), 'roots.pem');
    writeFileSync(roots, storage.root.cert);
    bot = await startBot(
      {
        PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN,
        PARTNER_CENTER_WEBHOOK_CERT_HOSTS: storage.host,
        PARTNER_CENTER_WEBHOOK_TRUST_ROOTS: roots,
        ...(kind === 'postgres' ? { DATABASE_URL: await testDatabase() } : {}),
      },
      { clock },
    );
    return bot;
  }

  const post = async (body: string) => {
    const signed = storage.signed(body);
    const res = await fetch(`${bot!.url}/partner-center/events/${TOKEN}`, { method: 'POST', headers: signed.headers, body: signed.bytes });
    return { status: res.status, json: (await res.json()) as Record<string, string> };
  };

  it('refuses signed events dated 2020, 2099 or just past a day either way (400), and handles those just inside it', async () => {
    const b = await start();
    for (const date of ['2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z', at(-WEBHOOK_FRESHNESS_MS - MINUTE), at(WEBHOOK_FRESHNESS_MS + MINUTE)]) {
      const answer = await post(eventDated(date));
      expect(answer, date).toEqual({ status: 400, json: { error: 'Event date outside the accepted window' } });
    }
    expect(b.store.count('webhookEvents')).toBe(0);
    // Partner Center's own format, seven fractional digits and an offset, just inside on both sides.
    const early = at(-WEBHOOK_FRESHNESS_MS + MINUTE).replace('Z', '0000+00:00');
    for (const date of [early, at(WEBHOOK_FRESHNESS_MS - MINUTE)]) {
      expect(await post(eventDated(date)), date).toEqual({ status: 200, json: { status: 'accepted' } });
    }
    expect(b.store.count('webhookEvents')).toBe(2);
    expect(b.logs.filter((l) => l.msg === 'Partner Center webhook rejected').map((l) => l.reason)).toEqual([
      'event too old',
      'event dated in the future',
      'event too old',
      'event dated in the future',
    ]);
    expect(b.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('remembers a handled event for as long as it could be accepted, and refuses its replay once the window has passed', async () => {
    const b = await start();
    expect(WEBHOOK_EVENT_RETENTION_MS).toBeGreaterThanOrEqual(2 * WEBHOOK_FRESHNESS_MS);
    // Dated at the far edge of the window: it stays acceptable for almost two windows after it came.
    const late = eventDated(at(WEBHOOK_FRESHNESS_MS - MINUTE));
    expect((await post(late)).json).toEqual({ status: 'accepted' });

    // Another event, handled near the end, prunes what is old: the first must survive that.
    offsetMs = 2 * WEBHOOK_FRESHNESS_MS - 2 * MINUTE;
    expect((await post(eventDated(at(offsetMs)))).json).toEqual({ status: 'accepted' });
    expect(await post(late)).toEqual({ status: 200, json: { status: 'duplicate' } });
    expect(b.store.count('webhookEvents')).toBe(2);

    // Once its window has passed the replay is refused for its date, before any duplicate lookup.
    offsetMs = 2 * WEBHOOK_FRESHNESS_MS;
    expect((await post(late)).status).toBe(400);

    // After the retention, records are pruned; a replay of either is still refused, and acts on nothing.
    offsetMs = WEBHOOK_EVENT_RETENTION_MS + 3 * DAY;
    expect((await post(eventDated(at(offsetMs)))).json).toEqual({ status: 'accepted' });
    expect(b.store.count('webhookEvents')).toBe(1);
    expect((await post(late)).status).toBe(400);
    expect((await post(eventDated(at(2 * WEBHOOK_FRESHNESS_MS - 2 * MINUTE)))).status).toBe(400);
    expect(b.store.count('webhookEvents')).toBe(1);
  });
});
