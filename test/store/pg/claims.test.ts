/**
 * Holds on records across replicas (store/pg/claims.ts) against a real PostgreSQL: one holder at a
 * time, decided by the database and not by a replica's memory, and no lease: a hold ends when it
 * is released or when its replica's connection ends, and then at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applicationName, openPgStore, type PgStoreHandle } from '../../../store/pg/pg-store.js';
import type { Held } from '../../../store/cluster.js';
import type { Delivery } from '../../../store/schema.js';
import { query, testDatabase } from '../../pg.js';

const at = '2026-11-23T10:00:00.000Z';
const delivery = (id: string): Delivery => ({
  id,
  target: { kind: 'conversation', platform: 'teams', conversationId: '19:sales', reference: null, locale: 'en' },
  event: { type: 'invitation.accepted', deliveryIds: [] },
  attempts: 0,
  nextAttemptAt: at,
  lastError: null,
  createdAt: at,
});

const opened: PgStoreHandle[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

async function twoReplicasWith(id: string): Promise<{ url: string; a: PgStoreHandle; b: PgStoreHandle }> {
  const url = await testDatabase();
  const a = await openPgStore({ url });
  const b = await openPgStore({ url });
  opened.push(a, b);
  await a.transact((tx) => tx.put('deliveries', delivery(id)));
  await b.sync();
  return { url, a, b };
}

describe('holds on records across replicas', () => {
  it('gives a record to one holder at a time, across replicas and within one', async () => {
    const { a, b } = await twoReplicasWith('d1');
    const holds = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).cluster.hold('deliveries', 'd1')));
    const won = holds.filter((h): h is Held<Delivery> => h !== null);
    expect(won).toHaveLength(1);
    expect(won[0]!.record).toEqual(delivery('d1'));
    expect(won[0]!.held).toBe(true);
    const holder = holds.indexOf(won[0]!) % 2 ? a : b;
    const other = holder === a ? b : a;
    expect(await other.cluster.hold('deliveries', 'd1')).toBeNull();
    expect(await holder.cluster.hold('deliveries', 'd1')).toBeNull(); // not twice in one process either
    await won[0]!.release();
    const next = await other.cluster.hold('deliveries', 'd1');
    expect(next?.record.id).toBe('d1');
    await next!.release();
  });

  it('never holds a record the database no longer has, whatever the replica still has in memory', async () => {
    const { url, a, b } = await twoReplicasWith('d1');
    // Sent and recorded by a holder, then released: nobody holds it again.
    const held = await a.cluster.hold('deliveries', 'd1');
    await a.transact((tx) => tx.delete('deliveries', 'd1'));
    await held!.release();
    expect(await b.cluster.hold('deliveries', 'd1')).toBeNull();
    // A row gone without a change in the feed: both replicas' memory still has it, and the
    // database alone decides.
    await a.transact((tx) => tx.put('deliveries', delivery('d2')));
    await b.sync();
    await query(url, `DELETE FROM records WHERE collection = 'deliveries' AND id = 'd2'`);
    expect(a.get('deliveries', 'd2')).toBeDefined();
    expect(b.get('deliveries', 'd2')).toBeDefined();
    expect(await a.cluster.hold('deliveries', 'd2')).toBeNull();
    expect(await b.cluster.hold('deliveries', 'd2')).toBeNull();
    // What a holder acts on is the database's copy, not the one in memory.
    await a.transact((tx) => tx.put('deliveries', delivery('d3')));
    await query(url, `UPDATE records SET data = jsonb_set(data, '{attempts}', '3') WHERE collection = 'deliveries' AND id = 'd3'`);
    const fresh = await b.cluster.hold('deliveries', 'd3');
    expect(fresh?.record.attempts).toBe(3);
    await fresh!.release();
  });

  it("lets another replica take a hold the moment the holder's connection ends, and tells the holder", async () => {
    const { url, a, b } = await twoReplicasWith('d1');
    const held = await a.cluster.hold('deliveries', 'd1');
    expect(held).not.toBeNull();
    expect(await b.cluster.hold('deliveries', 'd1')).toBeNull();
    // What the death of a's process, or of its host, does to the connection that holds.
    const ended = await query(url, `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1`, [
      applicationName(a.replicaId),
    ]);
    expect(ended).toEqual([{ ended: true }]);
    const survivor: { taken: Held<Delivery> | null } = { taken: null };
    await expect
      .poll(async () => (survivor.taken ??= await b.cluster.hold('deliveries', 'd1')) !== null, { timeout: 10_000, interval: 50 })
      .toBe(true);
    await expect.poll(() => held!.held, { timeout: 10_000 }).toBe(false);
    await held!.release(); // lost already: releasing changes nothing for b
    // a connects again for its next hold, and the database still says b holds it.
    expect(await a.cluster.hold('deliveries', 'd1')).toBeNull();
    await survivor.taken!.release();
    const again = await a.cluster.hold('deliveries', 'd1');
    expect(again?.held).toBe(true);
    await again!.release();
  });

  it('refuses a record that does not match the schema, letting go of it and of nothing else', async () => {
    const { url, a, b } = await twoReplicasWith('d1');
    const kept = await a.cluster.hold('deliveries', 'd1');
    await query(url, `INSERT INTO records (collection, id, data) VALUES ('deliveries', 'bad', '{"id": "bad"}')`);
    await expect(a.cluster.hold('deliveries', 'bad')).rejects.toThrow('deliveries/bad');
    // Its lock was given back, and the connection that holds d1 was kept.
    await expect(b.cluster.hold('deliveries', 'bad')).rejects.toThrow('deliveries/bad');
    expect(kept!.held).toBe(true);
    expect(await b.cluster.hold('deliveries', 'd1')).toBeNull();
    await kept!.release();
  });
});
