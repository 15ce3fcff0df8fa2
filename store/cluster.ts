/**
 * What replicas of the bot share besides the records: once-only keys, holds on records, and random
 * secrets. Only a shared store has one (the PostgreSQL store); with the embedded store there is one
 * process, and what each caller keeps in memory is already shared by everyone.
 */
import type { CollectionName, Collections } from './schema.js';

/** A record this replica alone holds (see `Cluster.hold`), until it releases it or dies. */
export interface Held<T> {
  /** The record as the database held it once the hold was taken: what to act on. */
  readonly record: T;
  /**
   * False once the hold is gone without a release: the connection that held it dropped, so another
   * replica may take the record. Work not yet started must not start.
   */
  readonly held: boolean;
  /** Gives the hold up; call it only once the work's outcome is committed. */
  release(): Promise<void>;
}

export interface Cluster {
  /**
   * True for exactly one caller, across every replica, until `ttlMs` has passed or the holder
   * released it: a once-only key (let it expire), such as a Slack retry's event id.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives up a claim this replica holds, so another can take it at once. */
  release(key: string): Promise<void>;
  /**
   * Holds the record for this replica alone, or null: another replica (or another caller here)
   * holds it, or the database no longer has it. Decided by the database, never by this replica's
   * memory, which may be a moment behind. No lease: the hold lasts until released, or until this
   * replica's connection to the database ends (the replica died), when another may take it at once.
   */
  hold<C extends CollectionName>(collection: C, id: string): Promise<Held<Collections[C]> | null>;
  /** A random 32-byte secret shared by every replica, made by the first that asks. */
  secret(name: string): Promise<Buffer>;
}
