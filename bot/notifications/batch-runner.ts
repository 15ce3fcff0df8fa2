/**
 * Runs bulk invitations in the background, one line after the other, each through the service
 * (which writes the line's invitation id with the invitation). A batch started here is run at once;
 * at start-up, and at each look after, unfinished batches are resumed. With several replicas, one
 * replica at a time holds a batch (Cluster.hold, let go when the holder dies), so no two make the
 * same line. Microsoft's throttling waits, longer each time, and the same line is tried again.
 */
import type { Store } from '../../store/store.js';
import type { Cluster, Held } from '../../store/cluster.js';
import type { Batch } from '../../store/schema.js';
import type { BatchStep } from '../service/bulk-invitations.js';
import type { Logger } from '../logger.js';

/** The service's side: which batches are unfinished, and the next line of one. */
export interface BatchWork {
  unfinishedBatches(): string[];
  inviteNextLine(batchId: string): Promise<BatchStep>;
}

export interface BatchRunnerOptions {
  store: Store;
  work: BatchWork;
  logger: Logger;
  cluster?: Cluster | null;
  /** First wait after Microsoft throttled a line (on top of the Graph client's own Retry-After waits); doubles up to `maxWaitMs`. */
  baseWaitMs?: number;
  maxWaitMs?: number;
  /** How often unfinished batches are looked for (a replica that died was running one). */
  pollMs?: number;
}

export function createBatchRunner(options: BatchRunnerOptions) {
  const { store, work, logger } = options;
  const cluster = options.cluster ?? null;
  const baseWait = options.baseWaitMs ?? 1_000;
  const maxWait = options.maxWaitMs ?? 60_000;
  const running = new Map<string, Promise<void>>();
  const sleeping = new Set<() => void>();
  let stopped = true;
  let timer: NodeJS.Timeout | null = null;
  let unwatch: (() => void) | null = null;

  /** Waits `ms`, or less when the runner stops. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(at);
        sleeping.delete(wake);
        resolve();
      };
      const at = setTimeout(wake, ms);
      sleeping.add(wake);
    });

  async function runBatch(batchId: string): Promise<void> {
    let held: Held<Batch> | null = null;
    if (cluster) {
      held = await cluster.hold('batches', batchId).catch((err: unknown) => {
        logger.warn({ err, batchId }, 'could not claim a bulk invitation; the next look retries');
        return null;
      });
      if (!held) return; // another replica runs it, or it is gone
    }
    let throttled = 0;
    try {
      while (!stopped && (!held || held.held)) {
        const step = await work.inviteNextLine(batchId);
        if (step === 'finished') return;
        if (step === 'next') {
          throttled = 0;
          continue;
        }
        const wait = Math.min(maxWait, baseWait * 2 ** throttled++);
        logger.warn({ batchId, waitMs: wait }, 'Microsoft is throttling the bulk invitation; waiting before the same line again');
        await pause(wait);
      }
    } catch (err) {
      // The store refused (or something unexpected): the line is not recorded, so the next look tries it again.
      logger.error({ err, batchId }, 'a bulk invitation stopped on an error; it resumes at the next look');
    } finally {
      if (held) await held.release().catch(() => {});
    }
  }

  function run(batchId: string): void {
    if (stopped || running.has(batchId)) return;
    const job = runBatch(batchId).finally(() => running.delete(batchId));
    running.set(batchId, job);
  }

  const resume = () => work.unfinishedBatches().forEach(run);

  return {
    start(): void {
      stopped = false;
      // A batch just recorded (by this replica's turn, or another's through the change feed) starts at
      // once; its later changes are its runner's own.
      unwatch = store.watch((change) => {
        if (change.collection === 'batches' && !change.before && (change.after as Batch | undefined)?.status === 'running')
          setImmediate(() => run(change.id));
      });
      timer = setInterval(resume, options.pollMs ?? 30_000);
      timer.unref();
      resume();
    },
    /** Starts no more lines; resolves once the lines under way are recorded. */
    async stop(): Promise<void> {
      stopped = true;
      unwatch?.();
      unwatch = null;
      if (timer) clearInterval(timer);
      timer = null;
      for (const wake of [...sleeping]) wake();
      await Promise.allSettled([...running.values()]);
    },
    /** Resolves once no batch is running (tests). */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
  };
}
