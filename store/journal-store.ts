/**
 * The embedded store: a lowdb JSON snapshot plus an append-only journal, with all state in memory.
 *
 * - Reads never touch the disk.
 * - `transact` runs its function synchronously (so callers cannot lose each other's updates),
 *   applies the writes in memory, and queues them for the next group commit: every batch that
 *   arrives while a commit is in flight is appended to the journal together, with one fsync.
 * - The snapshot (the lowdb file at DATA_FILE) is rewritten when the journal grows past
 *   `compactBytes`, in the background: the journal is first moved aside to `<file>.journal.old`
 *   (commits go on in a fresh journal), the records are serialised in small slices between
 *   other work, the new snapshot replaces the old one atomically, and the old journal is deleted.
 *   No commit waits for it, and nothing on the event loop is proportional to the data for long.
 * - On open, the snapshot is read and both journals are replayed; on close, a last snapshot.
 */
import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { upgradeOp } from './migrations.js';
import { DurableJSONFile, appendJsonLines, writeJsonInSlices, type StoreFs } from './durable-file.js';
import { LockHeldError, LockLostError, acquireLock, type DataFileLock } from './data-file-lock.js';
import { JournalWriter, readJournal, type JournalEntry, type JournalOp } from './journal.js';
import { MemoryState, ReadsFromMemory, checkOp, collectInto, parseRecord } from './memory-state.js';
import { SCHEMA_VERSION, collectionNames, Partner, type CollectionName, type Snapshot } from './schema.js';
import { emptySnapshot, loadSnapshot, loadedFrom, memoryFrom } from './snapshot-load.js';
import { DetailsFile } from './customer-details.js';
import { StoreOpenError, StoreUnavailableError, untimed, type CommitHook, type Store, type StoreReader, type Tx } from './store.js';

export interface JournalStoreOptions {
  /** The snapshot file; the journal and lock sit beside it. `null` keeps everything in memory. */
  file: string | null;
  /** Journal size that triggers a snapshot rewrite. */
  compactBytes?: number;
  onCompactError?: (error: unknown) => void;
  /**
   * Collections that keep only their newest N records in memory and in the snapshot; older ones
   * are moved, when the snapshot is rewritten, to `<file>.<collection>.jsonl` (append-only, each
   * line a record). For the audit trail, which only grows.
   */
  archive?: Partial<Record<CollectionName, number>>;
  /** The file operations of journal appends and snapshot rewrites (node:fs; tests inject faults). */
  fs?: StoreFs;
  /** How long a crashed process's lock holds the file (data-file-lock.ts; tests shorten it). */
  lockStaleMs?: number;
  /** Told, once, that the start waits for the lock of a process that may have crashed. */
  onLockWait?: (message: string) => void;
  /** Told that another process took the lock over: the store has stopped writing. */
  onLockLost?: (error: Error) => void;
  /** Wraps each journal append of a batch (the store's write latency, measured from above). */
  onCommit?: CommitHook;
}

export { emptySnapshot };

