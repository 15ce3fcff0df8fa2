/**
 * Delivers acceptance notifications. Each delivery was written with the acceptance itself, so
 * none is lost: a failed post is logged, kept with a back-off, and retried; one failing channel
 * never holds up the others.
 */
import type { ChannelSubscription, Delivery } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { InvitationAcceptedEvent } from '../service/events.js';
import type { Logger } from '../logger.js';

/** Posts one event to one subscribed conversation; throws when the platform refuses. */
export type Sender = (subscription: ChannelSubscription, event: InvitationAcceptedEvent) => Promise<void>;

export interface DispatcherOptions {
  store: Store;
  logger: Logger;
  now?: () => Date;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often due retries are looked for. */
  pollMs?: number;
}

export function createDispatcher(options: DispatcherOptions) {
  const { store, logger } = options;
  const now = options.now ?? (() => new Date());
  const baseDelay = options.baseDelayMs ?? 30_000;
  const maxDelay = options.maxDelayMs ?? 60 * 60_000;
  const senders = new Map<string, Sender>();
  const inFlight = new Set<string>();
  /** Attempts under way, so `idle()` can wait for them (tests, and anything stepping a clock). */
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;

  function deliver(delivery: Delivery): Promise<void> {
    const attempt = attemptDelivery(delivery);
    running.add(attempt);
    void attempt.finally(() => running.delete(attempt)).catch(() => {});
    return attempt;
  }

  async function attemptDelivery(delivery: Delivery): Promise<void> {
    if (inFlight.has(delivery.id)) return;
    const subscription = store.get('channels', delivery.subscriptionId);
    if (!subscription) {
      // The channel unsubscribed since: nothing left to deliver.
      await store.transact((tx) => tx.delete('deliveries', delivery.id));
      return;
    }
    const send = senders.get(subscription.platform);
    if (!send) return; // That platform is not configured in this process; kept for when it is.
    inFlight.add(delivery.id);
    try {
      await send(subscription, delivery.event as unknown as InvitationAcceptedEvent);
      await store.transact((tx) => tx.delete('deliveries', delivery.id));
    } catch (error) {
      const attempts = delivery.attempts + 1;
      const delay = Math.min(maxDelay, baseDelay * 2 ** (attempts - 1));
      logger.warn({ err: error, deliveryId: delivery.id, channel: subscription.id, attempts, retryInMs: delay }, 'notification not delivered; will retry');
      await store
        .transact((tx, read) => {
          const current = read.get('deliveries', delivery.id);
          if (current) {
            tx.put('deliveries', { ...current, attempts, lastError: describeError(error).slice(0, 500), nextAttemptAt: new Date(now().getTime() + delay).toISOString() });
          }
        })
        .catch((err: unknown) => logger.error({ err }, 'could not record a failed delivery'));
    } finally {
      inFlight.delete(delivery.id);
    }
  }

  /** Delivers every delivery that is due now, in parallel. */
  async function runDue(): Promise<void> {
    const due = [...store.all('deliveries')].filter((d) => Date.parse(d.nextAttemptAt) <= now().getTime());
    await Promise.allSettled(due.map((d) => deliver(d)));
  }

  return {
    register(platform: 'teams' | 'slack', sender: Sender): void {
      senders.set(platform, sender);
    },
    /** Called with each accepted invitation: delivers its deliveries right away. */
    async onAccepted(event: InvitationAcceptedEvent): Promise<void> {
      const deliveries = event.deliveryIds.map((id) => store.get('deliveries', id)).filter((d): d is Delivery => Boolean(d));
      await Promise.allSettled(deliveries.map((d) => deliver(d)));
    },
    runDue,
    /** Resolves once no delivery attempt is under way (each one's outcome recorded on disk). */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    start(): void {
      const poll = options.pollMs ?? 15_000;
      timer = setInterval(() => void runDue(), poll);
      timer.unref();
      void runDue();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

/**
 * Why a post failed, for the delivery record. The Teams connector's RestError for a 403 has an
 * empty message: its name and HTTP status are then all there is to say.
 */
function describeError(error: unknown): string {
  const { message, name, statusCode } = (error ?? {}) as { message?: string; name?: string; statusCode?: number };
  if (message) return message;
  const parts = [name, statusCode].filter((p) => p !== undefined && p !== '');
  return parts.length ? parts.join(' ') : String(error);
}
