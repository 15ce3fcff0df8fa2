/** Starts the whole bot (config -> app -> surfaces -> server) on a temp data file, on loopback. */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../bot/app.js';
import type { Clock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer, type ServerLimits } from '../../bot/server/server.js';
import { createSurfaces } from '../../bot/surfaces.js';
import type { StoreFs } from '../../store/durable-file.js';
import { tempDir } from '../helpers.js';

/**
 * `dataFile` restarts a bot on the data file of an earlier one (stopped first); `clock` pins the
 * bot's time, so back-offs are stepped through instead of waited for; `storeFs` is the disk under
 * the data file (test/fakes/faulty-fs.ts fails it on request); `limits` tightens the server's bounds
 * on bodies read before authentication.
 */
export async function startBot(
  env: Record<string, string> = {},
  options: { slackMaxInFlight?: number; slackRetryMs?: number; dataFile?: string; clock?: Clock; storeFs?: StoreFs; limits?: Partial<ServerLimits> } = {},
) {
  const dataFile = options.dataFile ?? join(tempDir(), 'db.json');
  const config = loadConfig({
    PORT: '3978',
    PARTNER_NAME: 'Northwind Cloud',
    BOOTSTRAP_ADMINS: 'teams:aad-admin,slack:UADMIN',
    DATA_FILE: dataFile,
    ...env,
  });
  // Warnings and errors are kept for the test to read (refusals leave a trail there).
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', sink);
  const app = await createApp({ ...config, publicUrl: config.publicUrl }, logger, { clock: options.clock, storeFs: options.storeFs });
  // With a pinned clock the production back-off (30 s doubling) is stepped through; without one,
  // 10 ms keeps real-time retries short.
  const baseDelayMs = options.clock ? undefined : 10;
  const { surfaces, dispatcher } = await createSurfaces(config, app, logger, {
    pollMs: 60_000,
    baseDelayMs,
    slackMaxInFlight: options.slackMaxInFlight,
    slackRetryMs: options.slackRetryMs,
  });
  const running = await startServer({ port: 0, host: '127.0.0.1', store: app.store, logger, surfaces, limits: options.limits });
  return {
    ...app,
    config,
    dispatcher,
    url: running.url,
    /** The Node http server underneath (to hand it a connection of the test's own). */
    httpServer: running.server.server,
    logs,
    /** Resolves once Slack work acknowledged so far, and the deliveries under way, are done. */
    async idle() {
      for (const surface of surfaces) await surface.idle?.();
      await dispatcher.idle();
    },
    async stop() {
      await running.close();
      await app.store.close();
    },
  };
}
