/**
 * What the database holds, checked before this replica believes it: every record against its
 * collection's schema when all are loaded, every op of the change feed before it is applied. One
 * that does not match stops the replica with a sentence naming it.
 */
import type pg from 'pg';
import { checkOp } from '../memory-state.js';
import { upgradeOp } from '../migrations.js';
import { collectionNames, collections, Partner, type CollectionName, type Collections } from '../schema.js';
import type { JournalOp } from '../journal.js';
import { DatabaseOpenError } from './connection.js';
import { ValuePool } from '../compact-records.js';

/** The partner record's row: not a collection, so no collection name can clash with it. */
export const PARTNER_KEY = { collection: '$partner', id: 'partner' } as const;

type Parsed<C extends CollectionName | null> = C extends CollectionName ? Collections[C] : Partner;

/** `data` checked against the schema of `collection` (null: the partner record); `where` names the database. */
export function parseRow<C extends CollectionName | null>(where: string, collection: C, data: unknown, what: string): Parsed<C> {
  const result = (collection ? collections[collection] : Partner).safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new DatabaseOpenError(
      where,
      `the record ${what} does not match the schema (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
    );
  }
  return result.data as Parsed<C>;
}

/** An op of change `seq`, in the current shape (as the journal's, see migrations.ts), its record checked. */
export function checkFeedOp(where: string, op: JournalOp, seq: number): JournalOp {
  const what = `change ${seq}`;
  const valid = checkOp(upgradeOp(op), (c, r) => parseRow(where, c, r, what));
  if (valid) return valid;
  throw new DatabaseOpenError(where, `${what} holds an operation this version does not know`);
}

export interface LoadedRecords {
  /** The feed position the records are at. */
  seq: number;
  partner: Partner | null;
  records: Array<{ collection: CollectionName; id: string; record: Collections[CollectionName] }>;
}

/** Rows read per query at start: the parsed rows of one page are garbage before the next is read. */
const LOAD_PAGE = 2_000;

/**
 * Every record and the feed position, from one snapshot of the database. Read a page at a time
 * and each record compacted as it comes (compact-records.ts), so the rows as the driver parsed
 * them are never all held at once beside the records kept.
 */
export async function loadRecords(client: pg.ClientBase, where: string): Promise<LoadedRecords> {
  const pool = new ValuePool();
  const records: LoadedRecords['records'] = [];
  let partner: Partner | null = null;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const head = await client.query<{ seq: string }>(
      `SELECT GREATEST(COALESCE((SELECT max(seq) FROM changes), 0), (SELECT pruned_through FROM store_state WHERE id = 1))::text AS seq`,
    );
    const seq = Number(head.rows[0]!.seq);
    let after: [string, string] | null = null;
    for (;;) {
      const page: pg.QueryResult<{ collection: string; id: string; data: Record<string, unknown> }> = await client.query(
        after
          ? 'SELECT collection, id, data FROM records WHERE (collection, id) > ($1, $2) ORDER BY collection, id LIMIT $3'
          : 'SELECT collection, id, data FROM records ORDER BY collection, id LIMIT $1',
        after ? [...after, LOAD_PAGE] : [LOAD_PAGE],
      );
      for (const row of page.rows) {
        if (row.collection === PARTNER_KEY.collection) {
          partner = pool.compact(parseRow(where, null, row.data, `partner`));
          continue;
        }
        if (!(collectionNames as string[]).includes(row.collection)) continue; // a collection this version no longer has
        const c = row.collection as CollectionName;
        records.push({ collection: c, id: row.id, record: pool.compact(parseRow(where, c, row.data, `${c}/${row.id}`)) });
      }
      if (page.rows.length < LOAD_PAGE) break;
      const last = page.rows[page.rows.length - 1]!;
      after = [last.collection, last.id];
    }
    await client.query('COMMIT');
    return { seq, partner, records };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
