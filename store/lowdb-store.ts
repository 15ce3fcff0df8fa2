/**
 * The embedded store: a lowdb JSON snapshot plus an append-only journal, with all state in memory.
 *
 * - Reads never touch the disk.
 * - `transact` runs its function synchronously (so callers cannot lose each other's updates),
 *   applies the writes in memory, and queues them for the next group commit: every batch that
 *   arrives while a commit is in flight is appended to the journal together, with one fsync.
 * - The snapshot (the lowdb file at DATA_FILE) is rewritten atomically on open, on close and
 *   when the journal grows past `compactBytes`; the journal is then emptied.
 */
import { copyFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Low, Memory } from 'lowdb';
import { migrate } from './migrations.js';
import { DurableJSONFile, acquireLock } from './durable-file.js';
import { JournalWriter, readJournal, type JournalEntry, type JournalOp } from './journal.js';
import {
  SCHEMA_VERSION,
  Snapshot,
  collectionNames,
  collections,
  Partner,
  type CollectionName,
  type Collections,
} from './schema.js';
import { StoreOpenError, StoreUnavailableError, type Store, type StoreReader, type Tx } from './store.js';

export interface LowdbStoreOptions {
  /** The snapshot file; the journal and lock sit beside it. `null` keeps everything in memory. */
  file: string | null;
  /** Journal size that triggers a snapshot rewrite. */
  compactBytes?: number;
  onCompactError?: (error: unknown) => void;
}

type Tables = { [K in CollectionName]: Map<string, Collections[K]> };

