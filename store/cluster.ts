/**
 * What replicas of the bot share besides the records: short leases and once-only keys, and random
 * secrets. Only a shared store has one (the PostgreSQL store); with the embedded store there is one
 * process, and what each caller keeps in memory is already shared by everyone.
 */
export interface Cluster {
  /**
   * True for exactly one caller, across every replica, until `ttlMs` has passed or the holder
   * released it: a lease (release it when done) or a once-only key (let it expire).
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives up a claim this replica holds, so another can take it at once. */
  release(key: string): Promise<void>;
  /** A random 32-byte secret shared by every replica, made by the first that asks. */
  secret(name: string): Promise<Buffer>;
}
