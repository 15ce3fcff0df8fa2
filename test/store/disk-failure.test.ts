/**
 * What the store does when the disk fails under it: a full disk (ENOSPC) or a broken one (EIO) on
 * the journal append and on the snapshot rename, injected through the store's `fs` option.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournalStore, type JournalStoreHandle } from '../../store/journal-store.js';
import { abandonLock } from '../../store/data-file-lock.js';
import { StoreUnavailableError } from '../../store/store.js';
import { startServer } from '../../bot/server/server.js';
import { createLogger } from '../../bot/logger.js';
import { createFaultyFs, isJournal, isSnapshot } from '../fakes/faulty-fs.js';
import { startBot } from '../fakes/bot-server.js';
import { tempDir } from '../helpers.js';

const provider = (id: string) => ({ id, name: `Provider ${id}`, tenantId: null, createdAt: '2026-11-23T10:00:00.000Z' });
const put = (id: string) => (tx: { put: (c: 'providers', r: ReturnType<typeof provider>) => void }) => tx.put('providers', provider(id));
/** A crash: the process is gone without closing, and its lock is left behind, no longer refreshed. */
const crash = (file: string) => abandonLock(file);
const ids = (store: { all: (c: 'providers') => Iterable<{ id: string }> }) => [...store.all('providers')].map((p) => p.id).sort();
const journalIds = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((l) => (JSON.parse(l) as { ops: Array<{ r?: { id: string } }> }).ops.map((o) => o.r?.id))
    : [];

