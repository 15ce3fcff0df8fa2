/**
 * One replica of the bot as its own process, for the multi-replica tests: the composition of
 * bot/main.ts (config from the environment, DATABASE_URL selecting the PostgreSQL store), with
 * the background timings short enough for a test: argv[2] the dispatcher's poll, argv[3] its
 * lease on a delivery, argv[4] the first retry delay (all in ms).
 */
import { createApp } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/server/server.js';
import { createSurfaces } from '../../bot/surfaces.js';

const [pollMs, leaseMs, baseDelayMs] = process.argv.slice(2, 5).map(Number);
const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
const app = await createApp(config, logger);
const { surfaces } = await createSurfaces(config, app, logger, { pollMs, leaseMs, baseDelayMs });
const running = await startServer({ port: config.port, host: config.host, store: app.store, logger, surfaces });
logger.info({ url: running.url }, `listening on ${running.url}`);
process.once('SIGTERM', () => {
  void running
    .close()
    .then(() => app.store.close())
    .then(() => process.exit(0));
});
