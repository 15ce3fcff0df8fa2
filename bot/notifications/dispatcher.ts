/**
 * The one way out for messages sent outside a turn: notifications to the subscribed conversations
 * and updates of posted cards. Each delivery was written with the event that causes it, so none is
 * lost: a failed send is logged, kept with a back-off, and retried (also after a restart); one
 * failing conversation never holds up the others.
 */
import type { CardLocation, NotificationSubscription, Delivery } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { Cluster } from '../../store/cluster.js';
import type { ServiceEvent } from '../service/events.js';
import type { Logger } from '../logger.js';
import { systemClock } from '../clock.js';
import { inDelivery } from '../telemetry.js';

type ChatPlatform = NotificationSubscription['platform'];

/** A conversation to post in: a subscribed one, or the one a delivery names. */
export type Destination = Pick<NotificationSubscription, 'platform' | 'conversationId' | 'reference' | 'locale'>;

/** What a surface registers: how to send on its platform. Each throws when the platform refuses. */
export interface Sender<P extends ChatPlatform = ChatPlatform> {
  /** Posts the event to a conversation. */
  post(destination: Destination & { platform: P }, event: ServiceEvent): Promise<void>;
  /** Replaces a card the bot posted with the event's card. */
  update(card: CardLocation & { platform: P }, event: ServiceEvent): Promise<void>;
}

export interface DispatcherOptions {
  store: Store;
  logger: Logger;
  now?: () => Date;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often due retries are looked for. */
  pollMs?: number;
  /**
   * With several replicas: a delivery is sent by the replica that claims it, and a claim held by a
   * replica that died is free again after `leaseMs` (longer than any send takes).
   */
  cluster?: Cluster | null;
  leaseMs?: number;
}

export function createDispatcher(options: DispatcherOptions) {
  const { store, logger } = options;
  const now = options.now ?? (() => systemClock.now());
  const baseDelay = options.baseDelayMs ?? 30_000;
  const maxDelay = options.maxDelayMs ?? 60 * 60_000;
  const cluster = options.cluster ?? null;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const senders = new Map<ChatPlatform, Sender>();
  const inFlight = new Set<string>();
  /** Attempts under way, so `idle()` can wait for them (tests, and anything stepping a clock). */
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;

  function deliver(delivery: Delivery): Promise<void> {
    const attempt = inDelivery(delivery, () => attemptDelivery(delivery), () => store.get('deliveries', delivery.id));
    running.add(attempt);
    void attempt.finally(() => running.delete(attempt)).catch(() => {});
    return attempt;
  }

  async function attemptDelivery(delivery: Delivery): Promise<void> {
    if (inFlight.has(delivery.id)) return;
    const { target } = delivery;
    const subscription = target.kind === 'subscription' ? store.get('notificationSubscriptions', target.subscriptionId) : null;
    if (target.kind === 'subscription' && !subscription) {
      // The conversation unsubscribed since: nothing left to deliver.
      await store.transact((tx) => tx.delete('deliveries', delivery.id));
      return;
    }
    const destination: Destination | null = subscription ?? (target.kind === 'conversation' ? target : null);
    const platform = destination ? destination.platform : target.kind === 'card' ? target.card.platform : null;
    const sender = platform ? senders.get(platform) : undefined;
    if (!sender) return; // That platform is not configured in this process; kept for when it is.
    const where = subscription ? { subscription: subscription.id } : target.kind === 'conversation' ? { conversation: platform } : { card: platform };
    inFlight.add(delivery.id);
    const claim = `delivery:${delivery.id}`;
    if (cluster) {
      try {
        if (!(await cluster.claim(claim, leaseMs))) return void inFlight.delete(delivery.id); // another replica sends it
        // Claimed: is it still to be sent? A transaction sees what the other replicas committed.
        const fresh = await store.transact((_tx, read) => read.get('deliveries', delivery.id));
        if (!fresh || fresh.attempts !== delivery.attempts) {
          inFlight.delete(delivery.id);
          return await cluster.release(claim);
        }
      } catch (error) {
        inFlight.delete(delivery.id);
        logger.warn({ err: error, deliveryId: delivery.id }, 'could not claim a delivery; the next poll retries');
        return;
      }
    }
    try {
      const event = delivery.event as unknown as ServiceEvent;
      if (destination) await sender.post(destination, event);
      else if (target.kind === 'card') await sender.update(target.card, event);
      await store.transact((tx) => tx.delete('deliveries', delivery.id));
    } catch (error) {
      const attempts = delivery.attempts + 1;
      const delay = Math.min(maxDelay, baseDelay * 2 ** (attempts - 1));
      logger.warn({ err: error, deliveryId: delivery.id, ...where, attempts, retryInMs: delay }, 'notification not delivered; will retry');
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
      // Released once the outcome is committed: whoever claims it next sees that outcome.
      if (cluster) await cluster.release(claim).catch(() => {});
    }
  }

  /** Delivers every delivery that is due now, in parallel. */
  async function runDue(): Promise<void> {
    const due = [...store.all('deliveries')].filter((d) => Date.parse(d.nextAttemptAt) <= now().getTime());
    await Promise.allSettled(due.map((d) => deliver(d)));
  }

  return {
    register<P extends ChatPlatform>(platform: P, sender: Sender<P>): void {
      // The dispatcher hands each sender only its own platform's subscriptions and cards.
      senders.set(platform, sender as unknown as Sender);
    },
    /** Called with each event that wrote deliveries: delivers them right away. */
    async onAccepted(event: ServiceEvent): Promise<void> {
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
