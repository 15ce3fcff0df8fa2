import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournalStore } from '../../store/journal-store.js';
import { cleanEnv } from '../fakes/processes.js';
import { tempDir } from '../helpers.js';
import { runSeed, seeded } from '../seed.js';

const ROUNDS = 20;
/** From spawn to the worker's "ready" line (tsx compiling on a busy machine is slow; not a hang). */
const START_MS = 60_000;
/**
 * Once ready, a worker that goes this long without acknowledging a write before its kill point is
 * hung: the round fails. Its writes are a few hundred bytes, each burst one fsync: milliseconds.
 */
const STALL_MS = 3_000;
/** A compaction round whose worker acknowledges writes but never starts a snapshot rewrite fails after this. */
const REWRITE_MS = 20_000;

/**
 * `time`: the kill comes `afterMs` after the first acknowledged write, and not before the
 * `minAcks`-th: acknowledgements must keep coming up to the kill, so a writer that stalls after a
 * few writes is caught instead of being killed in time to pass. `compaction`: the moment a
 * snapshot rewrite is seen under way (`.journal.old` exists).
 */
type Kill = { at: 'time'; afterMs: number; minAcks: number } | { at: 'compaction' };

/**
 * Runs the worker (its burst sizes and payloads from `seed`) and SIGKILLs it at `kill`. Resolves
 * with the acknowledged writes (id -> name); rejects when the worker does not start, stops
 * acknowledging for more than STALL_MS before the kill point, or stops by itself.
 */
function crashRound(file: string, round: number, seed: number, kill: Kill): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), file, String(round), String(seed)],
      {
        env: cleanEnv({}),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked = new Map<string, string>();
    let buffer = '';
    let stderr = '';
    let hung: string | null = null;
    let readyAt: number | null = null;
    let firstAckAt: number | null = null;
    let lastAckAt = 0;
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    let watcher: NodeJS.Timeout | undefined;
    const fail = (why: string) => {
      hung ??= why;
      child.kill('SIGKILL');
    };
    const killNow = () => {
      if (killed) return;
      // The kill point: acknowledgements were still coming just before it.
      const gap = Date.now() - (firstAckAt === null ? readyAt! : lastAckAt);
      if (gap > STALL_MS) return fail(`no write acknowledged in the ${gap} ms before the kill point (${acked.size} acknowledged)`);
      killed = true;
      child.kill('SIGKILL');
    };
    const started = setTimeout(() => fail(`no "ready" within ${START_MS} ms of the start`), START_MS);
    // Every 50 ms: a stall before the kill point, or a compaction round that never compacts.
    const watchdog = setInterval(() => {
      if (readyAt === null || killed) return;
      const now = Date.now();
      const since = firstAckAt === null ? readyAt : lastAckAt;
      if (now - since > STALL_MS) fail(`acknowledgements stopped for ${now - since} ms before the kill point (${acked.size} acknowledged)`);
      else if (kill.at === 'compaction' && now - readyAt > REWRITE_MS) fail(`no snapshot rewrite seen within ${REWRITE_MS} ms`);
    }, 50);
    const timeReached = () => kill.at === 'time' && firstAckAt !== null && Date.now() - firstAckAt >= kill.afterMs;
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready' && readyAt === null) {
          readyAt = Date.now();
          clearTimeout(started);
          if (kill.at === 'compaction') watcher = setInterval(() => existsSync(`${file}.journal.old`) && killNow(), 1);
          continue;
        }
        if (!line.startsWith('ack ')) continue;
        const rest = line.slice(4);
        const space = rest.indexOf(' ');
        acked.set(rest.slice(0, space), rest.slice(space + 1));
        lastAckAt = Date.now();
        if (firstAckAt === null) {
          firstAckAt = lastAckAt;
          if (kill.at === 'time') timer = setTimeout(() => acked.size >= kill.minAcks && killNow(), kill.afterMs);
        }
      }
      if (kill.at === 'time' && acked.size >= kill.minAcks && timeReached()) killNow();
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (_code, signal) => {
      clearTimeout(started);
      clearTimeout(timer);
      clearInterval(watchdog);
      clearInterval(watcher);
      if (hung) reject(new Error(`round ${round}: the worker hung (${hung}); ${stderr}`));
      else if (!killed || signal !== 'SIGKILL') reject(new Error(`round ${round}: the worker stopped by itself: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  it(
    `keeps every acknowledged write, with its content, across ${ROUNDS} SIGKILLs at random moments and mid-compaction`,
    { timeout: 180_000 },
    async () => {
      const SEED = runSeed('crash test: kill schedule, burst sizes and payloads');
      const random = seeded(SEED);
      const file = join(tempDir(), 'db.json');
      const acknowledged = new Map<string, string>();
      let killedMidCompaction = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // One round in three aims at a snapshot rewrite; the others at a random instant.
        const kill: Kill =
          round % 3 === 2
            ? { at: 'compaction' }
            : { at: 'time', afterMs: Math.floor(random() * 300), minAcks: 10 + Math.floor(random() * 50) };
        const roundSeed = Math.floor(random() * 2 ** 31);
        for (const [id, name] of await crashRound(file, round, roundSeed, kill)) acknowledged.set(id, name);
        if (existsSync(`${file}.journal.old`)) killedMidCompaction++;
        // The snapshot is always whole JSON: the old one or the new one, never half of each.
        expect(() => JSON.parse(readFileSync(file, 'utf8')), `seed ${SEED} round ${round}`).not.toThrow();
        // The killed worker's lock goes stale after the shortest window proper-lockfile allows, so a round waits at most ~2 s for it.
        const store = await openJournalStore({ file, archive: { audit: 30 }, lockStaleMs: 2_000 });
        const wrong = [...acknowledged].filter(([id, name]) => store.get('providers', id)?.name !== name).map(([id]) => id);
        expect(wrong, `seed ${SEED} round ${round} (${JSON.stringify(kill)}): acknowledged writes lost or changed`).toEqual([]);
        // Each write's audit event is in memory or in the archive file (whole lines only).
        const archiveFile = `${file}.audit.jsonl`;
        // Whole lines only: a line cut by the kill is not counted (its events are still in the snapshot).
        const lines = existsSync(archiveFile) ? readFileSync(archiveFile, 'utf8').split('\n') : [];
        const archived = new Set(lines.slice(0, -1).map((l) => (JSON.parse(l) as { id: string }).id));
        const lostAudit = [...acknowledged.keys()].filter((id) => store.get('audit', `a-${id}`)?.target !== id && !archived.has(`a-${id}`));
        expect(lostAudit, `seed ${SEED} round ${round}: acknowledged audit events lost`).toEqual([]);
        await store.close();
      }
      expect(acknowledged.size).toBeGreaterThan(ROUNDS * 5);
      // The compaction rounds really landed inside a rewrite (the old journal was left behind).
      expect(killedMidCompaction).toBeGreaterThanOrEqual(1);
    },
  );
});
