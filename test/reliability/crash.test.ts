import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../store/lowdb-store.js';
import { tempDir } from '../helpers.js';

const ROUNDS = 20;

/** Runs the worker until it has acknowledged a random number of writes, then SIGKILLs it. */
function crashRound(file: string, round: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), file, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    const killAfter = 20 + Math.floor(Math.random() * 400);
    const deadline = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
      // Kill at a random moment: mid-burst, mid-fsync or mid-compaction, whatever is going on.
      if (acked.length >= killAfter && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (_code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`the worker stopped by itself: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  it(`keeps every acknowledged write across ${ROUNDS} SIGKILLs at random moments, with no torn file`, { timeout: 120_000 }, async () => {
    const file = join(tempDir(), 'db.json');
    const acknowledged: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      acknowledged.push(...(await crashRound(file, round)));
      // The snapshot is always whole JSON: the old one or the new one, never half of each.
      expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
      const store = await openLowdbStore({ file, archive: { audit: 30 } });
      const missing = acknowledged.filter((id) => !store.get('providers', id));
      expect(missing, `round ${round}: acknowledged writes lost`).toEqual([]);
      // Each write's audit event is in memory or in the archive file (whole lines only).
      const archiveFile = `${file}.audit.jsonl`;
      // Whole lines only: a line cut by the kill is not counted (its events are still in the snapshot).
      const lines = existsSync(archiveFile) ? readFileSync(archiveFile, 'utf8').split('\n') : [];
      const archived = new Set(lines.slice(0, -1).map((l) => (JSON.parse(l) as { id: string }).id));
      const lostAudit = acknowledged.filter((id) => !store.get('audit', `a-${id}`) && !archived.has(`a-${id}`));
      expect(lostAudit, `round ${round}: acknowledged audit events lost`).toEqual([]);
      await store.close();
    }
    expect(acknowledged.length).toBeGreaterThan(ROUNDS * 20);
  });
});
