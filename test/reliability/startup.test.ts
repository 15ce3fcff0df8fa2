import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { cleanEnv, freePort } from '../fakes/processes.js';

const ROOT = join(import.meta.dirname, '..', '..');
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Starts the real entry point on `file`; it must refuse before listening. A free port (should it
 * listen after all, it collides with nothing) and a clean environment (no Slack or Teams
 * credentials from the machine).
 */
async function start(file: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bot', 'main.ts')], {
    cwd: ROOT,
    env: cleanEnv({ DATA_FILE: file, PORT: String(await freePort()), LOG_LEVEL: 'silent' }),
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('start-up on a damaged data file', () => {
  for (const [name, content] of [
    ['truncated JSON', '{"schemaVersion":1,"journalSeq":0,"partner":null,"providers":[{"id":"p1","na'],
    ['a record that breaks the schema', JSON.stringify({ schemaVersion: 1, journalSeq: 0, partner: null, providers: [{ id: 'p1', name: '', tenantId: null, createdAt: 'yesterday' }] })],
    ['a schema version from the future', JSON.stringify({ schemaVersion: 99 })],
  ] as const) {
    it(`refuses ${name} with a message and a non-zero exit code, leaving the file untouched`, { timeout: 40_000 }, async () => {
      const file = join(tempDir(), 'db.json');
      writeFileSync(file, content);
      const before = digest(file);
      const result = await start(file);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('Cannot start');
      expect(result.stderr).toContain(file);
      expect(digest(file)).toBe(before);
      // Nothing else was created beside it: no snapshot, no journal, no stale lock.
      expect(readdirSync(dirname(file))).toEqual(['db.json']);
    });
  }
});
