/** The PostgreSQL store looked at from outside, for the doctor (store/inspect.ts has the data file's half and the shape). */
import pg from 'pg';
import { upgradeRecord } from '../migrations.js';
import { PARTNER_CENTER, type StoreInspection } from '../inspect.js';
import { Connection, SCHEMA_VERSION } from '../schema.js';
import { describe, redactUrl } from './connection.js';
import { LATEST_MIGRATION } from './migrations.js';

/** The database, in a read-only session: reachable, migrations, the records' schema version. */
export async function inspectDatabase(url: string, timeoutMs = 5_000): Promise<StoreInspection> {
  const result: StoreInspection = {
    kind: 'database',
    where: redactUrl(url),
    state: 'ready',
    problem: null,
    schemaVersion: null,
    migrations: null,
    partnerCenter: null,
  };
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    options: '-c default_transaction_read_only=on',
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    return { ...result, state: 'refused', problem: `it cannot be reached (${describe(error)})` };
  }
  try {
    const table = await client.query<{ name: string | null }>("SELECT to_regclass('schema_migrations')::text AS name");
    if (!table.rows[0]?.name) return { ...result, state: 'fresh', migrations: { applied: 0, latest: LATEST_MIGRATION } };
    const applied = Number((await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]?.v ?? 0);
    const migrations = { applied, latest: LATEST_MIGRATION };
    if (applied > LATEST_MIGRATION) {
      return {
        ...result,
        state: 'refused',
        migrations,
        problem: `the database is at schema version ${applied}, newer than this version of the bot knows (${LATEST_MIGRATION})`,
      };
    }
    const state = await client
      .query<{ v: number }>('SELECT data_schema_version AS v FROM store_state WHERE id = 1')
      .catch(() => ({ rows: [] }));
    const schemaVersion = state.rows[0]?.v ?? null;
    if (schemaVersion !== null && schemaVersion > SCHEMA_VERSION) {
      return {
        ...result,
        state: 'refused',
        migrations,
        schemaVersion,
        problem: `its records are at schema version ${schemaVersion}, newer than this version of the bot reads (${SCHEMA_VERSION})`,
      };
    }
    const row = await client.query<{ data: unknown }>("SELECT data FROM records WHERE collection = 'connections' AND id = $1", [
      PARTNER_CENTER,
    ]);
    const data = row.rows[0]?.data;
    return {
      ...result,
      state: applied < LATEST_MIGRATION || (schemaVersion ?? SCHEMA_VERSION) < SCHEMA_VERSION ? 'older' : 'ready',
      migrations,
      schemaVersion,
      partnerCenter: data ? Connection.parse(upgradeRecord('connections', data as Record<string, unknown>)) : null,
    };
  } catch (error) {
    return { ...result, state: 'refused', problem: describe(error) };
  } finally {
    await client.end().catch(() => {});
  }
}
