/**
 * The change feed read in commit order (store/pg/feed.ts, and the catch-up of a transaction in
 * store/pg/commit.ts), against a real PostgreSQL: a replica that is many changes behind, across
 * seq 9 -> 10 and 99 -> 100, applies every one of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openPgStore, type PgStoreHandle } from '../../../store/pg/pg-store.js';
import { query, testDatabase } from '../../pg.js';

const opened: PgStoreHandle[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

const provider = (n: number) => ({ id: `p${n}`, name: `Provider ${n}`, tenantId: null, createdAt: '2026-11-23T10:00:00.000Z' });

/**
 * 120 changes written straight into the feed, one provider each, with no NOTIFY: the replicas
 * learn of them only when they next read the feed, all at once.
 */
async function changesNobodyWasToldOf(url: string): Promise<void> {
  const rows = Array.from({ length: 120 }, (_, i) => `('${JSON.stringify([{ c: 'providers', op: 'put', r: provider(i + 1) }])}'::jsonb)`);
  await query(url, `INSERT INTO changes (ops) VALUES ${rows.join(', ')}`);
}

describe('the change feed', () => {
  it('brings a replica far behind every change, in commit order, through a feed read and through a transaction', async () => {
    const url = await testDatabase();
    // Opened on an empty database, and no poll to speak of: only sync() and transact() read the feed.
    const [reader, writer] = await Promise.all([openPgStore({ url, pollMs: 3_600_000 }), openPgStore({ url, pollMs: 3_600_000 })]);
    opened.push(reader, writer);
    expect(reader.seq).toBeLessThan(9);
    await changesNobodyWasToldOf(url);

    await reader.sync();
    expect(reader.count('providers')).toBe(120);
    expect(reader.seq).toBe(writer.seq + 120);

    // The catch-up under the write lock, before the transaction's function runs.
    const seen = await writer.transact((_tx, read) => [...read.all('providers')].length);
    expect(seen).toBe(120);
    expect(writer.get('providers', 'p2')?.name).toBe('Provider 2');
  });
});
