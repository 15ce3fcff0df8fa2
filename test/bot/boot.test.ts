/**
 * The composition root (bot/boot.ts) in process, as bot/main.ts runs it: what it logs, where it
 * listens, its metrics, what stop() leaves on disk, and the one sentence of a refused start.
 * main.test.ts runs the same code as a child process (signals, exit codes).
 */
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boot, CannotStart } from '../../bot/boot.js';
import { openJournalStore } from '../../store/journal-store.js';
import { freePort } from '../fakes/processes.js';
import { tempDir } from '../helpers.js';

/** A log destination that keeps every line it is given. */
function logLines() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('boot', () => {
  it(
    'starts in local mode on the data file, serves /healthz and its metrics, and on stop writes the file and releases its lock',
    { timeout: 60_000 },
    async () => {
      const dataFile = join(tempDir(), 'db.json');
      const [port, metricsPort] = [await freePort(), await freePort()];
      const logs = logLines();
      const bot = await boot(
        { PORT: String(port), DATA_FILE: dataFile, LOG_LEVEL: 'info', METRICS_PORT: String(metricsPort), PARTNER_NAME: 'Northwind Cloud' },
        { demo: false, destination: logs.stream },
      );
      expect(bot.url).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
      const listening = logs.lines().find((l) => String(l.msg).startsWith('listening on'));
      expect(listening).toMatchObject({
        url: bot.url,
        dataFile,
        localMode: true,
        msg: `listening on ${bot.url} in local mode: no Bot Framework credentials, so no Teams auth and loopback only unless HOST is set`,
      });
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('cspbot_deliveries_waiting');

      await bot.stop('SIGTERM');
      expect(logs.lines().at(-1)).toMatchObject({ signal: 'SIGTERM', msg: 'shutting down' });
      await expect(fetch(`${bot.url}/healthz`)).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
      // The lock is released and the partner written: another process opens the same file at once.
      const again = await openJournalStore({ file: dataFile });
      try {
        expect(again.partner()).toMatchObject({ name: 'Northwind Cloud' });
      } finally {
        await again.close();
      }
    },
  );

  it('refuses a configuration in one sentence that names each problem', async () => {
    const refused = boot({ PORT: 'eighty', LOG_LEVEL: 'loud' }, { demo: false });
    await expect(refused).rejects.toBeInstanceOf(CannotStart);
    await expect(refused).rejects.toThrow(/^Cannot start: Configuration problems:\n {2}- PORT[^\n]*eighty[\s\S]*\n {2}- LOG_LEVEL/);
  });

  it('refuses an unreachable DATABASE_URL without naming its password', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const error = await boot(
      { DATABASE_URL: `postgres://bot:pw-hidden-42@127.0.0.1:${port}/csp`, PORT: String(await freePort()) },
      { demo: false },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CannotStart);
    expect((error as Error).message).toContain(
      `Cannot start: Cannot use the database postgres://bot:***@127.0.0.1:${port}/csp: it cannot be reached (`,
    );
    expect((error as Error).message).not.toContain('pw-hidden-42');
  });
});
