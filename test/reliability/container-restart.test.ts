/**
 * The bot as a container runs it: `bot/main.ts` in a fresh PID namespace (`unshare --pid --fork
 * --mount-proc`, so it is pid 1 at every start, as in a container), killed with SIGKILL and started
 * the same way again; and a bot paused past the lock's stale window while another took over.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, heldBy, killAll, run, type Running } from '../fakes/processes.js';
import { tempDir } from '../helpers.js';

afterEach(() => killAll());

const NAMESPACE = ['unshare', '--pid', '--fork', '--mount-proc'];
const probe = spawnSync(NAMESPACE[0]!, [...NAMESPACE.slice(1), 'true'], { encoding: 'utf8' });
const unshareMissing = probe.status === 0 ? null : `unshare cannot make a PID namespace here (${probe.error?.message ?? probe.stderr.trim()})`;
if (unshareMissing) console.warn(`Skipping the restart in a fresh PID namespace: ${unshareMissing}.`);

const health = (port: number) =>
  fetch(`http://127.0.0.1:${port}/healthz`).then(
    (res) => res.status,
    () => 'down',
  );

/** The bot on `dataFile`, its process in a new PID namespace when `wrap` says so. */
function bot(dataFile: string, port: number, wrap: string[] = []): Running {
  return run('bot/main.ts', [], cleanEnv({ PORT: String(port), DATA_FILE: dataFile, LOG_LEVEL: 'info' }), wrap);
}

/** The host's pid of the process that unshare forked (pid 1 inside the namespace). */
function namespaceInit(wrapper: Running): number {
  const children = readFileSync(`/proc/${wrapper.child.pid}/task/${wrapper.child.pid}/children`, 'utf8').trim();
  return Number(children.split(' ')[0]);
}

describe('a restart in a container', () => {
  it.skipIf(unshareMissing)(
    'after kill -9, starts again in a fresh PID namespace with the same pid, healthy within seconds; a second live one is refused',
    { timeout: 120_000 },
    async () => {
      const dataFile = join(tempDir(), 'db.json');
      const port = await freePort();
      const first = bot(dataFile, port, NAMESPACE);
      await first.waitFor(/listening on/, 30_000);
      expect(await health(port)).toBe(200);
      // The bug this replaces: the lock named pid 1, and the next start, pid 1 again, took it for itself alive.
      expect(JSON.parse(readFileSync(join(`${dataFile}.lock`, 'owner'), 'utf8')).pid).toBe(1);
      process.kill(-first.child.pid!, 'SIGKILL');
      await first.exited();
      await expect.poll(() => health(port)).toBe('down');

      const started = performance.now();
      const second = bot(dataFile, port, NAMESPACE);
      await expect.poll(() => health(port), { timeout: 40_000, interval: 200 }).toBe(200);
      const healthyAfter = performance.now() - started;
      console.log(`restarted in a fresh PID namespace after kill -9: healthy after ${Math.round(healthyAfter)} ms`);
      const waits = (second.stdout() + second.stderr()).split('\n').filter((l) => l.includes('goes stale within'));
      expect(waits).toHaveLength(1);
      expect(waits[0]).toContain('waiting for it');
      expect(JSON.parse(readFileSync(join(`${dataFile}.lock`, 'owner'), 'utf8')).pid).toBe(1);

      const third = bot(dataFile, await freePort(), NAMESPACE);
      expect((await third.exited(40_000)).code).toBe(1);
      expect(third.stderr()).toContain(`Cannot start: Cannot open data file ${dataFile}: ${heldBy(1, dataFile)}`);
      expect(await health(port)).toBe(200);

      // SIGTERM to the bot itself (unshare does not pass signals on): a clean stop releases the lock.
      process.kill(namespaceInit(second), 'SIGTERM');
      expect((await second.exited(30_000)).code).toBe(0);
      expect(existsSync(`${dataFile}.lock`)).toBe(false);
    },
  );

  it('a bot paused past the stale window stops writing once it resumes (/healthz 503), while the one that took over goes on', { timeout: 120_000 }, async () => {
    const dataFile = join(tempDir(), 'db.json');
    const [pausedPort, nextPort] = [await freePort(), await freePort()];
    const paused = bot(dataFile, pausedPort);
    await paused.waitFor(/listening on/, 30_000);
    paused.child.kill('SIGSTOP');
    try {
      const next = bot(dataFile, nextPort);
      await expect.poll(() => health(nextPort), { timeout: 40_000, interval: 200 }).toBe(200);
      expect(JSON.parse(readFileSync(join(`${dataFile}.lock`, 'owner'), 'utf8')).pid).toBe(next.child.pid);
    } finally {
      paused.child.kill('SIGCONT');
    }
    await expect.poll(() => health(pausedPort), { timeout: 20_000 }).toBe(503);
    await paused.waitFor(/the data file lock was taken over/, 5_000);
    expect(await health(nextPort)).toBe(200);
  });
});
