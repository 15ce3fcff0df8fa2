/**
 * Two replicas of the bot, each its own process, on one PostgreSQL database, with requests
 * alternating between them (no sticky sessions): the story from invitation to removal, a replica
 * killed with SIGKILL in the middle of a burst, and 1,000 interleaved mutations.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cardText, startConnector, type ConnectorCall } from '../fakes/connector.js';
import { killAll } from '../fakes/processes.js';
import type { TeamsConversation } from '../fakes/teams-client.js';
import { query, testDatabase } from '../pg.js';
import * as harness from './replicas.js';
import { accept, alice, personal, salesChannel, settled, type Replica } from './replicas.js';

let connector: Awaited<ReturnType<typeof startConnector>>;
beforeAll(async () => {
  connector = await startConnector();
});
afterAll(async () => {
  await connector.close();
});
afterEach(() => {
  killAll();
  connector.fail('', 0);
  connector.slow('', 0);
  connector.clear();
});

/** A replica posting to this file's connector; `timings`: the dispatcher's poll and its first retry delay. */
const startReplica = (databaseUrl: string, timings?: { pollMs: number; baseDelayMs: number }) =>
  harness.startReplica(databaseUrl, connector.url, timings);
const channelPosts = () => connector.calls.filter((c) => c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales'));
const lastReplyTo = (conversation: TeamsConversation): ConnectorCall | undefined => harness.lastReplyTo(connector.calls, conversation);
const draft = (replica: Replica) => harness.draft(replica, connector.calls);

/** The data of the card's `Action.Execute` with this verb. */
const actionData = (call: ConnectorCall | undefined, verb: string): Record<string, string> | null => {
  let found: Record<string, string> | null = null;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute' && o.verb === verb) found ??= o.data as Record<string, string>;
      Object.values(o).forEach(walk);
    }
  };
  walk(call?.body);
  return found;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two replicas on one PostgreSQL database', () => {
  it(
    'invite on A, accept on B, the channel notified once, list on A, a removal confirmed at once on both: one wins',
    { timeout: 90_000 },
    async () => {
      const db = await testDatabase();
      // Started together on an empty database: the migrations run once, under their lock.
      const [a, b] = await Promise.all([startReplica(db), startReplica(db)]);
      expect(await query(db, 'SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);

      await a.teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
      const path = await draft(a);
      connector.clear();

      // A slow channel: while B's post is under way, A's poll (every 200 ms) sees the delivery due too.
      connector.slow('19:sales', 800);
      // The form comes from A, the submission goes to B: no sticky sessions.
      const accepted = await accept(a, b, path, 'Adatum Corporation');
      expect(accepted.status).toBe(200);
      expect(accepted.text).toContain('Thank you: the invitation is accepted');
      await expect.poll(() => channelPosts().length, { timeout: 5_000 }).toBe(1);
      expect(cardText(channelPosts()[0])).toContain('Adatum Corporation accepted the invitation');
      // Both dispatchers poll every 200 ms, and B's post is slow: A sees the delivery due meanwhile.
      // Once the delivery is gone from the database, and each replica has read that and finished
      // any attempt it had started, no second post can come: then count the posts.
      await expect
        .poll(() => query(db, `SELECT id FROM records WHERE collection = 'deliveries'`), { timeout: 10_000, interval: 50 })
        .toEqual([]);
      await Promise.all([settled(a), settled(b)]);
      expect(channelPosts()).toHaveLength(1);

      // The same link submitted to both at once: accepted once.
      const second = await draft(b);
      // A serves from memory what B wrote (here: the link B just made), told by B's notification or
      // its own poll of the feed every 0.5 s. How soon is the store's test: the notification alone,
      // with the poll out of the way (test/store/pg-store.test.ts).
      await expect.poll(async () => (await fetch(`${a.url}${second}`)).status, { timeout: 10_000, interval: 20 }).toBe(200);
      const both = await Promise.all([accept(b, a, second, 'Fabrikam Inc'), accept(b, b, second, 'Fabrikam Inc')]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 410]);

      // The acceptance is also news in the chat where the invitation was drafted: once it is posted
      // (no delivery left), the last answer in that chat is the list's.
      await expect
        .poll(() => query(db, `SELECT id FROM records WHERE collection = 'deliveries'`), { timeout: 10_000, interval: 50 })
        .toEqual([]);
      await Promise.all([settled(a), settled(b)]);
      // A lists what B wrote.
      await a.teams.say(alice, personal, 'list customers');
      const list = cardText(lastReplyTo(personal));
      expect(list).toContain('Adatum Corporation');
      expect(list).toContain('Fabrikam Inc');

      // A removal requested on A, confirmed at the same moment on A and on B.
      await a.teams.say(alice, personal, 'remove relationship adatum');
      const removalId = actionData(lastReplyTo(personal), 'removal.confirm')!.removalId!;
      // The person reads the card before clicking; B knows the removal soon after (a click
      // without the attestation changes nothing and says what is missing).
      await expect
        .poll(
          async () => cardText((await b.teams.invoke(alice, personal, 'removal.confirm', { removalId, attest: 'false' })).body?.value),
          { timeout: 10_000, interval: 20 },
        )
        .toContain('Tick the attestation');
      const confirms = await Promise.all(
        [a, b].map((r) => r.teams.invoke(alice, personal, 'removal.confirm', { removalId, attest: 'true' })),
      );
      for (const res of confirms) expect(cardText(res.body.value)).toContain('Relationship with Adatum Corporation removed');
      const confirmed = await query(db, `SELECT id FROM records WHERE collection = 'audit' AND data->>'action' = 'removal.confirmed'`);
      expect(confirmed).toHaveLength(1);
      await b.teams.say(alice, personal, 'list customers');
      expect(cardText(lastReplyTo(personal))).not.toContain('Adatum Corporation');
    },
  );

  it(
    'SIGKILL of one replica in a burst of acceptances: every acknowledged one is kept and notified once, by the survivor',
    { timeout: 90_000 },
    async () => {
      const db = await testDatabase();
      // Retries 1.5 s after a failure; a dead replica's holds end with its connections.
      const timings = { pollMs: 200, baseDelayMs: 1_500 };
      const [victim, survivor] = await Promise.all([startReplica(db, timings), startReplica(db, timings)]);
      await survivor.teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
      const paths: string[] = [];
      for (let i = 0; i < 30; i++) paths.push(await draft(survivor));
      connector.clear();
      // Until the kill, the channel refuses posts: the victim's deliveries stay pending (or claimed).
      connector.fail('19:sales', 1_000_000);

      const acked: string[] = [];
      let killed = false;
      const burst = paths.map(async (path, i) => {
        await sleep(i * 15);
        const company = `Burst Customer ${String(i).padStart(2, '0')}`;
        const res = await accept(survivor, victim, path, company).catch(() => null);
        if (res?.status === 200 && !killed) acked.push(company);
        if (acked.length === 10 && !killed) {
          killed = true;
          victim.process.child.kill('SIGKILL');
        }
      });
      await Promise.all(burst);
      expect(killed).toBe(true);
      expect(await victim.process.exited()).toEqual({ code: null, signal: 'SIGKILL' });
      expect(connector.failed.length).toBeGreaterThan(0); // the victim did try, and was refused
      connector.fail('', 0);

      // Every acknowledged acceptance is in the database...
      const customers = (
        await query<{ name: string }>(db, `SELECT data->>'companyName' AS name FROM records WHERE collection = 'customers'`)
      ).map((r) => r.name);
      for (const company of acked) expect(customers).toContain(company);
      // ...and the survivor sends every pending delivery, each once.
      await expect
        .poll(() => query(db, `SELECT id FROM records WHERE collection = 'deliveries'`), { timeout: 20_000, interval: 200 })
        .toEqual([]);
      const notified = channelPosts().map((c) => /Burst Customer \d\d/.exec(cardText(c))?.[0]);
      for (const company of acked)
        expect(
          notified.filter((n) => n === company),
          company,
        ).toHaveLength(1);
      // Acceptances committed but cut off before their answer are notified too, once.
      for (const company of customers)
        expect(
          notified.filter((n) => n === company),
          company,
        ).toHaveLength(1);
    },
  );

  it('loses none of 1,000 interleaved mutations across two replicas', { timeout: 120_000 }, async () => {
    const db = await testDatabase();
    const [a, b] = await Promise.all([startReplica(db), startReplica(db)]);
    const replicas = [a, b];
    const total = 1_000;
    let next = 0;
    const statuses: number[] = [];
    // 16 conversations at a time, each turn on the other replica than the one before.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          const i = next++;
          const res = await replicas[i % 2]!.teams.say(
            alice,
            { id: `a:personal-${i % 16}`, conversationType: 'personal' },
            `add provider Provider ${String(i).padStart(4, '0')}`,
          );
          statuses.push(res.status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const names = (await query<{ name: string }>(db, `SELECT data->>'name' AS name FROM records WHERE collection = 'providers'`)).map(
      (r) => r.name,
    );
    expect(new Set(names).size).toBe(total);
    const audited = await query<{ n: string }>(
      db,
      `SELECT count(*) AS n FROM records WHERE collection = 'audit' AND data->>'action' LIKE 'provider.%'`,
    );
    expect(Number(audited[0]!.n)).toBe(total);
    // Both replicas hold every one in memory: a duplicate name is refused by either.
    for (const replica of replicas) {
      await replica.teams.say(alice, personal, 'add provider Provider 0999');
      expect(cardText(lastReplyTo(personal))).toContain('already one of your indirect providers');
    }
  });
});
