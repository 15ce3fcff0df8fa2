/**
 * The composition root as a function: config -> store -> service -> surfaces -> server. main.ts
 * runs it for the process (signals, exit code); tests run it in process too.
 */
import { inspect } from 'node:util';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server/server.js';
import { createSurfaces } from './surfaces.js';
import { observe, startTelemetry } from './telemetry.js';
import { StoreOpenError } from '../store/store.js';
import { redactSecrets, redactUrl, urlSecrets } from '../store/pg/redact.js';

/** Why the bot did not start, in one sentence that names no secret of DATABASE_URL. */
export class CannotStart extends Error {}

export interface Booted {
  url: string;
  /** Closes the server, then the store (its final snapshot, its lock), then telemetry. */
  stop(signal: string): Promise<void>;
}

/** Starts the bot from `env`; logs go to `destination` (stdout by default). */
export async function boot(env: NodeJS.ProcessEnv, options: { demo: boolean; destination?: NodeJS.WritableStream }): Promise<Booted> {
  // The DATABASE_URL's secrets, hidden from every log line and from the start-up failure.
  let secrets: string[] = [];
  try {
    const config = loadConfig(env);
    secrets = config.databaseUrl ? urlSecrets(config.databaseUrl) : [];
    const logger = createLogger(config.logLevel, options.destination, { secrets });
    // Before the app, so the store's commits are timed from the first one.
    const telemetry = await startTelemetry(config.telemetry, logger);
    const app = await createApp(config, logger, { demo: options.demo });
    const { sync } = app;
    observe({ store: app.store, lastSyncSuccess: sync ? () => sync.health().lastSuccessAt : undefined, now: () => app.clock.now() });
    const { surfaces } = await createSurfaces(config, app, logger);
    // Loading the data file leaves its parse garbage (hundreds of MB for 100,000 customers) in a
    // heap V8 would otherwise keep at its peak size. With --expose-gc (npm start), one full
    // collection hands that memory back: before the server listens, so that it does not hold up
    // the first request, and /healthz says ok after it.
    (globalThis as { gc?: () => void }).gc?.();
    const running = await startServer({ port: config.port, host: config.host, store: app.store, logger, surfaces });
    logger.info(
      {
        url: running.url,
        ...(config.databaseUrl ? { database: redactUrl(config.databaseUrl) } : { dataFile: config.dataFile }),
        surfaces: surfaces.map((s) => s.name),
        localMode: config.localMode,
      },
      config.localMode
        ? `listening on ${running.url} in local mode: no Bot Framework credentials, so no Teams auth and loopback only unless HOST is set`
        : `listening on ${running.url}`,
    );
    return {
      url: running.url,
      async stop(signal) {
        logger.info({ signal }, 'shutting down');
        await running.close();
        await app.store.close();
        await telemetry?.shutdown();
      },
    };
  } catch (error) {
    const told = error instanceof ConfigError || error instanceof StoreOpenError ? error.message : inspect(error);
    throw new CannotStart(`Cannot start: ${redactSecrets(told, secrets)}`);
  }
}
