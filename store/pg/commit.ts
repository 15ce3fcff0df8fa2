/**
 * Writing: one database transaction for a batch of `transact` calls (those queued while the
 * previous batch was committing: a group commit). It takes the write lock (one writer at a time
 * across replicas), first applies the changes other replicas committed since this one last looked
 * (the catch-up), then runs the functions one after the other on that fresh state, writes the
 * records and one row of the `changes` table (the feed, see feed.ts), and commits. So no update is
 * lost and a state check ("accepted already?", "confirmed already?") holds across replicas.
 */
import type pg from 'pg';
import { collectInto, type MemoryState, type Undo } from '../memory-state.js';
import { SCHEMA_VERSION } from '../schema.js';
import { StoreUnavailableError, type StoreReader, type Tx } from '../store.js';
import { UnstorableValueError } from '../storable.js';
import type { JournalOp } from '../journal.js';
import { describe } from './connection.js';
import { NOTIFY_CHANNEL, type FeedRow } from './feed.js';
import { LOCK_SPACE, WRITE_LOCK } from './migrations.js';
import { PARTNER_KEY } from './records.js';

/** One `transact` call waiting for its commit. */
export interface Pending {
  fn: (tx: Tx, read: StoreReader) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** What the replica reports about itself; the writer sets it as commits succeed or fail. */
export interface Health {
  /** The last commit or feed read failed. */
  failing: boolean;
  /** The database was upgraded by a newer version: no more writes from this one. */
  outdated: boolean;
}

export interface BatchWriterOptions {
  pool: pg.Pool;
  memory: MemoryState;
  /** What the functions read: the replica's state as it is updated. */
  reader: StoreReader;
  health: Health;
  /** Reloads every record (the replica is behind the pruned feed). */
  reload: () => Promise<void>;
  /** Applies feed rows in memory, checked. */
  applyFeed: (rows: FeedRow[]) => void;
  /** Change rows older than this are pruned. */
  keepChangesMs: number;
  /** How often this replica prunes (in one of its commits). */
  pruneEveryMs: number;
}

export class BatchWriter {
  private lastPrune = 0;

  constructor(private readonly options: BatchWriterOptions) {}

  /** Commits the batch, answering each call: resolved once durable, or rejected. */
  async commit(batch: Pending[]): Promise<void> {
    const { pool, memory, health } = this.options;
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      health.failing = true;
      for (const p of batch) p.reject(new StoreUnavailableError(`Could not save: the database cannot be reached (${describe(error)})`));
      return;
    }
    const undo: Undo[] = [];
    const done: Array<{ p: Pending; result: unknown }> = [];
    const ran = new Set<Pending>();
    let broken = false;
    let writing = false;
    let refused: { pending: Pending[]; why: string } | null = null;
    try {
      await this.lockAndCatchUp(client);
      const ops: JournalOp[] = [];
      for (const p of batch) {
        ran.add(p);
        const mine: JournalOp[] = [];
        let result: unknown;
        try {
          // A record the store cannot keep throws here (collectInto): that caller alone is refused.
          result = p.fn(collectInto(mine), this.options.reader);
        } catch (error) {
          p.reject(error);
          continue;
        }
        undo.push(...memory.apply(mine));
        ops.push(...mine);
        done.push({ p, result });
      }
      writing = true;
      const seq = ops.length > 0 ? await this.write(client, ops) : memory.seq;
      writing = false;
      await client.query('COMMIT');
      memory.seq = seq;
      health.failing = false;
      for (const { p, result } of done) p.resolve(result);
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      // Memory goes back to what the database holds. Had the commit gone through after all (the
      // connection died during COMMIT), the feed brings it back, as the feed position did not move.
      memory.undo(undo);
      if (writing && rolledBack && isRefusedValue(error)) {
        // The database is fine and refused a value of one of these transactions: not a reason to
        // look unhealthy, nor to refuse the others. Each is tried again alone, below.
        refused = { pending: done.map((d) => d.p), why: describe(error) };
      } else {
        broken = true;
        health.failing = true;
        // Those whose function threw were answered already; every other one is refused.
        const answered = new Set(batch.filter((p) => !done.some((d) => d.p === p) && ran.has(p)));
        for (const p of batch) if (!answered.has(p)) p.reject(new StoreUnavailableError(`Could not save: ${describe(error)}`));
      }
    } finally {
      client.release(broken);
    }
    if (refused === null) return;
    if (refused.pending.length === 1) {
      refused.pending[0]!.reject(new UnstorableValueError(`Refused a write: the database cannot keep one of its values (${refused.why})`));
      return;
    }
    // One at a time, in the order they came: only the transaction that holds the value fails.
    for (const p of refused.pending) await this.commit([p]);
  }

