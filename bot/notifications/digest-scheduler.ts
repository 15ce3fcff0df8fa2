/**
 * Queues the digests when they are due: once at start (a period missed while the bot was down is
 * queued then, once), at each DIGEST_SCHEDULE moment on a timer armed for it, and on a slow poll
 * as a safety net (a clock that jumped, a timer that fired early). Queuing twice is harmless: the
 * service records each period queued in the same transaction as its deliveries.
 */
import type { Logger } from '../logger.js';
import { systemClock } from '../clock.js';

export interface DigestQueue {
  queueDueDigests(): Promise<number>;
  nextDigestAt(): Date;
}

/** Longest a Node timer may wait (about 24.8 days); a later moment is reached through the poll. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createDigestScheduler(options: { digests: DigestQueue; logger: Logger; now?: () => Date; pollMs?: number }) {
  const { digests, logger } = options;
  const now = options.now ?? (() => systemClock.now());
  let poll: NodeJS.Timeout | null = null;
  let due: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const run = () => {
    running = running
      .then(() => digests.queueDueDigests())
      .then(
        () => {},
        (err: unknown) => logger.warn({ err }, 'could not queue the digests; the next look tries again'),
      );
    return running;
  };

  function arm(): void {
    if (!poll) return;
    if (due) clearTimeout(due);
    // A second late, so the period has started on any clock that rounds.
    const wait = digests.nextDigestAt().getTime() - now().getTime() + 1000;
    due = setTimeout(() => void run().then(arm), Math.min(Math.max(wait, 0), MAX_TIMER_MS));
    due.unref();
  }

  return {
    start(): void {
      poll = setInterval(() => void run(), options.pollMs ?? 60_000);
      poll.unref();
      void run();
      arm();
    },
    /** Stops the timers; resolves once a look under way is done. */
    async stop(): Promise<void> {
      if (poll) clearInterval(poll);
      if (due) clearTimeout(due);
      poll = null;
      due = null;
      await running;
    },
  };
}