describe('a store whose disk fails', () => {
  for (const [op, code] of [
    ['write', 'ENOSPC'],
    ['sync', 'EIO'],
  ] as const) {
    it(`rejects the write whose journal ${op} fails with ${code}, refuses every later change, and restarts at the last acknowledged state`, async () => {
      const file = join(tempDir(), 'db.json');
      const disk = createFaultyFs();
      const store = await openJournalStore({ file, fs: disk.io });
      await store.transact(put('p1'));
      disk.fail(op, isJournal, code);
      const failed = await store.transact(put('p2')).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(StoreUnavailableError);
      expect((failed as Error).message).toContain(code);
      expect(disk.hits.length).toBeGreaterThan(0);
      expect(store.healthy).toBe(false);
      // Even once the disk works again: memory may hold what the disk does not, so only a restart helps.
      disk.heal();
      await expect(store.transact(put('p3'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.transact((tx) => tx.delete('providers', 'p1'))).rejects.toBeInstanceOf(StoreUnavailableError);
      // On disk: only the acknowledged write (a batch whose fsync failed is cut back off the journal).
      expect(journalIds(`${file}.journal`)).toEqual(['p1']);
      await store.close();
      const reopened = await openJournalStore({ file });
      expect(ids(reopened)).toEqual(['p1']);
      await reopened.transact(put('p4'));
      expect(reopened.healthy).toBe(true);
      await reopened.close();
    });
  }

  it('acknowledges nothing that is not on disk when the disk fills in the middle of concurrent writes', async () => {
    const file = join(tempDir(), 'db.json');
    const disk = createFaultyFs();
    const store = await openJournalStore({ file, fs: disk.io });
    // The fourth group commit from now fails, whatever batches the writes fall into.
    disk.fail('sync', isJournal, 'ENOSPC', 3);
    const outcome = new Map<string, 'ok' | 'refused'>();
    for (let group = 0; group < 10; group++) {
      const writes = Array.from({ length: 10 }, (_, i) => {
        const id = `g${group}-${i}`;
        return store.transact(put(id)).then(
          () => void outcome.set(id, 'ok'),
          () => void outcome.set(id, 'refused'),
        );
      });
      await Promise.all(writes);
    }
    const acknowledged = [...outcome]
      .filter(([, o]) => o === 'ok')
      .map(([id]) => id)
      .sort();
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeLessThan(100);
    await store.close();
    const reopened = await openJournalStore({ file });
    expect(ids(reopened)).toEqual(acknowledged);
    await reopened.close();
  });

  it('answers /healthz with 503 once a write failed', async () => {
    const file = join(tempDir(), 'db.json');
    const disk = createFaultyFs();
    const store = await openJournalStore({ file, fs: disk.io });
    const running = await startServer({ port: 0, host: '127.0.0.1', store, logger: createLogger('silent'), surfaces: [] });
    try {
      await store.transact(put('p1'));
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      disk.fail('write', isJournal, 'EIO');
      await expect(store.transact(put('p2'))).rejects.toBeInstanceOf(StoreUnavailableError);
      const res = await fetch(`${running.url}/healthz`);
      expect(res.status).toBe(503);
    } finally {
      await running.close();
      await store.close();
    }
  });

  it('keeps acknowledging writes when the snapshot rename fails, and writes the snapshot at close once it can', async () => {
    const file = join(tempDir(), 'db.json');
    const disk = createFaultyFs();
    const compactErrors: unknown[] = [];
    const store = await openJournalStore({ file, fs: disk.io, compactBytes: 2_000, onCompactError: (e) => compactErrors.push(e) });
    disk.fail('rename', isSnapshot, 'EIO');
    for (let i = 0; i < 30; i++) await store.transact(put(`p${i}`));
    await expect.poll(() => compactErrors.length).toBe(1);
    expect((compactErrors[0] as NodeJS.ErrnoException).code).toBe('EIO');
    // The journals still hold every write: the store stays healthy and goes on acknowledging.
    expect(store.healthy).toBe(true);
    expect(store.degraded).toContain('EIO');
    await store.transact(put('after'));
    expect(existsSync(`${file}.journal.old`)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).providers).toEqual([]);
    disk.heal();
    await store.close();
    // Retried at close: everything in the snapshot, both journals emptied.
    expect(JSON.parse(readFileSync(file, 'utf8')).providers).toHaveLength(31);
    expect(existsSync(`${file}.journal.old`)).toBe(false);
    expect(readFileSync(`${file}.journal`, 'utf8')).toBe('');
  });

  it('says so on /healthz (degraded, still 200) and in the log while the snapshot cannot be renamed, and goes on acknowledging', async () => {
    const disk = createFaultyFs();
    const bot = await startBot({}, { storeFs: disk.io });
    const health = async () => {
      const res = await fetch(`${bot.url}/healthz`);
      return {
        status: res.status,
        body: (await res.json()) as { status: string; checks?: Record<string, { ok: boolean; reason?: string }> },
      };
    };
    const alice = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };
    try {
      await bot.service.addProvider(alice, { name: 'Before' });
      expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
      expect((await health()).body.checks).toBeUndefined();

      disk.fail('rename', isSnapshot, 'EIO');
      await (bot.store as JournalStoreHandle).compact();
      const degraded = await health();
      expect(degraded.status).toBe(200);
      expect(degraded.body.status).toBe('degraded');
      expect(degraded.body.checks!.store).toEqual({ ok: false, reason: expect.stringContaining('EIO') });
      expect(degraded.body.checks!.store!.reason).toContain('every write is kept in the journal');
      const logged = bot.logs.filter((l) => String(l.msg).startsWith('snapshot rewrite failed'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ level: 50, file: bot.config.dataFile, err: expect.objectContaining({ code: 'EIO' }) });

      // Writes are still acknowledged, and the report stays until a snapshot is written.
      await bot.service.addProvider(alice, { name: 'After' });
      disk.heal();
      expect((await health()).body.status).toBe('degraded');
    } finally {
      disk.heal();
      await bot.stop();
    }
    // Written at shutdown: nothing was lost.
    const reopened = await openJournalStore({ file: bot.config.dataFile });
    expect(ids(reopened).length).toBe(2);
    expect([...reopened.all('providers')].map((p) => p.name).sort()).toEqual(['After', 'Before']);
    expect(reopened.degraded).toBeNull();
    await reopened.close();
  });

  it('recovers every acknowledged write after a crash while the snapshot could not be renamed', async () => {
    const file = join(tempDir(), 'db.json');
    const disk = createFaultyFs();
    const compactErrors: unknown[] = [];
    const store = await openJournalStore({ file, fs: disk.io, compactBytes: 2_000, onCompactError: (e) => compactErrors.push(e) });
    disk.fail('rename', isSnapshot, 'ENOSPC');
    for (let i = 0; i < 30; i++) await store.transact(put(`p${i}`));
    await expect.poll(() => compactErrors.length).toBe(1);
    await store.transact(put('after'));
    // Closing cannot write the snapshot either: it says so rather than pretending.
    await expect(store.close()).rejects.toThrow(/ENOSPC/);
    crash(file);
    const reopened = await openJournalStore({ file });
    expect(ids(reopened)).toEqual([...Array.from({ length: 30 }, (_, i) => `p${i}`), 'after'].sort());
    await reopened.close();
  });
});
