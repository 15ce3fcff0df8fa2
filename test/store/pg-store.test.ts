/**
 * The PostgreSQL store against a real PostgreSQL (test/setup/postgres.ts): the journal store's
 * contract where it applies (reopen, validation, no lost updates, nothing written on a throw), and
 * what only several replicas on one database have (catch-up, the change feed, claims, migrations).
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openPgStore, type PgStoreHandle } from '../../store/pg/pg-store.js';
import { StoreOpenError, StoreUnavailableError, type Change } from '../../store/store.js';
import { LATEST_MIGRATION, LOCK_SPACE, WRITE_LOCK } from '../../store/pg/migrations.js';
import { SCHEMA_VERSION } from '../../store/schema.js';
import { freePort } from '../fakes/processes.js';
import { query, testDatabase } from '../pg.js';

const provider = (id: string, name = id) => ({ id, name, tenantId: null, createdAt: '2026-11-23T10:00:00.000Z' });

const opened: PgStoreHandle[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

async function open(url: string, options: { pollMs?: number; keepChangesMs?: number; pruneEveryMs?: number } = {}) {
  const store = await openPgStore({ url, ...options });
  opened.push(store);
  return store;
}

describe('PostgreSQL store', () => {
  it('finds after reopening what was written before closing, and what was never closed', async () => {
    const url = await testDatabase();
    const store = await openPgStore({ url });
    await store.transact((tx) => tx.put('providers', provider('p1', 'Contoso')));
    await store.transact((tx) => tx.setPartner({ id: 'partner-1', name: 'Northwind', tenantId: 't1' }));
    await store.close();
    // A second replica opened while the first is still running (as after a crash) sees every write.
    const first = await open(url);
    await first.transact((tx) => tx.put('providers', provider('p2', 'Fabrikam')));
    const reopened = await open(url);
    expect(reopened.get('providers', 'p1')?.name).toBe('Contoso');
    expect(reopened.get('providers', 'p2')?.name).toBe('Fabrikam');
    expect(reopened.partner()).toEqual({ id: 'partner-1', name: 'Northwind', tenantId: 't1' });
    expect(Object.isFrozen(reopened.get('providers', 'p1'))).toBe(true);
  });

  it('writes nothing when a transaction throws or a record is invalid', async () => {
    const url = await testDatabase();
    const store = await open(url);
    await expect(
      store.transact((tx) => {
        tx.put('providers', provider('p1'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await expect(store.transact((tx) => tx.put('providers', { ...provider('p2'), name: '' }))).rejects.toThrow();
    // The others of the same batch are committed.
    await Promise.all([
      store.transact((tx) => tx.put('providers', provider('p3'))),
      store
        .transact(() => {
          throw new Error('alone');
        })
        .catch(() => {}),
    ]);
    expect([...store.all('providers')].map((p) => p.id)).toEqual(['p3']);
    expect((await query(url, `SELECT id FROM records WHERE collection = 'providers'`)).map((r) => r.id)).toEqual(['p3']);
  });

  it('loses none of 200 concurrent read-modify-write mutations on each of two replicas', async () => {
    const url = await testDatabase();
    const a = await open(url);
    const b = await open(url);
    await a.transact((tx) => tx.put('providers', provider('counter', '0')));
    const bump = (store: PgStoreHandle, i: number) =>
      store.transact((tx, read) => {
        tx.put('providers', provider(`p${i}`));
        const counter = read.get('providers', 'counter')!;
        tx.put('providers', { ...counter, name: String(Number(counter.name) + 1) });
      });
    await Promise.all(Array.from({ length: 400 }, (_, i) => bump(i % 2 ? a : b, i)));
    await a.sync();
    await b.sync();
    expect(a.get('providers', 'counter')?.name).toBe('400');
    expect(b.get('providers', 'counter')?.name).toBe('400');
    const reopened = await open(url);
    expect(reopened.count('providers')).toBe(401);
    expect(reopened.get('providers', 'counter')?.name).toBe('400');
  });

  it("shows one replica's writes to another as soon as it is notified, not at its next poll, and tells its watchers", async () => {
    const url = await testDatabase();
    const a = await open(url);
    // A poll ten minutes away, and b writes nothing (a transaction of its own would catch up):
    // only the notification can bring the change before the poll, whatever the machine's load.
    const b = await open(url, { pollMs: 600_000 });
    const seen: Change[] = [];
    b.watch((c) => seen.push(c));
    await a.transact((tx) => tx.put('providers', provider('p1', 'Contoso')));
    await expect.poll(() => b.get('providers', 'p1')?.name, { timeout: 8_000, interval: 10 }).toBe('Contoso');
    await a.transact((tx) => tx.delete('providers', 'p1'));
    await expect.poll(() => b.count('providers'), { timeout: 8_000, interval: 10 }).toBe(0);
    expect(
      seen.map((c) => [c.id, (c.before as { name?: string } | undefined)?.name, (c.after as { name?: string } | undefined)?.name]),
    ).toEqual([
      ['p1', undefined, 'Contoso'],
      ['p1', 'Contoso', undefined],
    ]);
  });

  it('runs a transaction on the latest state even when the feed has not brought it yet', async () => {
    const url = await testDatabase();
    const a = await open(url, { pollMs: 60_000 });
    const b = await open(url, { pollMs: 60_000 });
    await a.transact((tx) => tx.put('providers', provider('p1', 'one')));
    // b reads inside a transaction: it catches up under the write lock first.
    expect(await b.transact((_tx, read) => read.get('providers', 'p1')?.name)).toBe('one');
  });

  it('a replica behind the pruned feed reloads every record and tells its watchers', async () => {
    const url = await testDatabase();
    const a = await open(url, { keepChangesMs: 0, pruneEveryMs: 0 });
    const b = await open(url, { pollMs: 60_000 });
    // b stops hearing notifications: only a feed read after the pruning brings it up to date.
    await query(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
    await a.transact((tx) => tx.put('providers', provider('p1')));
    await b.sync();
    const seen: string[] = [];
    b.watch((c) => seen.push(`${c.id}:${c.after ? 'put' : 'del'}`));
    await a.transact((tx) => {
      tx.put('providers', provider('p2'));
      tx.delete('providers', 'p1');
    });
    await new Promise((r) => setTimeout(r, 5));
    await a.transact((tx) => tx.put('providers', provider('p3')));
    expect(Number((await query(url, 'SELECT pruned_through FROM store_state'))[0]!.pruned_through)).toBeGreaterThan(b.seq);
    await b.sync();
    expect([...b.all('providers')].map((p) => p.id).sort()).toEqual(['p2', 'p3']);
    expect(seen.sort()).toEqual(['p1:del', 'p2:put', 'p3:put']);
  });

  it('rejects a transaction whose commit fails, puts memory back, and keeps working after', async () => {
    const url = await testDatabase();
    const store = await open(url);
    await store.transact((tx) => tx.put('providers', provider('p1', 'before')));
    await query(url, 'ALTER TABLE changes RENAME TO changes_away');
    await expect(store.transact((tx) => tx.put('providers', provider('p1', 'after')))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.get('providers', 'p1')?.name).toBe('before');
    expect(store.healthy).toBe(false);
    await query(url, 'ALTER TABLE changes_away RENAME TO changes');
    await store.transact((tx) => tx.put('providers', provider('p1', 'again')));
    expect(store.healthy).toBe(true);
    expect((await open(url)).get('providers', 'p1')?.name).toBe('again');
  });

  it('gives a claim to exactly one replica until it is released or expires', async () => {
    const url = await testDatabase();
    const a = await open(url);
    const b = await open(url);
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).cluster.claim('delivery:d1', 60_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const holder = wins.indexOf(true) % 2 ? a : b;
    const other = holder === a ? b : a;
    await other.cluster.release('delivery:d1'); // not its claim: nothing happens
    expect(await other.cluster.claim('delivery:d1', 60_000)).toBe(false);
    await holder.cluster.release('delivery:d1');
    expect(await other.cluster.claim('delivery:d1', 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(await holder.cluster.claim('delivery:d1', 60_000)).toBe(true);
    expect((await a.cluster.secret('csrf')).equals(await b.cluster.secret('csrf'))).toBe(true);
    expect(await a.cluster.secret('csrf')).toHaveLength(32);
  });

  it('migrates once when replicas start together', async () => {
    const url = await testDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => open(url)));
    expect(stores.every((s) => s.healthy)).toBe(true);
    expect(await query(url, 'SELECT version FROM schema_migrations')).toEqual([{ version: LATEST_MIGRATION }]);
  });

  it('refuses a database newer than the code, and changes nothing in it', async () => {
    const url = await testDatabase();
    await (await openPgStore({ url })).close();
    await query(url, `INSERT INTO schema_migrations (version, name) VALUES (${LATEST_MIGRATION + 1}, 'from the future')`);
    const error = await openPgStore({ url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toContain(
      `schema version ${LATEST_MIGRATION + 1}, newer than this version of the bot knows (${LATEST_MIGRATION})`,
    );
    expect((error as Error).message).not.toContain('test-only-password');
    await query(url, `DELETE FROM schema_migrations WHERE version > ${LATEST_MIGRATION}`);
    await query(url, `UPDATE store_state SET data_schema_version = ${SCHEMA_VERSION + 1}`);
    await expect(openPgStore({ url })).rejects.toThrow(
      `data schema version ${SCHEMA_VERSION + 1}, newer than this version of the bot knows (${SCHEMA_VERSION})`,
    );
  });

  it('upgrades records written by an older version at start, once', async () => {
    const url = await testDatabase();
    await (await openPgStore({ url })).close();
    const at = '2026-11-23T10:00:00.000Z';
    // A delivery in the shape before schema 3 (a bare subscriptionId, no target).
    const old = {
      id: 'd1',
      subscriptionId: 'teams:19:ops',
      event: { type: 'invitation.accepted' },
      attempts: 2,
      nextAttemptAt: at,
      lastError: '403',
      createdAt: at,
    };
    await query(url, `INSERT INTO records (collection, id, data) VALUES ('deliveries', 'd1', $1)`, [JSON.stringify(old)]);
    await query(url, `UPDATE store_state SET data_schema_version = 2`);
    const [a, b] = await Promise.all([open(url), open(url)]);
    for (const store of [a, b])
      expect(store.get('deliveries', 'd1')).toMatchObject({
        target: { kind: 'subscription', subscriptionId: 'teams:19:ops' },
        attempts: 2,
      });
    expect(await query(url, 'SELECT data_schema_version FROM store_state')).toEqual([{ data_schema_version: SCHEMA_VERSION }]);
  });

  it('upgrades a database written by version 4: `channels` rows become `notificationSubscriptions`, an invitation\'s `channel` its `acquisition`', async () => {
    const url = await testDatabase();
    await (await openPgStore({ url })).close();
    const at = '2026-11-23T10:00:00.000Z';
    const who = { platform: 'slack', userId: 'UADMIN', displayName: 'Admin' };
    const subscription = { id: 'slack:C1', platform: 'slack', conversationId: 'C1', name: '#sales', reference: null, locale: 'en', createdBy: who, createdAt: at };
    const invitation = {
      id: 'i1', tokenHash: 'a'.repeat(64), status: 'sent', channel: 'microsoft-referral', providerId: null, companyName: null, customerEmail: null,
      locale: 'en', subject: 'Hi', body: 'x', createdBy: who, createdAt: at, expiresAt: '2027-02-21T10:00:00.000Z', sentAt: null, sentBy: null,
      acceptedAt: null, customerId: null, revokedAt: null, revokedBy: null, draftMessage: { platform: 'slack', channel: 'C0SALES', ts: '1.2', locale: 'en' },
      microsoft: null,
    };
    await query(url, `INSERT INTO records (collection, id, data) VALUES ('channels', 'slack:C1', $1), ('invitations', 'i1', $2)`, [
      JSON.stringify(subscription),
      JSON.stringify(invitation),
    ]);
    await query(url, `UPDATE store_state SET data_schema_version = 4`);
    const [a, b] = await Promise.all([open(url), open(url)]);
    for (const store of [a, b]) {
      expect(store.get('notificationSubscriptions', 'slack:C1')).toMatchObject({ conversationId: 'C1', name: '#sales' });
      expect(store.get('invitations', 'i1')).toMatchObject({ acquisition: 'microsoft-referral', draftMessage: { channel: 'C0SALES' } });
      expect(store.get('invitations', 'i1')).not.toHaveProperty('channel');
    }
    expect(await query(url, 'SELECT collection, id FROM records ORDER BY collection')).toEqual([
      { collection: 'invitations', id: 'i1' },
      { collection: 'notificationSubscriptions', id: 'slack:C1' },
    ]);
    const [row] = await query<{ data: Record<string, unknown> }>(url, `SELECT data FROM records WHERE collection = 'invitations'`);
    expect(row!.data).toMatchObject({ acquisition: 'microsoft-referral', draftMessage: { channel: 'C0SALES' } });
    expect(row!.data).not.toHaveProperty('channel');
    expect(await query(url, 'SELECT data_schema_version FROM store_state')).toEqual([{ data_schema_version: SCHEMA_VERSION }]);
    // Written afterwards under the new name, and seen by the other replica.
    await a.transact((tx) => tx.delete('notificationSubscriptions', 'slack:C1'));
    await b.sync();
    expect(b.count('notificationSubscriptions')).toBe(0);
  });

  it('upgrades the records under the write lock: a commit of a version-4 replica in flight is upgraded too', async () => {
    const url = await testDatabase();
    await (await openPgStore({ url })).close();
    await query(url, `UPDATE store_state SET data_schema_version = 4`);
    const at = '2026-11-23T10:00:00.000Z';
    const who = { platform: 'slack', userId: 'UADMIN', displayName: 'Admin' };
    const subscription = { id: 'slack:C2', platform: 'slack', conversationId: 'C2', name: '#news', reference: null, locale: 'en', createdBy: who, createdAt: at };
    const waiting = `SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
    // A replica of version 4 in the middle of a commit: it holds the write lock.
    const old = new pg.Client({ connectionString: url });
    await old.connect();
    try {
      await old.query('BEGIN');
      await old.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, WRITE_LOCK]);
      const opening = open(url);
      // The new replica waits for the lock before upgrading anything.
      await expect
        .poll(async () => (await query(url, waiting))[0]!.n, { timeout: 5_000 })
        .toBe(1);
      await old.query(`INSERT INTO records (collection, id, data) VALUES ('channels', 'slack:C2', $1)`, [JSON.stringify(subscription)]);
      await old.query('COMMIT');
      const store = await opening;
      expect(store.get('notificationSubscriptions', 'slack:C2')).toMatchObject({ name: '#news' });
      expect(await query(url, `SELECT count(*)::int AS n FROM records WHERE collection = 'channels'`)).toEqual([{ n: 0 }]);
    } finally {
      await old.end();
    }
  });

  it('a replica still running after a newer version upgraded the records refuses to write and reports unhealthy', async () => {
    const url = await testDatabase();
    const store = await open(url);
    await query(url, `UPDATE store_state SET data_schema_version = ${SCHEMA_VERSION + 1}`);
    await expect(store.transact((tx) => tx.put('providers', provider('p1')))).rejects.toThrow(
      /upgraded to data schema version .* replace this replica/,
    );
    expect(store.count('providers')).toBe(0);
    expect(store.healthy).toBe(false);
  });

  it('refuses records that break the schema, naming the record and the field', async () => {
    const url = await testDatabase();
    await (await openPgStore({ url })).close();
    await query(
      url,
      `INSERT INTO records (collection, id, data) VALUES ('providers', 'p1', '{"id":"p1","name":"","tenantId":null,"createdAt":"2026-11-23T10:00:00.000Z"}')`,
    );
    await expect(openPgStore({ url })).rejects.toThrow(/providers\/p1 does not match the schema \(name: /);
  });

  it('refuses an unreachable database clearly, without its password', async () => {
    const port = await freePort();
    const error = await openPgStore({ url: `postgres://bot:s3cret-pass@127.0.0.1:${port}/csp` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toContain(`Cannot use the database postgres://bot:***@127.0.0.1:${port}/csp: it cannot be reached (`);
    expect((error as Error).message).not.toContain('s3cret-pass');
  });
});
