/**
 * The PostgreSQL store, for two replicas or more on one database (DATABASE_URL). Same contract as
 * the embedded store: reads from memory, `transact` runs its function synchronously against the
 * latest state and resolves once the writes are durable, `watch` sees every change.
 *
 * - Every replica keeps all records in memory, loaded at start.
 * - Writers are serialised across replicas by one transaction-level advisory lock. A batch of
 *   `transact` calls (those queued while the previous batch was committing: a group commit) takes
 *   the lock, first applies the changes other replicas committed since this one last looked
 *   (the catch-up), then runs the functions one after the other on that fresh state, writes the
 *   records and one row of the `changes` table, and commits. So no update is lost and a state
 *   check ("accepted already?", "confirmed already?") holds across replicas.
 * - The `changes` table is the feed: its seq is in commit order (one writer at a time). Each
 *   replica LISTENs for the NOTIFY sent with every commit and reads the new rows, and polls as a
 *   safety net; reads see other replicas' writes within milliseconds, a poll interval at worst.
 *   Old rows are pruned; a replica that fell behind the pruning reloads every record.
 * - `cluster` gives the replicas leases and once-only keys (the `claims` table) and shared secrets.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { MemoryState, ReadsFromMemory, checkOp, collectInto, type Undo } from './memory-state.js';
import { SCHEMA_VERSION, collectionNames, collections, Partner, type CollectionName, type Collections } from './schema.js';
import { StoreOpenError, StoreUnavailableError, type Store, type StoreReader, type Tx } from './store.js';
import type { JournalOp } from './journal.js';
import type { Cluster } from './cluster.js';
import { DatabaseTooNewError, LOCK_SPACE, WRITE_LOCK, applyMigrations } from './pg/migrations.js';

export interface PgStoreOptions {
  /** postgres://user:password@host:5432/database?sslmode=verify-full */
  url: string;
  /** How often the change feed is read when no NOTIFY came (a safety net). */
  pollMs?: number;
  /** Connections for commits, feed reads and claims. */
  poolSize?: number;
  /** Change rows older than this are pruned (a replica further behind reloads everything). */
  keepChangesMs?: number;
  /** How often a replica prunes the feed and expired claims (in one of its commits). */
  pruneEveryMs?: number;
  /** Called with errors of the background work (feed, listener); they are retried. */
  onError?: (error: unknown, what: string) => void;
}

const CHANNEL = 'csp_store_changes';
/** The partner record's row: not a collection, so no collection name can clash with it. */
const PARTNER_KEY = { collection: '$partner', id: 'partner' } as const;
const MAX_BATCH = 1_000;
/** Feed rows read at a time. */
const FEED_PAGE = 10_000;

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the DATABASE_URL (not a valid URL)';
  }
}

/** Refused at start-up: the database cannot be reached, or is newer than this code. */
export class DatabaseOpenError extends StoreOpenError {
  constructor(where: string, problem: string) {
    super(where, problem);
    this.message = `Cannot use the database ${where}: ${problem}`;
  }
}

type FeedRow = { seq: string; ops: JournalOp[] };
type Parsed<C extends CollectionName | null> = C extends CollectionName ? Collections[C] : Partner;

