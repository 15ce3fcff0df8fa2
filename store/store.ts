/** The storage port: reads from memory, writes through one serialised, durable commit queue. */
import type { CollectionName, Collections, Partner } from './schema.js';

/** Writes collected by one transaction; applied together or not at all. */
export interface Tx {
  put<C extends CollectionName>(collection: C, record: Collections[C]): void;
  delete(collection: CollectionName, id: string): void;
  setPartner(partner: Partner): void;
}

/** Read access to the current state. Records are frozen: change them through a transaction. */
export interface StoreReader {
  partner(): Partner | null;
  get<C extends CollectionName>(collection: C, id: string): Readonly<Collections[C]> | undefined;
  all<C extends CollectionName>(collection: C): IterableIterator<Readonly<Collections[C]>>;
  count(collection: CollectionName): number;
}

/** One record put or deleted, as applied in memory (`before`/`after` undefined when absent). */
export interface Change<C extends CollectionName = CollectionName> {
  collection: C;
  id: string;
  before: Readonly<Collections[C]> | undefined;
  after: Readonly<Collections[C]> | undefined;
}

export interface Store extends StoreReader {
  /**
   * Runs `fn` against the latest state, atomically with respect to every other transaction
   * (it runs synchronously, so no other caller can interleave), and resolves with its result
   * only once its writes are on disk. If `fn` throws, nothing is written.
   */
  transact<T>(fn: (tx: Tx, read: StoreReader) => T): Promise<T>;
  /**
   * Calls `listener` synchronously for every put and delete applied from now on (transactions
   * and nothing else: replay happens before anyone can watch). For indexes kept beside the data.
   * Returns a function that stops the calls.
   */
  watch(listener: (change: Change) => void): () => void;
  /** Writes a fresh snapshot and releases the data file. */
  close(): Promise<void>;
  /** False once a write failed: the process must restart from what is on disk. */
  readonly healthy: boolean;
  /**
   * Why the store, still healthy (every write is safe), is not working as it should, for /healthz
   * to report; null (or absent) when it is.
   */
  readonly degraded?: string | null;
}

/** Thrown when a data file cannot be opened safely; the file is left as it was. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`Cannot open data file ${file}: ${problem}`);
  }
}

/** Thrown by `transact` once the store can no longer guarantee durability. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/**
 * Wraps each commit of a batch to the disk or the database (the telemetry times it from above,
 * since the store imports nothing of the bot). It must call `commit` once and return its result.
 */
export type CommitHook = <T>(commit: () => Promise<T>) => Promise<T>;
/** The hook when nothing measures: the commit itself. */
export const untimed: CommitHook = (commit) => commit();