interface Pending {
  entry: JournalEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The journal store, with its maintenance operation. */
export interface JournalStoreHandle extends Store {
  /** Rewrites the snapshot now (in the background of commits); resolves when it is on disk. */
  compact(): Promise<void>;
}

/** Opens (or creates) the store; refuses, without touching it, a file that is not valid. */
export async function openJournalStore(options: JournalStoreOptions): Promise<JournalStoreHandle> {
  const { file } = options;
  if (file === null) return new JournalStore(null, null, null, options, memoryFrom(loadedFrom(emptySnapshot())));
  // The folder holds customers' contacts and the audit trail: only this user may read it.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let lock: DataFileLock;
  try {
    lock = await acquireLock(file, { staleMs: options.lockStaleMs, onWait: options.onLockWait });
  } catch (error) {
    throw new StoreOpenError(file, error instanceof LockHeldError ? error.message : `its lock cannot be taken (${(error as Error).message})`);
  }
  let details: DetailsFile | null = null;
  try {
    // lowdb creates the snapshot when missing; snapshot-load.ts reads it, writeJsonInSlices rewrites it.
    const low = new Low<Snapshot>(new DurableJSONFile<Snapshot>(file), emptySnapshot());
    const { snapshot, migrated } = await loadSnapshot(file, low);
    // Every record is read and checked here, before the journal is opened.
    const memory = memoryFrom(snapshot);
    details = snapshot.details();
    const journalFile = `${file}.journal`;
    const read = (name: string) =>
      readJournal(name).catch((error: Error) => {
        throw new StoreOpenError(name, error.message);
      });
    // A journal moved aside by a compaction that did not finish comes first.
    const oldJournal = existsSync(`${journalFile}.old`) ? await read(`${journalFile}.old`) : null;
    const journal = await read(journalFile);
    const writer = await JournalWriter.open(journalFile, journal.validBytes, options.fs);
    const store = new JournalStore(file, writer, lock, options, memory, details);
    if (oldJournal) store.replay(oldJournal.entries);
    store.replay(journal.entries);
    if (oldJournal || migrated) await store.writeFullSnapshot();
    return store;
  } catch (error) {
    details?.close();
    await lock.release();
    throw error;
  }
}

class JournalStore extends ReadsFromMemory implements JournalStoreHandle {
  private queue: Pending[] = [];
  private committing = false;
  private failure: unknown = null;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  /** Journal appends and rotations, one at a time. */
  private io: Promise<unknown> = Promise.resolve();
  private compacting: Promise<void> | null = null;
  /** Set when a background compaction failed: the journals keep everything; retry at close. */
  private compactionFailed = false;
  /** What the failed compaction said, for `degraded`. */
  private compactionError = '';
  private readonly compactBytes: number;

  /** Beside the snapshot; null for an in-memory store. */
  private readonly journalFile: string | null;

  constructor(
    private readonly file: string | null,
    private readonly journal: JournalWriter | null,
    private readonly lock: DataFileLock | null,
    private readonly options: JournalStoreOptions,
    memory: MemoryState,
    /** Where customers' lists loaded from the snapshot are read (customer-details.ts). */
    private readonly details: DetailsFile | null = null,
  ) {
    super(memory);
    this.journalFile = file === null ? null : `${file}.journal`;
    this.compactBytes = options.compactBytes ?? 64 * 1024 * 1024;
    // Writing beside the process that took the lock over would lose its writes or ours.
    lock?.onLost((error) => {
      this.failure ??= error;
      options.onLockLost?.(error);
    });
  }

  get healthy(): boolean {
    return this.failure === null && !this.closed;
  }

  get degraded(): string | null {
    if (!this.compactionFailed) return null;
    return `The snapshot could not be rewritten (${this.compactionError}): every write is kept in the journal, which grows until the snapshot is written at shutdown.`;
  }

