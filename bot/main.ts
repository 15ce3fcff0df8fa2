/** The bot as a process: boot.ts's composition root, stopped cleanly on SIGTERM and SIGINT. */
import { inspect } from 'node:util';
import { boot, CannotStart } from './boot.js';

boot(process.env, { demo: process.argv.includes('--demo') }).then(
  (bot) => {
    const shutdown = (signal: string) => void bot.stop(signal).then(() => process.exit(0));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  },
  (error: unknown) => {
    console.error(error instanceof CannotStart ? error.message : inspect(error));
    process.exit(1);
  },
);
