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

/** Every record and the feed position, from one snapshot of the database. */
export async function loadRecords(client: pg.ClientBase, where: string): Promise<LoadedRecords> {
  const results = (await client.query(
    `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
     SELECT GREATEST(COALESCE((SELECT max(seq) FROM changes), 0), (SELECT pruned_through FROM store_state WHERE id = 1))::text AS seq;
     SELECT collection, id, data FROM records;
     COMMIT`,
  )) as unknown as pg.QueryResult[];
  const seq = Number((results[1]!.rows[0] as { seq: string }).seq);
  const records: LoadedRecords['records'] = [];
  let partner: Partner | null = null;
  for (const row of results[2]!.rows as Array<{ collection: string; id: string; data: Record<string, unknown> }>) {
    if (row.collection === PARTNER_KEY.collection) {
      partner = parseRow(where, null, row.data, `partner`);
      continue;
    }
    if (!(collectionNames as string[]).includes(row.collection)) continue; // a collection this version no longer has
    const c = row.collection as CollectionName;
    records.push({ collection: c, id: row.id, record: parseRow(where, c, row.data, `${c}/${row.id}`) });
  }
  return { seq, partner, records };
}