  transact<T>(fn: (tx: Tx, read: StoreReader) => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('The store is closed.'));
    if (this.failure) return Promise.reject(this.unavailable());
    const ops: JournalOp[] = [];
    let result: T;
    try {
      result = fn(collectInto(ops), this);
    } catch (error) {
      return Promise.reject(error);
    }
    if (ops.length === 0) return Promise.resolve(result);
    const entry: JournalEntry = { seq: ++this.memory.seq, ops };
    this.memory.apply(ops);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ entry, resolve: () => resolve(result), reject });
      if (!this.committing) this.idle = this.commitLoop();
    });
  }

  private unavailable(): StoreUnavailableError {
    if (this.failure instanceof LockLostError) return new StoreUnavailableError(this.failure.message);
    return new StoreUnavailableError('The store could not write to disk; restart the bot.');
  }

  /** Re-applies journal entries written after the snapshot. */
  replay(entries: JournalEntry[]): void {
    this.memory.replay(entries, (op, seq) => this.validateOp(op, seq));
  }

  /** Rewrites the snapshot in the background (see the top of this file); commits go on meanwhile. */
  compact(): Promise<void> {
    if (!this.journal || !this.journalFile || this.failure || this.compactionFailed) return Promise.resolve();
    this.compacting ??= this.rotateAndSnapshot().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  private async rotateAndSnapshot(): Promise<void> {
    const journal = this.journal!;
    const old = `${this.journalFile!}.old`;
    try {
      await this.serialIO(() => {
        this.lock?.verify();
        return journal.rotate(old);
      });
      // Everything in the old journal is in memory now: capture it (references only, records are frozen).
      await this.writeSnapshotFile(this.capture());
      await rm(old, { force: true });
    } catch (error) {
      this.compactionFailed = true;
      this.compactionError = ((error as Error)?.message ?? String(error)).slice(0, 300);
      this.options.onCompactError?.(error);
    }
  }

  /** The state as it is now; cheap, since records are immutable and shared. */
  private capture() {
    const head = { schemaVersion: SCHEMA_VERSION, journalSeq: this.memory.seq, partner: this.memory.partner() };
    const arrays = collectionNames.map((name) => [name, [...this.memory.all(name)]] as [string, unknown[]]);
    return { head, arrays };
  }

  private async writeSnapshotFile(state: ReturnType<JournalStore['capture']>): Promise<void> {
    if (!this.file) return;
    this.lock?.verify();
    // Oldest first (insertion order): what goes past the limit moves to the archive, durably,
    // before a snapshot without it replaces the old one. A crash in between can only repeat lines
    // in the archive (the old snapshot still has them), never lose one.
    const moved: Array<[CollectionName, Array<{ id: string }>]> = [];
    for (const [name, keep] of Object.entries(this.options.archive ?? {}) as Array<[CollectionName, number]>) {
      const entry = state.arrays.find(([n]) => n === name);
      if (!entry || entry[1].length <= keep) continue;
      const cut = entry[1].length - keep;
      moved.push([name, entry[1].slice(0, cut) as Array<{ id: string }>]);
      entry[1] = entry[1].slice(cut);
    }
    for (const [name, records] of moved) await appendJsonLines(`${this.file}.${name}.jsonl`, records, undefined, this.options.fs);
    const spans = new Map<string, number>();
    const places = this.details && {
      collection: 'customers',
      found: (record: { id: string }, start: number, end: number) => {
        if (DetailsFile.fits(start, end)) spans.set(record.id, DetailsFile.span(start, end));
      },
    };
    await writeJsonInSlices(this.file, state.head, state.arrays, undefined, this.options.fs, places ?? undefined);
    // The customers read from the old snapshot are read from the new one (the same records, elsewhere).
    this.details?.switchTo(this.file, spans);
    // A record changed since the capture stays.
    for (const [name, records] of moved) for (const record of records) this.memory.removeIfUnchanged(name, record);
  }

  /** Snapshot, then empty journals: on open after a crash mid-compaction, and on close. */
  async writeFullSnapshot(): Promise<void> {
    await this.writeSnapshotFile(this.capture());
    if (this.journal) await this.serialIO(() => this.journal!.truncate());
    if (this.journalFile) await rm(`${this.journalFile}.old`, { force: true });
    this.compactionFailed = false;
  }

  private serialIO<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.io.then(fn);
    this.io = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.idle;
    await this.compacting;
    if (!this.failure && this.journal && (this.journal.bytes > 0 || this.compactionFailed)) await this.writeFullSnapshot();
    this.closed = true;
    await this.journal?.close();
    this.details?.close();
    await this.lock?.release();
  }

  private validateOp(op: JournalOp, seq: number): JournalOp {
    const file = this.journalFile ?? 'journal';
    let valid: JournalOp | null;
    try {
      // A journal written by an older version may hold records in an older shape, or under a
      // collection's older name (see migrations.ts).
      valid = checkOp(upgradeOp(op), (c, r) => (c ? parseRecord(c, r) : Partner.parse(r)));
    } catch (error) {
      throw new StoreOpenError(file, `entry ${seq} does not match the schema: ${(error as Error).message}`);
    }
    if (valid) return valid;
    throw new StoreOpenError(file, `entry ${seq} holds an unknown operation`);
  }

  private async commitLoop(): Promise<void> {
    this.committing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          if (this.failure) throw this.unavailable();
          if (this.journal) {
            await (this.options.onCommit ?? untimed)(() =>
              this.serialIO(() => {
                // Checked right before the append: a lock taken over while this process was paused stops it here.
                this.lock?.verify();
                return this.journal!.append(batch.map((p) => p.entry));
              }),
            );
          }
          for (const p of batch) p.resolve();
        } catch (error) {
          // Memory now holds writes the disk does not: refuse everything until a restart.
          this.failure ??= error;
          for (const p of batch) p.reject(new StoreUnavailableError(`Could not save: ${(error as Error).message}`));
        }
        if (this.journal && this.journal.bytes > this.compactBytes && !this.compacting) void this.compact();
      }
    } finally {
      this.committing = false;
    }
  }
}