  /** Opens the transaction, takes the write lock, and brings memory up to what is committed. */
  private async lockAndCatchUp(client: pg.PoolClient): Promise<void> {
    const { memory } = this.options;
    const results = (await client.query(
      `BEGIN;
       SELECT pg_advisory_xact_lock(${LOCK_SPACE}, ${WRITE_LOCK});
       SELECT pruned_through::text AS pruned, data_schema_version AS version FROM store_state WHERE id = 1;
       SELECT seq::text AS seq, ops FROM changes WHERE seq > ${memory.seq} ORDER BY changes.seq`,
    )) as unknown as pg.QueryResult[];
    const state = results[2]!.rows[0] as { pruned: string; version: number };
    if (state.version > SCHEMA_VERSION) {
      // A newer version of the bot upgraded the records during a deploy: writing them in this
      // version's shape could drop what it added. This replica refuses and reports unhealthy.
      this.options.health.outdated = true;
      throw new StoreUnavailableError(
        `the database was upgraded to data schema version ${state.version} by a newer version of the bot; replace this replica`,
      );
    }
    // Catch up with what other replicas committed: the functions must see the latest state.
    // Behind the pruned feed: a full reload (under the lock nothing commits meanwhile).
    if (Number(state.pruned) > memory.seq) await this.options.reload();
    else this.options.applyFeed(results[3]!.rows as FeedRow[]);
  }

  /** Writes the records the ops leave and their feed row (and prunes, now and then); returns its seq. */
  private async write(client: pg.PoolClient, ops: JournalOp[]): Promise<number> {
    const { upserts, deletes } = finalStates(ops);
    const prune = Date.now() - this.lastPrune >= this.options.pruneEveryMs;
    const written = await client.query<{ seq: string }>(
      `WITH up AS (
         INSERT INTO records (collection, id, data)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
         ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data
       ), del AS (
         DELETE FROM records r USING unnest($4::text[], $5::text[]) AS d(collection, id)
         WHERE r.collection = d.collection AND r.id = d.id
       ), ch AS (
         INSERT INTO changes (ops) VALUES ($6::jsonb) RETURNING seq
       )
       SELECT seq::text AS seq, pg_notify('${NOTIFY_CHANNEL}', seq::text) FROM ch`,
      [
        upserts.map((u) => u.collection),
        upserts.map((u) => u.id),
        upserts.map((u) => JSON.stringify(u.data)),
        deletes.map((d) => d.collection),
        deletes.map((d) => d.id),
        JSON.stringify(ops),
      ],
    );
    const seq = Number(written.rows[0]!.seq);
    if (prune) {
      // Old feed rows and expired claims; under the write lock, so the prune point is exact.
      await client.query(
        `WITH gone AS (DELETE FROM changes WHERE committed_at < now() - $1 * interval '1 millisecond' AND seq < $2 RETURNING seq)
         UPDATE store_state SET pruned_through = GREATEST(pruned_through, (SELECT max(seq) FROM gone)) WHERE id = 1 AND EXISTS (SELECT 1 FROM gone)`,
        [this.options.keepChangesMs, seq],
      );
      await client.query(`DELETE FROM claims WHERE expires_at < now() - interval '1 minute'`);
      this.lastPrune = Date.now();
    }
    return seq;
  }
}

/**
 * PostgreSQL refused a value, not the work: a data exception (SQLSTATE class 22, e.g. 22P05 for a
 * character `text` cannot hold) or a value past one of its limits (class 54).
 */
function isRefusedValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

/** The last state of each record a batch touched: what the `records` table must hold after it. */
function finalStates(ops: JournalOp[]) {
  const last = new Map<string, { collection: string; id: string; data: unknown | null }>();
  for (const op of ops) {
    const key = op.op === 'partner' ? PARTNER_KEY : { collection: op.c as string, id: op.op === 'put' ? op.r.id : op.id };
    const data = op.op === 'del' ? null : op.r;
    last.set(`${key.collection}\u0000${key.id}`, { ...key, data });
  }
  const upserts: Array<{ collection: string; id: string; data: unknown }> = [];
  const deletes: Array<{ collection: string; id: string }> = [];
  for (const entry of last.values()) (entry.data === null ? deletes : upserts).push(entry);
  return { upserts, deletes };
}
