/**
 * Opening the snapshot: today's shape read record by record (snapshot-reader.ts), an older shape
 * read whole and migrated, anything else refused with a sentence that names the file.
 */
import { copyFile, readFile } from 'node:fs/promises';
import type { Low } from 'lowdb';
import { migrate } from './migrations.js';
import { MemoryState } from './memory-state.js';
import {
  SCHEMA_VERSION,
  Snapshot,
  collectionNames,
  collections,
  type CollectionName,
  type Collections,
  type Customer,
  type Partner,
} from './schema.js';
import { arrayElements, isArraySpan, parseSpan, topLevelMembers, type Span } from './snapshot-reader.js';
import { StoreOpenError } from './store.js';
import { ValuePool } from './compact-records.js';
import { DetailsFile, customerReadingDetails } from './customer-details.js';

type AnyRecord = Collections[CollectionName];

export function emptySnapshot(): Snapshot {
  const snap: Record<string, unknown> = { schemaVersion: SCHEMA_VERSION, journalSeq: 0, partner: null };
  for (const name of collectionNames) snap[name] = [];
  return snap as Snapshot;
}

/** What the store starts from: the snapshot's head, and its records (parsed as they are read). */
export interface LoadedSnapshot {
  partner: Partner | null;
  journalSeq: number;
  records: Iterable<{ collection: CollectionName; id: string; record: AnyRecord }>;
  /** Where customers' lists are read from once the records are read; null when they are all in memory. */
  details(): DetailsFile | null;
}

export async function loadSnapshot(file: string, low: Low<Snapshot>): Promise<{ snapshot: LoadedSnapshot; migrated: boolean }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    low.data = emptySnapshot();
    await low.write();
    return { snapshot: loadedFrom(low.data), migrated: false };
  }
  const notJson = (error: unknown) =>
    new StoreOpenError(file, `it is not valid JSON (${(error as Error).message}). Restore it from a backup or move it away.`);
  // Today's shape is read record by record; anything else whole: an older shape to be migrated (it
  // is rewritten at once), or a file that is not what it should be, refused as it always was.
  const current = currentShape(bytes);
  if (current) return { snapshot: readCurrent(file, bytes, current, notJson), migrated: false };
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw notJson(error);
  }
  if (raw === null) {
    low.data = emptySnapshot();
    await low.write();
    return { snapshot: loadedFrom(low.data), migrated: false };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new StoreOpenError(file, 'it does not hold a JSON object');
  let migrated;
  try {
    migrated = migrate(raw as Record<string, unknown>);
  } catch (error) {
    throw new StoreOpenError(file, (error as Error).message);
  }
  const parsed = Snapshot.safeParse(migrated.data);
  if (!parsed.success) throw schemaError(file, parsed.error.issues);
  if (migrated.migratedFrom !== null) {
    // Keep the original beside the upgraded file; the snapshot is rewritten after opening.
    await copyFile(file, `${file}.v${migrated.migratedFrom}.bak`);
  }
  return { snapshot: loadedFrom(parsed.data), migrated: migrated.migratedFrom !== null };
}

/** The top-level members when the file is an object whose schemaVersion is this one's; else null. */
function currentShape(bytes: Buffer): ReturnType<typeof topLevelMembers> | null {
  try {
    const members = topLevelMembers(bytes);
    const version = members.find((m) => m.key === 'schemaVersion');
    return version && parseSpan(bytes, version.value) === SCHEMA_VERSION ? members : null;
  } catch {
    return null;
  }
}

/**
 * A snapshot in today's shape: its head checked now, its records checked one by one as the store
 * takes them (snapshot-reader.ts), so the parsed file is never held whole beside the records.
 */
function readCurrent(
  file: string,
  bytes: Buffer,
  members: ReturnType<typeof topLevelMembers>,
  notJson: (error: unknown) => Error,
): LoadedSnapshot {
  const head: Record<string, unknown> = {};
  const arrays: Array<[CollectionName, Span]> = [];
  try {
    for (const { key, value } of members) {
      if ((collectionNames as string[]).includes(key) && isArraySpan(bytes, value)) {
        head[key] = [];
        arrays.push([key as CollectionName, value]);
      } else head[key] = parseSpan(bytes, value);
    }
  } catch (error) {
    throw notJson(error);
  }
  const checked = Snapshot.safeParse(head);
  if (!checked.success) throw schemaError(file, checked.error.issues);
  // Customers' lists stay in the file, read back when asked for (customer-details.ts).
  let details: DetailsFile | null = null;
  const spans = new Map<string, number>();
  const pool = new ValuePool();
  function* records() {
    for (const [collection, span] of arrays) {
      const elements = arrayElements(bytes, span);
      for (let index = 0; ; index++) {
        let data: unknown;
        let at: Span;
        try {
          const next = elements.next();
          if (next.done) break;
          at = next.value;
          data = parseSpan(bytes, at);
        } catch (error) {
          throw notJson(error);
        }
        const result = collections[collection].safeParse(data);
        if (!result.success) throw schemaError(file, result.error.issues, [collection, index]);
        let record = result.data as AnyRecord;
        if (collection === 'customers' && DetailsFile.fits(at.start, at.end)) {
          details ??= new DetailsFile(file, spans);
          spans.set(record.id, DetailsFile.span(at.start, at.end));
          record = customerReadingDetails(record as Customer, details, pool);
        }
        yield { collection, id: record.id, record };
      }
    }
  }
  return {
    partner: checked.data.partner,
    journalSeq: checked.data.journalSeq,
    records: { [Symbol.iterator]: records },
    details: () => details,
  };
}

function schemaError(
  file: string,
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
  at: PropertyKey[] = [],
): StoreOpenError {
  const text = issues
    .slice(0, 5)
    .map((i) => `${[...at, ...i.path].map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return new StoreOpenError(file, `it does not match the schema (${text}). The file was left untouched.`);
}

/** The in-memory state of a snapshot (reading its records, which may throw a StoreOpenError). */
export function memoryFrom(snapshot: LoadedSnapshot): MemoryState {
  // Unlike the PostgreSQL store, a delete of a record that is not there is told to the watchers.
  const memory = new MemoryState({ tellDeletesOfAbsent: true });
  try {
    memory.replaceAll(snapshot.partner, snapshot.records);
  } catch (error) {
    snapshot.details()?.close();
    throw error;
  }
  memory.seq = snapshot.journalSeq;
  return memory;
}

export function loadedFrom(snapshot: Snapshot): LoadedSnapshot {
  return { partner: snapshot.partner, journalSeq: snapshot.journalSeq, records: snapshotRecords(snapshot), details: () => null };
}

function* snapshotRecords(snapshot: Snapshot): Generator<{ collection: CollectionName; id: string; record: AnyRecord }> {
  for (const collection of collectionNames) for (const record of snapshot[collection]) yield { collection, id: record.id, record };
}
