/**
 * One replica of the bot as its own process, for the multi-replica tests: the composition of
 * bot/main.ts (config from the environment, DATABASE_URL selecting the PostgreSQL store), with
 * the background timings short enough for a test: argv[2] the dispatcher's poll, argv[3] the
 * first retry delay (in ms; empty: the production default). A line `<token>` on its stdin
 * is answered `<token> idle` once it has read every change committed so far and no delivery
 * attempt of its own is under way: from then on it starts none for a delivery already gone.
 */
import { createInterface } from 'node:readline';
import { createApp } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/server/server.js';
import { createSurfaces } from '../../bot/surfaces.js';

const [pollMs, baseDelayMs] = process.argv.slice(2, 4).map((arg) => (arg ? Number(arg) : undefined));
const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
const app = await createApp(config, logger);
const { surfaces, dispatcher } = await createSurfaces(config, app, logger, { pollMs, baseDelayMs });
const running = await startServer({ port: config.port, host: config.host, store: app.store, logger, surfaces });
logger.info({ url: running.url }, `listening on ${running.url}`);
createInterface({ input: process.stdin }).on('line', (token) => {
  void (async () => {
    await (app.store as { sync?: () => Promise<void> }).sync?.();
    await dispatcher.idle();
    process.stdout.write(`${token} idle\n`);
  })();
});
process.once('SIGTERM', () => {
  void running
    .close()
    .then(() => app.store.close())
    .then(() => process.exit(0));
});
