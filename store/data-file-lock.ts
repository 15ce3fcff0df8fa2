/**
 * The data file's lock, so two processes never write the same store.
 *
 * A directory `<file>.lock`, made with mkdir (atomic) and kept fresh by proper-lockfile's mtime
 * heartbeat: a lock whose time stops moving for `staleMs` belongs to a process that is gone, and
 * is taken over. A process id proves nothing here: a container gives every start the same ones, and
 * a volume shared by two containers shows each the other's ids as not running.
 *
 * - A start that finds the lock waits, at most the stale window, for it either to move (a live
 *   holder: refused) or to go stale (a crash: taken over), and says once that it waits.
 * - The lock holds an `owner` file (a random token, the pid and host for the messages). The store
 *   checks the token before every write, and the heartbeat checks the time, so a process that lost
 *   its lock (paused past the window while another took over) stops writing at once.
 * - A lock left by the previous version (a regular file holding a pid) is taken over unless that
 *   pid runs here and started before the file was written.
 *
 * Staleness compares file times with the wall clock, as every process that shares the folder does;
 * it is not the bot's business clock (bot/clock.ts).
 */
import * as nodeFs from 'node:fs';
import { lstatSync, readFileSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';

/** How long a lock may go without a heartbeat before it counts as abandoned. */
export const LOCK_STALE_MS = 10_000;
/** How often the holder refreshes the lock's time. */
const HEARTBEAT_MS = 2_000;
const POLL_MS = 250;

/** Another process holds the lock; the message is the sentence to show. */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
}

/** This process no longer holds the lock: it must stop writing. */
export class LockLostError extends Error {
  override readonly name = 'LockLostError';
}

/** A lock this process holds. */
export interface DataFileLock {
  readonly path: string;
  /** Throws a LockLostError unless this process still holds the lock; cheap enough for every write. */
  verify(): void;
  /** Calls `listener` once if the lock is lost (taken over, removed, or abandoned). */
  onLost(listener: (error: LockLostError) => void): void;
  /** Removes the lock, if it is still this process's. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** The stale window (tests shorten it); default LOCK_STALE_MS. */
  staleMs?: number;
  /** Told once, in a sentence, when the start has to wait for a lock to move or go stale. */
  onWait?: (message: string) => void;
}

interface Owner {
  token: string;
  pid: number;
  host: string;
}

interface Held {
  token: string;
  lose(error: LockLostError): void;
}

/** Locks this process holds, by lock path: a second store on the same file in one process is refused too. */
const held = new Map<string, Held>();

/** Locks this process let go of without removing: a heartbeat already under way must not touch them. */
const forgotten = new Set<string>();

// A lock directory holds its owner file, so removing one (a stale lock, or ours at release or exit) removes both.
const lockFs = {
  ...nodeFs,
  utimes: (path: string, atime: Date, mtime: Date, callback: (error: Error | null) => void) =>
    forgotten.has(path) ? callback(null) : nodeFs.utimes(path, atime, mtime, callback),
  rmdir: (path: string, callback: (error: Error | null) => void) => nodeFs.rm(path, { recursive: true, force: true }, callback),
  rmdirSync: (path: string) => rmSync(path, { recursive: true, force: true }),
};
// The same, but leaving the directory where it is: for a lock that is no longer ours to remove.
const keepFs = { ...lockFs, rmdir: (_path: string, callback: (error: Error | null) => void) => callback(null) };

/** The lock's path for `file`, through the folder's real path (two spellings of one folder share one lock). */
export function lockPathOf(file: string): string {
  return `${join(realpathSync(dirname(file)), basename(file))}.lock`;
}

/** Takes the lock beside `file` (whose folder must exist), waiting out a crashed holder's stale window. */
export async function acquireLock(file: string, options: LockOptions = {}): Promise<DataFileLock> {
  const path = lockPathOf(file);
  const target = path.slice(0, -'.lock'.length);
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  if (held.has(path)) throw new LockHeldError(heldSentence(path, { pid: process.pid, host: hostname() }));
  clearLegacyLock(path);
  forgotten.delete(path);

  const owner: Owner = { token: randomUUID(), pid: process.pid, host: hostname() };
  const listeners: Array<(error: LockLostError) => void> = [];
  let lost: LockLostError | null = null;
  const taken = (why: string) => new LockLostError(`Another process took over the lock ${path}, or it was removed (${why}): this process stopped writing to ${target}; restart it.`);
  // Stops the heartbeat and forgets the lock (proper-lockfile would otherwise remove it at exit), leaving the directory.
  const forget = () => {
    forgotten.add(path);
    return lockfile.unlock(target, { realpath: false, fs: keepFs }).catch(() => {});
  };
  const lose = (error: LockLostError) => {
    if (lost) return;
    lost = error;
    if (held.get(path)?.token === owner.token) held.delete(path);
    void forget();
    for (const listener of listeners) listener(error);
  };
  const unlock = await lockWithin(path, target, staleMs, options.onWait, (error) => lose(taken(error.message)));
  writeOwner(path, owner);
  held.set(path, { token: owner.token, lose });

  return {
    path,
    verify() {
      if (!lost && readOwner(path)?.token !== owner.token) lose(taken('its owner file names another process'));
      if (lost) throw lost;
    },
    onLost(listener) {
      listeners.push(listener);
    },
    async release() {
      if (lost) return;
      held.delete(path);
      // Never remove a lock that another process took over.
      if (readOwner(path)?.token === owner.token) await unlock().catch(() => {});
      else await forget();
    },
  };
}

