/**
 * The PostgreSQL store, for two replicas or more on one database (DATABASE_URL). Same contract as
 * the embedded store: reads from memory, `transact` runs its function synchronously against the
 * latest state and resolves once the writes are durable, `watch` sees every change.
 *
 * - Every replica keeps all records in memory, loaded at start (pg/records.ts, which checks them).
 * - Writers are serialised across replicas by one transaction-level advisory lock: a batch of
 *   `transact` calls catches up with the other replicas' commits under it, runs, and commits
 *   (pg/commit.ts). So no update is lost and a state check holds across replicas.
 * - The `changes` table is the feed (pg/feed.ts): each replica LISTENs for the NOTIFY sent with
 *   every commit and reads the new rows, and polls as a safety net; reads see other replicas'
 *   writes within milliseconds, a poll interval at worst. Old rows are pruned; a replica that fell
 *   behind the pruning reloads every record.
 * - `cluster` gives the replicas once-only keys (the `claims` table), holds on records that end
 *   with the holder's connection (pg/claims.ts: session advisory locks, no lease), and shared
 *   secrets (pg/cluster.ts).
 * - The tables are created and upgraded by numbered migrations at start (pg/migrations.ts).
 *
 * This file is the replica itself: opening it, and its one line of work (commit batches and feed
 * reads, one at a time).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { MemoryState, ReadsFromMemory } from '../memory-state.js';
import { StoreOpenError, StoreUnavailableError, untimed, type CommitHook, type Store, type StoreReader, type Tx } from '../store.js';
import type { Cluster } from '../cluster.js';
import { DatabaseTooNewError, applyMigrations } from './migrations.js';
import { DatabaseOpenError, createPool, describe, readOnly, redactUrl } from './connection.js';
import { urlSecrets } from './redact.js';
import { ChangeListener, FEED_PAGE, feedEntries, readFeedAfter, type FeedRow } from './feed.js';
import { BatchWriter, type Health, type Pending } from './commit.js';
import { checkFeedOp, loadRecords } from './records.js';
import { pgCluster } from './cluster.js';
import { RecordHolds } from './claims.js';

export { DatabaseOpenError, redactUrl };

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
  /** Wraps each commit of a batch (the store's write latency, measured from above). */
  onCommit?: CommitHook;
}

const MAX_BATCH = 1_000;

export interface PgStoreHandle extends Store {
  readonly cluster: Cluster;
  /** This replica's name in claims and in pg_stat_activity (host, process, random). */
  readonly replicaId: string;
  /** The last change applied in memory (tests). */
  readonly seq: number;
  /** Reads the change feed now and applies what is new; resolves once applied. */
  sync(): Promise<void>;
}

/** Connects, migrates (under an advisory lock) and loads every record; refuses clearly when it cannot. */
export async function openPgStore(options: PgStoreOptions): Promise<PgStoreHandle> {
  const where = redactUrl(options.url);
  // A failure can quote a secret of the URL on its own (the path of an sslkey that cannot be read).
  const secrets = urlSecrets(options.url);
  const pool = createPool(options.url, options.poolSize ?? 4, options.onError);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseOpenError(
      where,
      `it cannot be reached (${describe(error, secrets)}). Check DATABASE_URL, the firewall rules and that the server is running.`,
    );
  }
  try {
    await applyMigrations(client);
  } catch (error) {
    client.release(true);
    await pool.end().catch(() => {});
    if (error instanceof DatabaseTooNewError) throw new DatabaseOpenError(where, error.message);
    throw new DatabaseOpenError(where, `its schema could not be brought up to date (${describe(error, secrets)})`);
  }
  client.release();
  const store = new PgStore(pool, options);
  try {
    await store.load();
    await store.listen();
  } catch (error) {
    await store.close().catch(() => {});
    if (error instanceof StoreOpenError) throw error;
    throw new DatabaseOpenError(where, `its records could not be loaded (${describe(error, secrets)})`);
  }
  store.startPolling();
  return store;
}

class PgStore extends ReadsFromMemory implements PgStoreHandle {
  readonly replicaId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly cluster: Cluster;
  /** The database, as named in messages (no password). */
  private readonly where: string;
  private readonly health: Health = { failing: false, outdated: false };
  private readonly writer: BatchWriter;
  private readonly listener: ChangeListener;
  private readonly holds: RecordHolds;
  private queue: Pending[] = [];
  private feedWanted = false;
  private feedWaiters: Array<() => void> = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgStoreOptions,
  ) {
    super(new MemoryState({ tellDeletesOfAbsent: false }));
    this.where = redactUrl(options.url);
    this.holds = new RecordHolds({ url: options.url, applicationName: applicationName(this.replicaId), where: this.where, onError: options.onError });
    this.cluster = pgCluster(pool, this.replicaId, this.holds);
    this.writer = new BatchWriter({
      pool,
      memory: this.memory,
      reader: this,
      health: this.health,
      reload: () => this.load(),
      applyFeed: (rows) => this.applyFeed(rows),
      keepChangesMs: options.keepChangesMs ?? 10 * 60_000,
      pruneEveryMs: options.pruneEveryMs ?? 60_000,
    });
    this.listener = new ChangeListener({
      url: options.url,
      onNotify: (seq) => {
        if (seq > this.memory.seq) this.requestFeed();
      },
      onListening: () => this.requestFeed(), // what was committed while not listening
      onError: options.onError,
    });
  }

  get seq(): number {
    return this.memory.seq;
  }

  get healthy(): boolean {
    return !this.closed && !this.health.failing && !this.health.outdated;
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
    await this.holds.close();
    await this.listener.close();
    await this.pool.end().catch(() => {});
  }

  // --- start-up -----------------------------------------------------------------------------

  /** Every record and the feed position, from one snapshot of the database. */
  async load(): Promise<void> {
    const loaded = await readOnly(this.pool, (client) => loadRecords(client, this.where));
    this.memory.replaceAll(loaded.partner, loaded.records);
    this.memory.seq = loaded.seq;
  }

  listen(): Promise<void> {
    return this.listener.start();
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
        await (this.options.onCommit ?? untimed)(() => this.writer.commit(batch));
        for (const resolve of waiters) resolve();
      } else {
        const waiters = this.feedWaiters.splice(0);
        this.feedWanted = false;
        await this.readFeed().then(
          () => (this.health.failing = false),
          (error: unknown) => {
            this.health.failing = true;
            this.options.onError?.(error, 'change feed');
          },
        );
        for (const resolve of waiters) resolve();
      }
    }
  }

  /** Applies the rows of `changes` after the last one applied (or reloads, if they were pruned). */
  private async readFeed(): Promise<void> {
    const { pruned, rows } = await readOnly(this.pool, (client) => readFeedAfter(client, this.memory.seq));
    if (pruned > this.memory.seq) {
      await this.load();
      return;
    }
    this.applyFeed(rows);
    if (rows.length === FEED_PAGE) this.feedWanted = true; // more to read: read on at once
  }

  private applyFeed(rows: FeedRow[]): void {
    this.memory.replay(feedEntries(rows), (op, seq) => checkFeedOp(this.where, op, seq));
  }
}

/** The replica as pg_stat_activity shows it (at most 63 bytes, PostgreSQL's limit). */
export function applicationName(replicaId: string): string {
  return `csp-connect ${replicaId}`.slice(0, 63);
}
