/**
 * The change feed: the `changes` table, one row per commit, its seq in commit order (one writer at
 * a time). A replica LISTENs for the NOTIFY sent with every commit and reads the rows after the
 * last one it applied; a poll is the safety net. Old rows are pruned (see commit.ts): a replica
 * that fell behind the pruning reloads every record instead.
 */
import pg from 'pg';
import type { JournalOp } from '../journal.js';

/** The NOTIFY channel every commit announces its seq on. */
export const NOTIFY_CHANNEL = 'csp_store_changes';
/** Feed rows read at a time. */
export const FEED_PAGE = 10_000;

export type FeedRow = { seq: string; ops: JournalOp[] };

/** The rows as entries to replay in memory. */
export function feedEntries(rows: FeedRow[]): Array<{ seq: number; ops: JournalOp[] }> {
  return rows.map((row) => ({ seq: Number(row.seq), ops: row.ops }));
}

/** From one snapshot: how far the feed was pruned, and the rows after `seq` (a page at most). */
export async function readFeedAfter(client: pg.ClientBase, seq: number): Promise<{ pruned: number; rows: FeedRow[] }> {
  // Ordered by the column, `changes.seq`: a bare `seq` would be the text alias, and "10" sorts
  // before "9", so a replica catching up across such a step skipped the rows after its position.
  const results = (await client.query(
    `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
     SELECT pruned_through::text AS pruned FROM store_state WHERE id = 1;
     SELECT seq::text AS seq, ops FROM changes WHERE seq > ${seq} ORDER BY changes.seq LIMIT ${FEED_PAGE};
     COMMIT`,
  )) as unknown as pg.QueryResult[];
  return { pruned: Number((results[1]!.rows[0] as { pruned: string }).pruned), rows: results[2]!.rows as FeedRow[] };
}

export interface ChangeListenerOptions {
  url: string;
  /** A commit announced its seq. */
  onNotify: (seq: number) => void;
  /** Listening (again): what was committed meanwhile was not announced. */
  onListening: () => void;
  onError?: (error: unknown, what: string) => void;
}

/** The LISTEN connection; when it drops, it reconnects after a pause (the poll covers the gap). */
export class ChangeListener {
  private client: pg.Client | null = null;
  private closed = false;

  constructor(private readonly options: ChangeListenerOptions) {}

  async start(): Promise<void> {
    const { options } = this;
    const client = new pg.Client({ connectionString: options.url, keepAlive: true });
    client.on('notification', (message) => options.onNotify(Number(message.payload)));
    client.on('error', (error) => {
      options.onError?.(error, 'change notifications');
      if (this.client !== client) return;
      this.client = null;
      void client.end().catch(() => {});
      const retry = setTimeout(() => {
        if (!this.closed) this.start().catch((err: unknown) => options.onError?.(err, 'change notifications'));
      }, 1_000);
      retry.unref();
    });
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    options.onListening();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
