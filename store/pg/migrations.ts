/**
 * The PostgreSQL store's schema, as numbered SQL migrations applied in order at start-up under a
 * session advisory lock, so replicas starting together apply each one once. A database migrated by
 * a newer version of the bot (a higher number than this code knows) is refused, never touched.
 *
 * Records are kept generic (one row per record, its JSON in `data`), so a collection added to
 * store/schema.ts needs no migration here; only a change of a record's shape, or a collection's
 * name, needs a data upgrade (see store/migrations.ts), tracked by `store_state.data_schema_version`.
 */
import type pg from 'pg';
import { SCHEMA_VERSION } from '../schema.js';
import { RENAMED_COLLECTIONS, upgradeRecord } from '../migrations.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, change feed, claims, secrets',
    sql: `
      CREATE TABLE records (
        collection text NOT NULL,
        id text NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (collection, id)
      );
      -- One row per committed transaction, in commit order (writers hold one advisory lock):
      -- every replica applies these to its in-memory tables.
      CREATE TABLE changes (
        seq bigserial PRIMARY KEY,
        ops jsonb NOT NULL,
        committed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX changes_committed_at ON changes (committed_at);
      CREATE TABLE store_state (
        id int PRIMARY KEY CHECK (id = 1),
        -- Changes up to here were pruned: a replica behind it reloads every record.
        pruned_through bigint NOT NULL DEFAULT 0,
        data_schema_version int NOT NULL
      );
      -- Short leases and once-only keys shared by the replicas (deliveries, Slack retries).
      CREATE TABLE claims (
        key text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX claims_expires_at ON claims (expires_at);
      CREATE TABLE secrets (
        name text PRIMARY KEY,
        value bytea NOT NULL
      );
    `,
  },
];

export const LATEST_MIGRATION = MIGRATIONS.at(-1)!.version;

/** Advisory lock keys (two int4s): the store's writers, and migrations. */
export const LOCK_SPACE = 0x637370; // "csp"
export const WRITE_LOCK = 1;
export const MIGRATION_LOCK = 2;

/** Why the database cannot be used by this code; start-up stops with it. */
export class DatabaseTooNewError extends Error {
  override readonly name = 'DatabaseTooNewError';
}

/**
 * Records written by an older version, brought to the current shape (store/migrations.ts, the same
 * upgrade the data file's journal entries get): renamed collections under their new name, records
 * upgraded, in one transaction with the new version number. It holds the write lock, so no commit
 * of a replica of the older version still running falls between the upgrade and the new number;
 * after it, those replicas refuse to write (see pg/commit.ts).
 */
async function upgradeRecords(client: pg.ClientBase, from: number): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, WRITE_LOCK]);
    for (const [old, current] of Object.entries(RENAMED_COLLECTIONS)) {
      await client.query('UPDATE records SET collection = $2 WHERE collection = $1', [old, current]);
    }
    const { rows } = await client.query<{ collection: string; id: string; data: Record<string, unknown> }>(
      `SELECT collection, id, data FROM records WHERE collection IN ('invitations', 'deliveries')`,
    );
    for (const row of rows) {
      const upgraded = upgradeRecord(row.collection, row.data);
      if (JSON.stringify(upgraded) === JSON.stringify(row.data)) continue;
      await client.query('UPDATE records SET data = $3 WHERE collection = $1 AND id = $2', [row.collection, row.id, JSON.stringify(upgraded)]);
    }
    await client.query('UPDATE store_state SET data_schema_version = $1 WHERE id = 1 AND data_schema_version = $2', [SCHEMA_VERSION, from]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Brings the database to LATEST_MIGRATION (each migration in its own transaction) and records the
 * records' schema version; refuses a database newer than this code. Returns the versions applied.
 */
export async function applyMigrations(client: pg.ClientBase): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version int PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > LATEST_MIGRATION) {
      throw new DatabaseTooNewError(
        `the database is at schema version ${current}, newer than this version of the bot knows (${LATEST_MIGRATION}); run the newer version of the bot, or restore a backup taken before the upgrade`,
      );
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        if (migration.version === 1)
          await client.query('INSERT INTO store_state (id, data_schema_version) VALUES (1, $1)', [SCHEMA_VERSION]);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      applied.push(migration.version);
    }
    const state = await client.query<{ data_schema_version: number }>('SELECT data_schema_version FROM store_state WHERE id = 1');
    const dataVersion = state.rows[0]?.data_schema_version ?? SCHEMA_VERSION;
    if (dataVersion > SCHEMA_VERSION) {
      throw new DatabaseTooNewError(
        `its records are at data schema version ${dataVersion}, newer than this version of the bot knows (${SCHEMA_VERSION}); run the newer version of the bot`,
      );
    }
    if (dataVersion < SCHEMA_VERSION) await upgradeRecords(client, dataVersion);
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]).catch(() => {});
  }
}
