/**
 * The throw-away PostgreSQL the tests run leaves the machine's accounts alone: as root it runs as
 * the existing `nobody` user (PostgreSQL refuses root), never as a user it adds.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { expect, it } from 'vitest';
import { freePort } from '../fakes/processes.js';
import { startPostgresServer } from '../pg-server.js';

const accounts = () => ({ passwd: readFileSync('/etc/passwd', 'utf8'), group: readFileSync('/etc/group', 'utf8') });
/** The real user id a process runs as, from `/proc/<pid>/status`. */
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

it('starts without adding a user or group to the machine, as nobody when the tests run as root', async () => {
  const before = accounts();
  const server = await startPostgresServer({ port: await freePort(), password: 'test-only-password', prefix: 'csp-bot-pg-accounts-' });
  try {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    try {
      expect((await client.query<{ answer: number }>('select 1 + 1 as answer')).rows).toEqual([{ answer: 2 }]);
    } finally {
      await client.end();
    }
    const expected =
      process.getuid!() === 0 ? Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()) : process.getuid!();
    expect(uidOf(server.pid)).toBe(expected);
  } finally {
    await server.stop();
  }
  expect(accounts()).toEqual(before);
}, 60_000);