interface Pending {
  fn: (tx: Tx, read: StoreReader) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface PgStoreHandle extends Store {
  readonly cluster: Cluster;
  /** This replica's name in claims (host, process, random). */
  readonly replicaId: string;
  /** The last change applied in memory (tests). */
  readonly seq: number;
  /** Reads the change feed now and applies what is new; resolves once applied. */
  sync(): Promise<void>;
}

/** Connects, migrates (under an advisory lock) and loads every record; refuses clearly when it cannot. */
export async function openPgStore(options: PgStoreOptions): Promise<PgStoreHandle> {
  const where = redactUrl(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // A replica frozen in the middle of a commit must not hold the write lock for ever.
    idle_in_transaction_session_timeout: 15_000,
  });
  // An idle connection that drops must not end the process: the next query reconnects.
  pool.on('error', (error) => options.onError?.(error, 'idle database connection'));
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseOpenError(
      where,
      `it cannot be reached (${describe(error)}). Check DATABASE_URL, the firewall rules and that the server is running.`,
    );
  }
  try {
    await applyMigrations(client);
  } catch (error) {
    client.release(true);
    await pool.end().catch(() => {});
    if (error instanceof DatabaseTooNewError) throw new DatabaseOpenError(where, error.message);
    throw new DatabaseOpenError(where, `its schema could not be brought up to date (${describe(error)})`);
  }
  client.release();
  const store = new PgStore(pool, options);
  try {
    await store.load();
    await store.listen();
  } catch (error) {
    await store.close().catch(() => {});
    if (error instanceof StoreOpenError) throw error;
    throw new DatabaseOpenError(where, `its records could not be loaded (${describe(error)})`);
  }
  store.startPolling();
  return store;
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string } | undefined;
  const text = e?.message || e?.code || String(error);
  return text.replace(/postgres(ql)?:\/\/[^\s]*/g, (url) => redactUrl(url));
}