/**
 * Stops holding the lock on `file` as a process killed with SIGKILL does, and long ago: the lock
 * directory stays, with its owner file, no longer refreshed and older than any stale window. The
 * store that held it sees its lock lost and writes nothing more. For tests that crash a store
 * within one process.
 */
export function abandonLock(file: string): void {
  const path = lockPathOf(file);
  const mine = held.get(path);
  if (!mine) throw new Error(`This process does not hold the lock ${path}.`);
  mine.lose(new LockLostError(`The lock ${path} was abandoned.`));
  utimesSync(path, new Date(0), new Date(0));
}

async function lockWithin(path: string, target: string, staleMs: number, onWait: LockOptions['onWait'], onCompromised: (error: Error) => void) {
  const started = performance.now();
  let seen: number | null | undefined;
  for (;;) {
    try {
      return await lockfile.lock(target, { stale: staleMs, update: Math.min(HEARTBEAT_MS, staleMs / 2), realpath: false, fs: lockFs, onCompromised });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const time = mtimeOf(path);
    // A lock whose time moved while we watched has a live holder.
    const moved = seen !== undefined && seen !== null && time !== null && time !== seen;
    if (moved || performance.now() - started > staleMs + HEARTBEAT_MS) throw new LockHeldError(heldSentence(path, readOwner(path)));
    if (seen === undefined) {
      const who = describe(readOwner(path));
      onWait?.(`The lock ${path} is held by ${who}; if that process has crashed, the lock goes stale within ${Math.ceil(staleMs / 1000)} s: waiting for it.`);
    }
    seen = time;
    await sleep(POLL_MS);
  }
}

function heldSentence(path: string, owner: Pick<Owner, 'pid' | 'host'> | null): string {
  return `${describe(owner, 'another process')} is using it and keeps its lock ${path} fresh; stop that process, or use another data file.`;
}

function describe(owner: Pick<Owner, 'pid' | 'host'> | null, prefix = 'a process'): string {
  return owner ? `${prefix} (pid ${owner.pid} on ${owner.host})` : prefix;
}

/** Writes the owner file, then puts the directory's time back: proper-lockfile takes a changed time for a takeover. */
function writeOwner(path: string, owner: Owner): void {
  const before = statSync(path);
  writeFileSync(join(path, 'owner'), JSON.stringify(owner), { mode: 0o600 });
  utimesSync(path, before.atime, before.mtime);
}

function readOwner(path: string): Owner | null {
  try {
    const owner = JSON.parse(readFileSync(join(path, 'owner'), 'utf8')) as Partial<Owner>;
    return typeof owner.token === 'string' && typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as Owner) : null;
  } catch {
    // Not there yet (a holder between mkdir and its owner file), gone, or torn: unknown owner.
    return null;
  }
}

function mtimeOf(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * The previous version's lock, a regular file holding a pid, checked with kill(pid, 0). It is
 * taken over unless that pid runs here, is not this process, and started before the file was
 * written (a pid reused by another process started later).
 */
function clearLegacyLock(path: string): void {
  let stat: nodeFs.Stats;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isFile()) return;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid) && !startedAfter(pid, stat.mtimeMs)) {
    throw new LockHeldError(`process ${pid}, an older version of the bot, holds its lock ${path}; stop that process (if it is not the bot, delete that file).`);
  }
  rmSync(path, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether process `pid` started after `time` (ms since the epoch), from Linux's /proc; false when unknown. */
function startedAfter(pid: number, time: number): boolean {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the command name (which may hold spaces): clock
    // ticks since boot, at USER_HZ (100 on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(boot)) return false;
    return boot * 1000 + ticks * 10 > time + 1000;
  } catch {
    return false;
  }
}
