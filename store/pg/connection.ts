/**
 * Reaching the database: the connection pool, read-only work on a connection of its own, and how
 * a failure is told (the URL never with its password).
 */
import pg from 'pg';
import { StoreOpenError } from '../store.js';
import { redactSecrets } from './redact.js';

export { redactUrl } from './redact.js';

/** Refused at start-up: the database cannot be reached, or is newer than this code. */
export class DatabaseOpenError extends StoreOpenError {
  constructor(where: string, problem: string) {
    super(where, problem);
    this.message = `Cannot use the database ${where}: ${problem}`;
  }
}

/** An error's message for a sentence, any database URL in it redacted, and the `secrets` of ours (see urlSecrets). */
export function describe(error: unknown, secrets: readonly string[] = []): string {
  const e = error as { message?: string; code?: string } | undefined;
  const text = e?.message || e?.code || String(error);
  return redactSecrets(text, secrets);
}

/** The pool every commit, feed read and claim takes its connection from. */
export function createPool(url: string, size: number, onError?: (error: unknown, what: string) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // A replica frozen in the middle of a commit must not hold the write lock for ever.
    idle_in_transaction_session_timeout: 15_000,
  });
  // An idle connection that drops must not end the process: the next query reconnects.
  pool.on('error', (error) => onError?.(error, 'idle database connection'));
  return pool;
}

/**
 * A read on its own connection; after a failure the connection is closed, not handed back,
 * since a multi-statement query that failed half-way leaves it inside an aborted transaction.
 */
export async function readOnly<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    const result = await fn(client);
    client.release();
    return result;
  } catch (error) {
    client.release(true);
    throw error;
  }
}
