/**
 * Both stores accept exactly the same values: what PostgreSQL cannot keep (U+0000 anywhere, an
 * unpaired surrogate) is refused by the file store too, in the transaction that wrote it, and
 * nobody else's write in the same group commit is refused with it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournalStore } from '../../store/journal-store.js';
import { openPgStore } from '../../store/pg/pg-store.js';
import { UnstorableValueError } from '../../store/storable.js';
import type { Store } from '../../store/store.js';
import { query, testDatabase } from '../pg.js';
import { tempDir } from '../helpers.js';

const at = '2026-11-23T10:00:00.000Z';
const provider = (id: string, name = id) => ({ id, name, tenantId: null, createdAt: at });
const audit = (id: string, details: Record<string, unknown>) => ({
  id,
  at,
  actor: { platform: 'cli' as const, userId: 'admin', displayName: 'Admin' },
  action: 'test',
  target: 'x',
  details,
});

const opened: Store[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

const stores: Array<[string, () => Promise<Store>]> = [
  ['file', async () => openJournalStore({ file: join(tempDir(), 'db.json') })],
  ['PostgreSQL', async () => openPgStore({ url: await testDatabase() })],
];

/** Writes no store can keep, each as its own transaction. */
const unstorable: Array<[string, Parameters<Store['transact']>[0]]> = [
  ['U+0000 in a name', (tx) => tx.put('providers', provider('bad-1', 'Evil\u0000Corp'))],
  ['an unpaired high surrogate', (tx) => tx.put('providers', provider('bad-2', 'Evil\ud800Corp'))],
  ['an unpaired low surrogate', (tx) => tx.put('providers', provider('bad-3', '\udc00'))],
  ['U+0000 in an id', (tx) => tx.put('providers', provider('bad\u0000-4', 'Fine'))],
  ['U+0000 deep in free-form details', (tx) => tx.put('audit', audit('bad-5', { list: [{ note: 'a\u0000b' }] }))],
  ['U+0000 in a key of free-form details', (tx) => tx.put('audit', audit('bad-6', { 'k\u0000': 1 }))],
  ['U+0000 in the id of a delete', (tx) => tx.delete('providers', 'p\u0000')],
  ['U+0000 in the partner', (tx) => tx.setPartner({ id: 'partner', name: 'North\u0000wind', tenantId: 't' })],
];

for (const [kind, open] of stores) {
  describe(`the ${kind} store`, () => {
    it('refuses each value no store can keep, in its own transaction, and writes nothing of it', async () => {
      const store = await open();
      opened.push(store);
      for (const [what, write] of unstorable) {
        await expect(
          store.transact((tx) => {
            tx.put('providers', provider('side-effect'));
            return write(tx, store);
          }),
          what,
        ).rejects.toBeInstanceOf(UnstorableValueError);
        expect(store.get('providers', 'side-effect'), what).toBeUndefined();
      }
      expect(store.count('providers') + store.count('audit')).toBe(0);
      expect(store.partner()).toBeNull();
      expect(store.healthy).toBe(true);
    });

    it('keeps a surrogate pair, and every other character', async () => {
      const store = await open();
      opened.push(store);
      let all = '';
      for (let c = 1; c < 0xd800; c++) all += String.fromCharCode(c);
      const name = `${all}\ud83d\ude00\ue000\uffff`;
      await store.transact((tx) => tx.put('providers', provider('p1', name)));
      expect(store.get('providers', 'p1')?.name).toBe(name);
    });

    it('answers every other write of the same batch while one of them is refused', async () => {
      const store = await open();
      opened.push(store);
      const writes = Array.from({ length: 20 }, (_, i) =>
        store.transact((tx) => tx.put('providers', provider(`p${i}`, i % 5 === 2 ? `Evil\u0000${i}` : `Good ${i}`))),
      );
      const results = await Promise.allSettled(writes);
      const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
      expect(refused).toEqual([2, 7, 12, 17]);
      for (const i of refused) expect((results[i] as PromiseRejectedResult).reason).toBeInstanceOf(UnstorableValueError);
      expect(store.count('providers')).toBe(16);
      expect(store.healthy).toBe(true);
    });
  });
}

describe('the PostgreSQL store, when the database itself refuses a value', () => {
  it('refuses only the transaction that holds it, retries the others of its batch alone, and stays healthy', async () => {
    const url = await testDatabase();
    const store = await openPgStore({ url });
    opened.push(store);
    // A value the check cannot see (it is what JSON.stringify makes of it, on the way to the
    // database): this is the case the database's own refusal covers.
    const sly = { toJSON: () => 'Evil\u0000Corp' };
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.transact((tx) => tx.put('audit', audit(`a${i}`, i === 9 ? { note: sly } : { note: `fine ${i}` }))),
    );
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(results.map((_, i) => (i === 9 ? 'rejected' : 'fulfilled')));
    expect((results[9] as PromiseRejectedResult).reason).toBeInstanceOf(UnstorableValueError);
    expect(store.healthy).toBe(true);
    expect(store.get('audit', 'a9')).toBeUndefined();
    const rows = await query<{ id: string }>(url, "SELECT id FROM records WHERE collection = 'audit' ORDER BY id");
    expect(rows.map((r) => r.id).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `a${i}`)
        .filter((id) => id !== 'a9')
        .sort(),
    );
    // And the next write goes through as usual.
    await store.transact((tx) => tx.put('providers', provider('after')));
    expect(store.get('providers', 'after')).toBeDefined();
  });
});
