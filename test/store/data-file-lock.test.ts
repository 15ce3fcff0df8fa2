/**
 * The data file's lock between real processes: a holder killed with SIGKILL, a live holder, a
 * lock taken over under a store that is still open, and the previous version's pid file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openJournalStore } from '../../store/journal-store.js';
import { LOCK_STALE_MS } from '../../store/data-file-lock.js';
import { StoreUnavailableError } from '../../store/store.js';
import { startServer } from '../../bot/server/server.js';
import { createLogger } from '../../bot/logger.js';
import { cleanEnv, heldBy, killAll, run } from '../fakes/processes.js';
import { tempDir } from '../helpers.js';

// The lock compares file times with the wall clock, as every process sharing the folder does:
// these tests race real processes, so this worker uses the real date too (the bot's clock is not involved).
beforeAll(() => vi.useRealTimers());
afterEach(() => killAll());

const provider = (id: string) => ({ id, name: `Provider ${id}`, tenantId: null, createdAt: '2026-11-23T10:00:00.000Z' });

/** A store held by another process, after one acknowledged write. */
async function heldElsewhere(file: string) {
  const holder = run('test/fakes/hold-store.ts', [file], cleanEnv({}));
  await holder.waitFor(/ready/, 30_000);
  return holder;
}

describe('the data file lock', () => {
  it('takes over, after saying once that it waits, the lock of a process killed with SIGKILL, and replays what that process acknowledged', { timeout: 60_000 }, async () => {
    const file = join(tempDir(), 'db.json');
    const holder = await heldElsewhere(file);
    holder.child.kill('SIGKILL');
    await holder.exited();
    expect(existsSync(join(`${file}.lock`, 'owner'))).toBe(true);
    const waits: string[] = [];
    const started = performance.now();
    const store = await openJournalStore({ file, lockStaleMs: 3_000, onLockWait: (m) => waits.push(m) });
    const waited = performance.now() - started;
    expect(store.get('providers', 'held')?.name).toBe('Written before the kill');
    expect(waits).toEqual([
      `The lock ${file}.lock is held by a process (pid ${holder.child.pid} on ${hostname()}); if that process has crashed, the lock goes stale within 3 s: waiting for it.`,
    ]);
    // No longer than the stale window plus one heartbeat and a poll.
    expect(waited).toBeLessThan(3_000 + 2_000 + 1_000);
    await store.transact((tx) => tx.put('providers', provider('after')));
    await store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('refuses a live process in one sentence, once it has seen its heartbeat, well before the stale window ends', { timeout: 60_000 }, async () => {
    const file = join(tempDir(), 'db.json');
    const holder = await heldElsewhere(file);
    const started = performance.now();
    const error = await openJournalStore({ file }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`Cannot open data file ${file}: ${heldBy(holder.child.pid!, file)}`);
    expect(performance.now() - started).toBeLessThan(LOCK_STALE_MS);
    // The holder goes on: its lock is still its own.
    expect(JSON.parse(readFileSync(join(`${file}.lock`, 'owner'), 'utf8')).pid).toBe(holder.child.pid);
  });

  it('stops writing, says why and turns /healthz 503 when another process took its lock over, and leaves that lock alone', { timeout: 30_000 }, async () => {
    const file = join(tempDir(), 'db.json');
    const lost: Error[] = [];
    const store = await openJournalStore({ file, onLockLost: (e) => lost.push(e) });
    const running = await startServer({ port: 0, host: '127.0.0.1', store, logger: createLogger('silent'), surfaces: [] });
    try {
      await store.transact((tx) => tx.put('providers', provider('p1')));
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      // What a takeover leaves on disk (this process paused past the window): the other's lock directory.
      const lock = `${file}.lock`;
      rmSync(lock, { recursive: true });
      mkdirSync(lock);
      const other = JSON.stringify({ token: 'the-other-process', pid: 4242, host: 'elsewhere' });
      writeFileSync(join(lock, 'owner'), other);
      const refused = await store.transact((tx) => tx.put('providers', provider('p2'))).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect((refused as Error).message).toContain(`Another process took over the lock ${lock}, or it was removed`);
      expect(readFileSync(`${file}.journal`, 'utf8')).not.toContain('p2');
      expect(store.healthy).toBe(false);
      expect(lost).toHaveLength(1);
      const health = await fetch(`${running.url}/healthz`);
      expect(health.status).toBe(503);
      await expect(store.transact((tx) => tx.put('providers', provider('p3')))).rejects.toThrow(/restart it/);
    } finally {
      await running.close();
      await store.close();
    }
    expect(readFileSync(join(`${file}.lock`, 'owner'), 'utf8')).toContain('the-other-process');
  });

  it('notices a takeover from its heartbeat alone, without a write', { timeout: 30_000 }, async () => {
    const file = join(tempDir(), 'db.json');
    const lost: Error[] = [];
    const store = await openJournalStore({ file, onLockLost: (e) => lost.push(e) });
    rmSync(`${file}.lock`, { recursive: true });
    mkdirSync(`${file}.lock`);
    await expect.poll(() => lost.length, { timeout: 15_000 }).toBe(1);
    expect(store.healthy).toBe(false);
    await store.close();
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  describe("a lock left by the previous version (a file holding a pid)", () => {
    const legacy = (file: string, pid: number, writtenAt?: Date) => {
      writeFileSync(`${file}.lock`, String(pid));
      if (writtenAt) utimesSync(`${file}.lock`, writtenAt, writtenAt);
    };

    it('is taken over when its process is gone or is this one (a container gives every start the same pids)', async () => {
      for (const pid of [999_999_999, process.pid]) {
        const file = join(tempDir(), 'db.json');
        legacy(file, pid);
        const store = await openJournalStore({ file });
        await store.close();
        expect(existsSync(`${file}.lock`)).toBe(false);
      }
    });

    it('is taken over when its pid now belongs to a process started after the lock was written', async () => {
      const file = join(tempDir(), 'db.json');
      const later = spawn('sleep', ['30']);
      legacy(file, later.pid!, new Date(Date.now() - 3_600_000));
      try {
        const store = await openJournalStore({ file });
        await store.close();
      } finally {
        later.kill('SIGKILL');
      }
    });

    it('refuses while the older process that wrote it still runs', async () => {
      const file = join(tempDir(), 'db.json');
      const older = spawn('sleep', ['30']);
      try {
        // Written after that process started, as the older version wrote its own pid.
        await expect.poll(() => existsSync(`/proc/${older.pid}`)).toBe(true);
        legacy(file, older.pid!, new Date(Date.now() + 2_000));
        await expect(openJournalStore({ file })).rejects.toThrow(
          `Cannot open data file ${file}: process ${older.pid}, an older version of the bot, holds its lock ${file}.lock; stop that process (if it is not the bot, delete that file).`,
        );
        expect(readFileSync(`${file}.lock`, 'utf8')).toBe(String(older.pid));
      } finally {
        older.kill('SIGKILL');
      }
    });
  });
});
