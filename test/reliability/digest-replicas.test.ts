/**
 * The digest on two replicas of one PostgreSQL store: both schedulers look at the due moment at
 * once, and the conversation gets one digest per period; its chart link works on either replica.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { testDatabase } from '../pg.js';

const WAIT = { timeout: 20_000, interval: 100 };
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const channel: TeamsConversation = { id: '19:ops@thread.tacv2', conversationType: 'channel', channelName: 'Ops' };
let skew = 0;
const clock = { now: () => new Date(Date.now() + skew) };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the digest on two replicas', () => {
  it('is posted once per period when both replicas look at the same moment', async () => {
    skew = 0;
    const connector = await startConnector();
    cleanups.push(() => connector.close());
    const env = { DATABASE_URL: await testDatabase(), DIGEST_SCHEDULE: 'daily 08:00', DIGEST_TIMEZONE: 'Europe/Rome' };
    const one = await startBot(env, { clock });
    cleanups.push(() => one.stop());
    const two = await startBot(env, { clock });
    cleanups.push(() => two.stop());

    await teamsClient(one.url, connector.url).say(alice, channel, 'digest here');
    expect(cardText(connector.calls.at(-1))).toContain("I'll post the digest here");
    const digests = () => connector.calls.filter((c) => c.method === 'POST' && cardText(c).includes('Weekly digest'));

    for (let period = 1; period <= 2; period++) {
      // The replicas apply each other's commits within milliseconds: wait for the subscription on both.
      await expect
        .poll(() => two.store.get('digestSubscriptions', `teams:${channel.id}`)?.lastPeriodStart, WAIT)
        .toBe(one.store.get('digestSubscriptions', `teams:${channel.id}`)?.lastPeriodStart);
      skew = one.service.nextDigestAt().getTime() - Date.now() + 5_000;
      const queued = await Promise.all([
        one.service.queueDueDigests(),
        two.service.queueDueDigests(),
        one.service.queueDueDigests(),
        two.service.queueDueDigests(),
      ]);
      expect(queued.reduce((a, b) => a + b, 0)).toBe(1);
      await expect.poll(() => digests().length, WAIT).toBe(period);
      await sleep(1_000);
      await Promise.all([one.idle(), two.idle()]);
      expect(digests()).toHaveLength(period);
    }

    // The chart link works on either replica: the key is on the shared subscription.
    const url = /"url":"(http:\/\/localhost:3978\/digest\/chart\/[^"]+)"/.exec(JSON.stringify(digests()[1]!.body))![1]!;
    for (const bot of [one, two]) expect((await fetch(url.replace('http://localhost:3978', bot.url))).status).toBe(200);
  }, 90_000);
});