class PgStore extends ReadsFromMemory implements PgStoreHandle {
  readonly replicaId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly cluster: Cluster;
  private queue: Pending[] = [];
  private feedWanted = false;
  private feedWaiters: Array<() => void> = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private failing = false;
  /** The database was upgraded by a newer version: no more writes from this one. */
  private outdated = false;
  private listener: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  private readonly keepChangesMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgStoreOptions,
  ) {
    super(new MemoryState({ tellDeletesOfAbsent: false }));
    this.keepChangesMs = options.keepChangesMs ?? 10 * 60_000;
    this.cluster = {
      claim: async (key, ttlMs) => {
        const { rowCount } = await this.pool.query(
          `INSERT INTO claims (key, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
           ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at WHERE claims.expires_at <= now()`,
          [key, this.replicaId, Math.max(1, Math.round(ttlMs))],
        );
        return rowCount === 1;
      },
      release: async (key) => {
        await this.pool.query('DELETE FROM claims WHERE key = $1 AND holder = $2', [key, this.replicaId]);
      },
      secret: async (name) => {
        await this.pool.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32)]);
        const { rows } = await this.pool.query<{ value: Buffer }>('SELECT value FROM secrets WHERE name = $1', [name]);
        return rows[0]!.value;
      },
    };
  }

  get seq(): number {
    return this.memory.seq;
  }

  get healthy(): boolean {
    return !this.closed && !this.failing && !this.outdated;
  }

  transact<T>(fn: (tx: Tx, read: StoreReader) => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('The store is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.kick();
    });
  }

  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.feedWaiters.push(resolve);
      this.feedWanted = true;
      this.kick();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.running) await this.running;
    this.closed = true;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }

  // --- start-up -----------------------------------------------------------------------------

  /** Every record and the feed position, from one snapshot of the database. */
  async load(): Promise<void> {
    await this.readOnly(async (client) => {
      const results = (await client.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
         SELECT GREATEST(COALESCE((SELECT max(seq) FROM changes), 0), (SELECT pruned_through FROM store_state WHERE id = 1))::text AS seq;
         SELECT collection, id, data FROM records;
         COMMIT`,
      )) as unknown as pg.QueryResult[];
      const seq = Number((results[1]!.rows[0] as { seq: string }).seq);
      const records = [];
      let partner: Partner | null = null;
      for (const row of results[2]!.rows as Array<{ collection: string; id: string; data: Record<string, unknown> }>) {
        if (row.collection === PARTNER_KEY.collection) {
          partner = this.parse(null, row.data, `partner`);
          continue;
        }
        if (!(collectionNames as string[]).includes(row.collection)) continue; // a collection this version no longer has
        const c = row.collection as CollectionName;
        records.push({ collection: c, id: row.id, record: this.parse(c, row.data, `${c}/${row.id}`) });
      }
      this.memory.replaceAll(partner, records);
      this.memory.seq = seq;
    });
  }

  /**
   * A read on its own connection; after a failure the connection is closed, not handed back,
   * since a multi-statement query that failed half-way leaves it inside an aborted transaction.
   */
  private async readOnly<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const result = await fn(client);
      client.release();
      return result;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  async listen(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.options.url, keepAlive: true });
    listener.on('notification', (message) => {
      if (Number(message.payload) > this.memory.seq) this.requestFeed();
    });
    listener.on('error', (error) => {
      // The poll keeps the replica up to date meanwhile; reconnect after a pause.
      this.options.onError?.(error, 'change notifications');
      if (this.listener !== listener) return;
      this.listener = null;
      void listener.end().catch(() => {});
      const retry = setTimeout(() => {
        if (!this.closed) this.listen().catch((err: unknown) => this.options.onError?.(err, 'change notifications'));
      }, 1_000);
      retry.unref();
    });
    await listener.connect();
    await listener.query(`LISTEN ${CHANNEL}`);
    if (this.closed) {
      await listener.end();
      return;
    }
    this.listener = listener;
    this.requestFeed(); // what was committed while not listening
  }

  startPolling(): void {
    this.timer = setInterval(() => this.requestFeed(), this.options.pollMs ?? 500);
    this.timer.unref();
  }

  private requestFeed(): void {
    if (this.closed) return;
    this.feedWanted = true;
    this.kick();
  }

  // --- the one line of work: commit batches and feed reads, one at a time -------------------------

  private kick(): void {
    this.running ??= this.work().finally(() => {
      this.running = null;
      if (this.queue.length > 0 || this.feedWanted) this.kick();
    });
  }

  private async work(): Promise<void> {
    while (this.queue.length > 0 || this.feedWanted) {
      if (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        // A batch catches up first, which serves anyone waiting for the feed too.
        const waiters = this.feedWaiters.splice(0);
        this.feedWanted = false;
        await this.commit(batch);
        for (const resolve of waiters) resolve();
      } else {
        const waiters = this.feedWaiters.splice(0);
        this.feedWanted = false;
        await this.readFeed().then(
          () => (this.failing = false),
          (error: unknown) => {
            this.failing = true;
            this.options.onError?.(error, 'change feed');
          },
        );
        for (const resolve of waiters) resolve();
      }
    }
  }

  /** Applies the rows of `changes` after the last one applied (or reloads, if they were pruned). */
  private async readFeed(): Promise<void> {
    const results = await this.readOnly(
      async (client) =>
        (await client.query(
          `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
           SELECT pruned_through::text AS pruned FROM store_state WHERE id = 1;
           SELECT seq::text AS seq, ops FROM changes WHERE seq > ${this.memory.seq} ORDER BY seq LIMIT ${FEED_PAGE};
           COMMIT`,
        )) as unknown as pg.QueryResult[],
    );
    if (Number((results[1]!.rows[0] as { pruned: string }).pruned) > this.memory.seq) {
      await this.load();
      return;
    }
    const rows = results[2]!.rows as FeedRow[];
    this.applyFeed(rows);
    if (rows.length === FEED_PAGE) this.feedWanted = true; // more to read: read on at once
  }

  private applyFeed(rows: FeedRow[]): void {
    const entries = rows.map((row) => ({ seq: Number(row.seq), ops: row.ops }));
    this.memory.replay(entries, (op, seq) => this.validateOp(op, seq));
  }

  /** One database transaction for a batch of `transact` calls. */
  private async commit(batch: Pending[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.failing = true;
      for (const p of batch) p.reject(new StoreUnavailableError(`Could not save: the database cannot be reached (${describe(error)})`));
      return;
    }
    const undo: Undo[] = [];
    const done: Array<{ p: Pending; result: unknown }> = [];
    const ran = new Set<Pending>();
    let broken = false;
    try {
      const results = (await client.query(
        `BEGIN;
         SELECT pg_advisory_xact_lock(${LOCK_SPACE}, ${WRITE_LOCK});
         SELECT pruned_through::text AS pruned, data_schema_version AS version FROM store_state WHERE id = 1;
         SELECT seq::text AS seq, ops FROM changes WHERE seq > ${this.memory.seq} ORDER BY seq`,
      )) as unknown as pg.QueryResult[];
      const state = results[2]!.rows[0] as { pruned: string; version: number };
      if (state.version > SCHEMA_VERSION) {
        // A newer version of the bot upgraded the records during a deploy: writing them in this
        // version's shape could drop what it added. This replica refuses and reports unhealthy.
        this.outdated = true;
        throw new StoreUnavailableError(
          `the database was upgraded to data schema version ${state.version} by a newer version of the bot; replace this replica`,
        );
      }
      // Catch up with what other replicas committed: the functions must see the latest state.
      // Behind the pruned feed: a full reload (under the lock nothing commits meanwhile).
      if (Number(state.pruned) > this.memory.seq) await this.load();
      else this.applyFeed(results[3]!.rows as FeedRow[]);

      const ops: JournalOp[] = [];
      for (const p of batch) {
        ran.add(p);
        const mine: JournalOp[] = [];
        let result: unknown;
        try {
          result = p.fn(collectInto(mine), this);
        } catch (error) {
          p.reject(error);
          continue;
        }
        undo.push(...this.memory.apply(mine));
        ops.push(...mine);
        done.push({ p, result });
      }
      let seq = this.memory.seq;
      if (ops.length > 0) {
        const { upserts, deletes } = finalStates(ops);
        const prune = Date.now() - this.lastPrune >= (this.options.pruneEveryMs ?? 60_000);
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
           SELECT seq::text AS seq, pg_notify('${CHANNEL}', seq::text) FROM ch`,
          [
            upserts.map((u) => u.collection),
            upserts.map((u) => u.id),
            upserts.map((u) => JSON.stringify(u.data)),
            deletes.map((d) => d.collection),
            deletes.map((d) => d.id),
            JSON.stringify(ops),
          ],
        );
        seq = Number(written.rows[0]!.seq);
        if (prune) {
          // Old feed rows and expired claims; under the write lock, so the prune point is exact.
          await client.query(
            `WITH gone AS (DELETE FROM changes WHERE committed_at < now() - $1 * interval '1 millisecond' AND seq < $2 RETURNING seq)
             UPDATE store_state SET pruned_through = GREATEST(pruned_through, (SELECT max(seq) FROM gone)) WHERE id = 1 AND EXISTS (SELECT 1 FROM gone)`,
            [this.keepChangesMs, seq],
          );
          await client.query(`DELETE FROM claims WHERE expires_at < now() - interval '1 minute'`);
          this.lastPrune = Date.now();
        }
      }
      await client.query('COMMIT');
      this.memory.seq = seq;
      this.failing = false;
      for (const { p, result } of done) p.resolve(result);
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      // Memory goes back to what the database holds. Had the commit gone through after all (the
      // connection died during COMMIT), the feed brings it back, as the feed position did not move.
      this.memory.undo(undo);
      this.failing = true;
      // Those whose function threw were answered already; every other one is refused.
      const answered = new Set(batch.filter((p) => !done.some((d) => d.p === p) && ran.has(p)));
      for (const p of batch) if (!answered.has(p)) p.reject(new StoreUnavailableError(`Could not save: ${describe(error)}`));
    } finally {
      client.release(broken);
    }
  }

  // --- checking what the database holds ------------------------------------------------------

  /** `data` checked against the schema of `collection` (null: the partner record). */
  private parse<C extends CollectionName | null>(collection: C, data: unknown, what: string): Parsed<C> {
    const result = (collection ? collections[collection] : Partner).safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new DatabaseOpenError(
        redactUrl(this.options.url),
        `the record ${what} does not match the schema (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
      );
    }
    return result.data as Parsed<C>;
  }

  private validateOp(op: JournalOp, seq: number): JournalOp {
    const what = `change ${seq}`;
    const valid = checkOp(op, (c, r) => this.parse(c, r, what));
    if (valid) return valid;
    throw new DatabaseOpenError(redactUrl(this.options.url), `${what} holds an operation this version does not know`);
  }
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
