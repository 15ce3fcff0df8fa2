/**
 * Holds on records, shared by the replicas (Cluster.hold): a session-level advisory lock per
 * record, taken on one connection this replica keeps for them alone, then the record re-read from
 * the database. A hold has no lease: PostgreSQL lets it go when it is released or when that
 * connection ends, which is at once when the replica's process dies (its sockets close), and
 * within about 10 s when its host vanishes (the server's TCP keepalives below). A live replica
 * keeps what it holds however long its work takes, so no second replica starts the same work
 * while the first is still at it.
 *
 * Why not `SELECT … FOR UPDATE SKIP LOCKED` on the record's row: the lock would be held while the
 * work runs (a post to Teams or Slack), and the store's writer, which updates or deletes that row
 * under the cluster-wide write lock (commit.ts), would wait for it: every write of every replica
 * would stall behind one slow post. An advisory lock locks no row.
 */
import pg from 'pg';
import type { Held } from '../cluster.js';
import type { CollectionName, Collections } from '../schema.js';
import { StoreUnavailableError } from '../store.js';
import { parseRow } from './records.js';

/**
 * The first key of the two-int4 advisory locks that hold records (the second is a hash of the
 * record's collection and id); distinct from the writers' and migrations' LOCK_SPACE.
 */
export const HOLD_LOCK_SPACE = 0x637371; // "csq"

/** Server-side TCP keepalive for the holds' connection: a vanished host's holds end within ~10 s. */
const KEEPALIVE_SQL = 'SET tcp_keepalives_idle = 4; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3';

export interface RecordHoldsOptions {
  url: string;
  /** Shown in pg_stat_activity: which replica holds what. */
  applicationName: string;
  /** The database, as named in messages (no password). */
  where: string;
  onError?: (error: unknown, what: string) => void;
}

/** One hold as this replica sees it: on which connection, and whether that connection still has it. */
interface HoldState {
  client: pg.Client | null;
  held: boolean;
}

export class RecordHolds {
  private current: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  /** Every hold taken or being taken here, by key, kept until released (even once lost). */
  private readonly holding = new Map<string, HoldState>();
  private closed = false;
  /** The queries on the holds' connection, one after the other (node-postgres wants no overlap). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RecordHoldsOptions) {}

  /** See Cluster.hold. */
  async hold<C extends CollectionName>(collection: C, id: string): Promise<Held<Collections[C]> | null> {
    const key = `${collection}/${id}`;
    // A second caller in this process: advisory locks are re-entrant within a session, so the
    // database would say yes twice. One holder per record, here too.
    if (this.holding.has(key)) return null;
    const state: HoldState = { client: null, held: false };
    this.holding.set(key, state);
    let client: pg.Client | null = null;
    try {
      client = await this.connect();
      state.client = client;
      const locked = await this.query<{ locked: boolean }>(client, 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
        HOLD_LOCK_SPACE,
        key,
      ]);
      if (!locked.rows[0]!.locked) {
        this.holding.delete(key);
        return null;
      }
      state.held = true;
      // A statement of its own, so its snapshot is taken after the lock: whatever the previous
      // holder committed before releasing (the delivery deleted as sent) is seen here.
      const found = await this.query<{ data: unknown }>(client, 'SELECT data FROM records WHERE collection = $1 AND id = $2', [
        collection,
        id,
      ]);
      if (found.rows.length === 0) {
        await this.release(key, state);
        return null;
      }
      let record: Collections[C];
      try {
        // Checked as every record this replica loads is; a conditional type TypeScript cannot
        // resolve for a generic collection, hence the widening to the collection's record.
        record = parseRow<CollectionName>(this.options.where, collection, found.rows[0]!.data, key) as Collections[C];
      } catch (error) {
        // A record this version cannot read: let go of it alone, the connection is fine.
        await this.release(key, state);
        throw error;
      }
      return {
        record,
        get held() {
          return state.held;
        },
        release: () => this.release(key, state),
      };
    } catch (error) {
      if (!state.held && state.client && this.holding.get(key) !== state) throw error; // let go already
      // The lock may have been taken without our knowing (a timeout, a dropped reply): ending the
      // connection is the one sure way to let it go.
      if (client) this.drop(client);
      this.holding.delete(key);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.current ?? (await this.connecting?.catch(() => null));
    if (client) {
      this.lost(client);
      await client.end().catch(() => {});
    }
  }

  private async release(key: string, state: HoldState): Promise<void> {
    if (this.holding.get(key) === state) this.holding.delete(key);
    if (!state.held || !state.client) return;
    state.held = false;
    const client = state.client;
    await this.query(client, 'SELECT pg_advisory_unlock($1, hashtext($2))', [HOLD_LOCK_SPACE, key]).catch((error: unknown) => {
      this.options.onError?.(error, 'record holds');
      this.drop(client);
    });
  }

  private query<R extends pg.QueryResultRow>(client: pg.Client, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const result = this.queue.then(() => client.query<R>(text, values));
    this.queue = result.catch(() => {});
    return result;
  }

  /** The holds' connection, opened when first needed and again after it dropped. */
  private connect(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('The store is closed.'));
    if (this.current) return Promise.resolve(this.current);
    this.connecting ??= this.open().then(
      (client) => {
        this.connecting = null;
        this.current = client;
        return client;
      },
      (error: unknown) => {
        this.connecting = null;
        throw error;
      },
    );
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: this.options.applicationName,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      // A hold is two short statements; one that hangs means the connection is gone.
      query_timeout: 10_000,
    });
    client.on('error', (error) => {
      this.options.onError?.(error, 'record holds');
      this.drop(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(KEEPALIVE_SQL);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return client;
  }

  /** Ends a connection that may still hold locks it should not: the server lets every one go. */
  private drop(client: pg.Client): void {
    this.lost(client);
    void client.end().catch(() => {});
  }

  /** The connection is gone, and with it every lock it held: those holds are lost, not released. */
  private lost(client: pg.Client): void {
    for (const state of this.holding.values()) if (state.client === client) state.held = false;
    if (this.current === client) this.current = null;
  }
}