interface Pending {
  entry: JournalEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function emptySnapshot(): Snapshot {
  const snap: Record<string, unknown> = { schemaVersion: SCHEMA_VERSION, journalSeq: 0, partner: null };
  for (const name of collectionNames) snap[name] = [];
  return snap as Snapshot;
}

/** Opens (or creates) the store; refuses, without touching it, a file that is not valid. */
export async function openLowdbStore(options: LowdbStoreOptions): Promise<Store> {
  const { file } = options;
  if (file === null) {
    const low = new Low<Snapshot>(new Memory<Snapshot>(), emptySnapshot());
    return new LowdbStore(low, null, null, () => {}, options, emptySnapshot());
  }
  mkdirSync(dirname(file), { recursive: true });
  let release: () => void;
  try {
    release = acquireLock(file);
  } catch (error) {
    throw new StoreOpenError(file, (error as Error).message);
  }
  try {
    const low = new Low<Snapshot>(new DurableJSONFile<Snapshot>(file), emptySnapshot());
    const { snapshot, migrated } = await loadSnapshot(file, low);
    const journalFile = `${file}.journal`;
    const journal = await readJournal(journalFile).catch((error: Error) => {
      throw new StoreOpenError(journalFile, error.message);
    });
    const writer = await JournalWriter.open(journalFile);
    const store = new LowdbStore(low, writer, journalFile, release, options, snapshot);
    store.replay(journal.entries);
    if (journal.entries.length > 0 || journal.tornTail || migrated) await store.compact();
    return store;
  } catch (error) {
    release();
    throw error;
  }
}

async function loadSnapshot(file: string, low: Low<Snapshot>): Promise<{ snapshot: Snapshot; migrated: boolean }> {
  let raw: unknown;
  try {
    raw = await low.adapter.read();
  } catch (error) {
    throw new StoreOpenError(file, `it is not valid JSON (${(error as Error).message}). Restore it from a backup or move it away.`);
  }
  if (raw === null) {
    low.data = emptySnapshot();
    await low.write();
    return { snapshot: low.data, migrated: false };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new StoreOpenError(file, 'it does not hold a JSON object');
  let migrated;
  try {
    migrated = migrate(raw as Record<string, unknown>);
  } catch (error) {
    throw new StoreOpenError(file, (error as Error).message);
  }
  const parsed = Snapshot.safeParse(migrated.data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new StoreOpenError(file, `it does not match the schema (${issues}). The file was left untouched.`);
  }
  if (migrated.migratedFrom !== null) {
    // Keep the original beside the upgraded file; the snapshot is rewritten after opening.
    await copyFile(file, `${file}.v${migrated.migratedFrom}.bak`);
  }
  low.data = parsed.data;
  return { snapshot: parsed.data, migrated: migrated.migratedFrom !== null };
}

class LowdbStore implements Store {
  private readonly tables = {} as Tables;
  private partnerRecord: Partner | null;
  private seq: number;
  private queue: Pending[] = [];
  private committing = false;
  private failure: unknown = null;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly compactBytes: number;

  constructor(
    private readonly low: Low<Snapshot>,
    private readonly journal: JournalWriter | null,
    private readonly journalFile: string | null,
    private readonly release: () => void,
    private readonly options: LowdbStoreOptions,
    snapshot: Snapshot,
  ) {
    this.compactBytes = options.compactBytes ?? 64 * 1024 * 1024;
    this.partnerRecord = snapshot.partner ? Object.freeze(snapshot.partner) : null;
    this.seq = snapshot.journalSeq;
    for (const name of collectionNames) {
      const table = new Map<string, never>();
      for (const record of snapshot[name]) table.set(record.id, Object.freeze(record) as never);
      (this.tables as Record<string, Map<string, unknown>>)[name] = table;
    }
  }

  get healthy(): boolean {
    return this.failure === null && !this.closed;
  }

  partner(): Partner | null {
    return this.partnerRecord;
  }

  get<C extends CollectionName>(collection: C, id: string): Readonly<Collections[C]> | undefined {
    return this.tables[collection].get(id) as Collections[C] | undefined;
  }

  all<C extends CollectionName>(collection: C): IterableIterator<Readonly<Collections[C]>> {
    return this.tables[collection].values() as IterableIterator<Collections[C]>;
  }

  count(collection: CollectionName): number {
    return this.tables[collection].size;
  }

  transact<T>(fn: (tx: Tx, read: StoreReader) => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('The store is closed.'));
    if (this.failure) return Promise.reject(new StoreUnavailableError('The store could not write to disk; restart the bot.'));
    const ops: JournalOp[] = [];
    const tx: Tx = {
      put: (c, record) => {
        const valid = collections[c].parse(record) as { id: string } & Record<string, unknown>;
        ops.push({ op: 'put', c, r: valid });
      },
      delete: (c, id) => ops.push({ op: 'del', c, id }),
      setPartner: (partner) => ops.push({ op: 'partner', r: Partner.parse(partner) }),
    };
    let result: T;
    try {
      result = fn(tx, this);
    } catch (error) {
      return Promise.reject(error);
    }
    if (ops.length === 0) return Promise.resolve(result);
    const entry: JournalEntry = { seq: ++this.seq, ops };
    this.apply(ops);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ entry, resolve: () => resolve(result), reject });
      if (!this.committing) this.idle = this.commitLoop();
    });
  }

  /** Re-applies journal entries written after the snapshot. */
  replay(entries: JournalEntry[]): void {
    for (const entry of entries) {
      if (entry.seq <= this.seq) continue;
      const ops = entry.ops.map((op) => this.validateOp(op, entry.seq));
      this.apply(ops);
      this.seq = entry.seq;
    }
  }

  /** Rewrites the snapshot once pending commits are done, and empties the journal. */
  async compact(): Promise<void> {
    await this.idle;
    if (!this.failure) await this.writeSnapshot();
  }

  private async writeSnapshot(): Promise<void> {
    const snapshot: Record<string, unknown> = {
      schemaVersion: SCHEMA_VERSION,
      journalSeq: this.seq,
      partner: this.partnerRecord,
    };
    for (const name of collectionNames) snapshot[name] = [...this.tables[name].values()];
    this.low.data = snapshot as Snapshot;
    await this.low.write();
    await this.journal?.truncate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.idle;
    if (!this.failure && this.journal && this.journal.bytes > 0) await this.writeSnapshot();
    this.closed = true;
    await this.journal?.close();
    this.release();
  }

  private validateOp(op: JournalOp, seq: number): JournalOp {
    const file = this.journalFile ?? 'journal';
    try {
      if (op.op === 'put') return { ...op, r: collections[op.c].parse(op.r) as never };
      if (op.op === 'partner') return { ...op, r: Partner.parse(op.r) };
      if (op.op === 'del' && collectionNames.includes(op.c)) return op;
    } catch (error) {
      throw new StoreOpenError(file, `entry ${seq} does not match the schema: ${(error as Error).message}`);
    }
    throw new StoreOpenError(file, `entry ${seq} holds an unknown operation`);
  }

  private apply(ops: JournalOp[]): void {
    for (const op of ops) {
      if (op.op === 'partner') this.partnerRecord = Object.freeze(op.r as Partner);
      else if (op.op === 'put') (this.tables[op.c] as Map<string, unknown>).set(op.r.id, Object.freeze(op.r));
      else this.tables[op.c].delete(op.id);
    }
  }

  private async commitLoop(): Promise<void> {
    this.committing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          if (this.failure) throw new StoreUnavailableError('The store could not write to disk; restart the bot.');
          await this.journal?.append(batch.map((p) => p.entry));
          for (const p of batch) p.resolve();
        } catch (error) {
          // Memory now holds writes the disk does not: refuse everything until a restart.
          this.failure ??= error;
          for (const p of batch) p.reject(new StoreUnavailableError(`Could not save: ${(error as Error).message}`));
        }
        if (this.journal && this.journal.bytes > this.compactBytes && this.queue.length === 0) {
          await this.writeSnapshot().catch((error) => {
            this.failure ??= error;
            this.options.onCompactError?.(error);
          });
        }
      }
    } finally {
      this.committing = false;
    }
  }
}
