/**
 * The one way out for messages sent outside a turn: notifications to the subscribed conversations
 * and updates of posted cards. Each delivery was written with the event that causes it, so none is
 * lost: a failed send is logged, kept with a back-off, and retried (also after a restart); one
 * failing conversation never holds up the others. What a failure leads to (given up after too
 * many attempts, a conversation that is gone dropped, the admins told) is the service's rule
 * (service/delivery-outcomes.ts): the dispatcher reports each outcome there. With several
 * replicas, one replica at a time holds a delivery (a hold the database decides and ends when the
 * holder dies, see store/cluster.ts) from before the post until the outcome is committed.
 */
import type { CardLocation, NotificationSubscription, Delivery } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { Cluster, Held } from '../../store/cluster.js';
import type { GoneReason, ServiceEvent } from '../service/events.js';
import type { DeliveryFailure, FailureOutcome } from '../service/delivery-outcomes.js';
import type { Logger } from '../logger.js';
import { systemClock } from '../clock.js';
import { inDelivery } from '../telemetry.js';

type ChatPlatform = NotificationSubscription['platform'];

/** A conversation to post in: a subscribed one, or the one a delivery names. */
export type Destination = Pick<NotificationSubscription, 'platform' | 'conversationId' | 'reference' | 'locale'>;

/**
 * Thrown by a sender when the platform says the conversation (or the card) will never take this
 * post: the bot was removed, the conversation deleted or archived. Any other error is retried.
 */
export class ConversationGone extends Error {
  override readonly name = 'ConversationGone';
  constructor(
    readonly reason: GoneReason,
    /** What the platform said (a status or an error code), for the records. */
    readonly detail: string,
  ) {
    super(`conversation gone (${reason}): ${detail}`);
  }
}

/** The service's side of a delivery's outcome. */
export interface DeliveryOutcomes {
  recordDelivered(deliveryId: string): Promise<void>;
  recordDeliveryFailure(deliveryId: string, failure: DeliveryFailure): Promise<FailureOutcome>;
  /** What to send for a delivery now due, asked just before the post (a reminder re-checks its invitation); null: nothing, it was dropped. */
  prepareDelivery?(delivery: Readonly<Delivery>): Promise<ServiceEvent | null>;
}

/** What a surface registers: how to send on its platform. Each throws when the platform refuses (`ConversationGone` when for good). */
export interface Sender<P extends ChatPlatform = ChatPlatform> {
  /** Posts the event to a conversation. */
  post(destination: Destination & { platform: P }, event: ServiceEvent): Promise<void>;
  /** Replaces a card the bot posted with the event's card. */
  update(card: CardLocation & { platform: P }, event: ServiceEvent): Promise<void>;
}

export interface DispatcherOptions {
  store: Store;
  /** Where outcomes are recorded and decided on (the service). */
  outcomes: DeliveryOutcomes;
  logger: Logger;
  now?: () => Date;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * How often due deliveries are looked for: retries, and with several replicas the deliveries a
   * replica that died was holding (free the moment its connection ended), taken over at the next look.
   */
  pollMs?: number;
  /**
   * With several replicas: a delivery is sent by the replica that holds it (Cluster.hold), from the
   * hold until its outcome is committed; a replica that dies lets go of it at once.
   */
  cluster?: Cluster | null;
}

/** How many due deliveries one look sends at the same time. */
const DUE_AT_ONCE = 32;

/** Tries to record a sent delivery before giving it up (each failure risks a second post). */
const RECORD_SENT_TRIES = 3;

export function createDispatcher(options: DispatcherOptions) {
  const { store, logger, outcomes } = options;
  const now = options.now ?? (() => systemClock.now());
  const baseDelay = options.baseDelayMs ?? 30_000;
  const maxDelay = options.maxDelayMs ?? 60 * 60_000;
  const cluster = options.cluster ?? null;
  const senders = new Map<ChatPlatform, Sender>();
  const inFlight = new Set<string>();
  /** Attempts under way, so `idle()` can wait for them (tests, and anything stepping a clock). */
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let soon: NodeJS.Timeout | null = null;
  let soonAt = 0;
  let unwatch: (() => void) | null = null;

  function deliver(delivery: Delivery): Promise<void> {
    const attempt = inDelivery(delivery, () => attemptDelivery(delivery.id), () => store.get('deliveries', delivery.id));
    running.add(attempt);
    void attempt.finally(() => running.delete(attempt)).catch(() => {});
    return attempt;
  }

  /**
   * One attempt at a delivery, known here by its id only: what is sent is the delivery as the
   * database holds it once this replica holds it (with one process, as the store holds it now),
   * never an older copy. Sent already, or rescheduled by another attempt: nothing to do.
   */
  async function attemptDelivery(id: string): Promise<void> {
    if (inFlight.has(id)) return;
    inFlight.add(id);
    let held: Held<Delivery> | null = null;
    try {
      if (cluster) {
        try {
          held = await cluster.hold('deliveries', id);
        } catch (error) {
          logger.warn({ err: error, deliveryId: id }, 'could not claim a delivery; the next poll retries');
          return;
        }
        if (!held) return; // another replica is sending it, or it is gone (sent)
      }
      const delivery = held ? held.record : store.get('deliveries', id);
      if (!delivery || delivery.givenUpAt || Date.parse(delivery.nextAttemptAt) > now().getTime()) return;
      await send(delivery, held);
    } finally {
      inFlight.delete(id);
      // Released once the outcome is committed: whoever holds it next reads that outcome.
      if (held) await held.release().catch(() => {});
    }
  }

  async function send(delivery: Delivery, held: Held<Delivery> | null): Promise<void> {
    const { target } = delivery;
    const subscription =
      target.kind === 'subscription'
        ? (store.get('notificationSubscriptions', target.subscriptionId) ??
          // Unsubscribed since, or this replica's memory is a moment behind: a transaction reads
          // the latest state, and only a conversation really gone drops its delivery.
          (await store.transact((tx, read) => {
            const current = read.get('notificationSubscriptions', target.subscriptionId);
            if (!current) tx.delete('deliveries', delivery.id);
            return current ?? null;
          })))
        : null;
    if (target.kind === 'subscription' && !subscription) {
      logger.info({ deliveryId: delivery.id, subscription: target.subscriptionId }, 'conversation unsubscribed: its delivery is dropped');
      return;
    }
    const destination: Destination | null = subscription ?? (target.kind === 'conversation' ? target : null);
    const platform = destination ? destination.platform : target.kind === 'card' ? target.card.platform : null;
    const sender = platform ? senders.get(platform) : undefined;
    if (!sender) return; // That platform is not configured in this process; kept for when it is.
    const where = subscription ? { subscription: subscription.id } : target.kind === 'conversation' ? { conversation: platform } : { card: platform };
    // The hold went with a dropped connection: another replica may be sending it now.
    if (held && !held.held) return;
    try {
      const event = outcomes.prepareDelivery ? await outcomes.prepareDelivery(delivery) : (delivery.event as unknown as ServiceEvent);
      if (!event) return; // no longer applies: the service dropped it
      if (destination) await sender.post(destination, event);
      else if (target.kind === 'card') await sender.update(target.card, event);
    } catch (error) {
      const delay = Math.min(maxDelay, baseDelay * 2 ** delivery.attempts);
      const gone = error instanceof ConversationGone ? error.reason : null;
      const failure = { error: describeError(error), gone, retryAt: new Date(now().getTime() + delay).toISOString() };
      const result = await outcomes.recordDeliveryFailure(delivery.id, failure).catch((err: unknown) => {
        logger.error({ err }, 'could not record a failed delivery');
        return null;
      });
      const context = { err: error, deliveryId: delivery.id, ...where, attempts: result?.attempts ?? delivery.attempts + 1 };
      if (result?.outcome === 'retry') logger.warn({ ...context, retryInMs: delay }, 'notification not delivered; will retry');
      else if (result?.outcome === 'givenUp') logger.warn(context, 'notification not delivered; given up');
      else if (result?.outcome === 'dropped') logger.warn({ ...context, gone }, 'the conversation is gone; its subscription was dropped');
      return;
    }
    await recordSent(delivery.id);
  }

  /**
   * Records the sent delivery (the service deletes it and notes the conversation's health),
   * retrying a moment later if the store refuses: until it is recorded, the post can be made
   * again (after this hold, by any replica).
   */
  async function recordSent(id: string): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await outcomes.recordDelivered(id);
        return;
      } catch (error) {
        if (tries >= RECORD_SENT_TRIES) {
          logger.error({ err: error, deliveryId: id }, 'notification sent, but not recorded as sent: it may be sent again');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * tries));
      }
    }
  }

  /**
   * Delivers every delivery that is due now, DUE_AT_ONCE at a time: a backlog (2,000 reminders due
   * when the bot starts after a while) would otherwise start every post at once and hold the
   * event loop, /healthz included, until they all were under way.
   */
  async function runDue(): Promise<void> {
    const at = now().getTime();
    const live = [...store.all('deliveries')].filter((d) => !d.givenUpAt);
    const due = live.filter((d) => Date.parse(d.nextAttemptAt) <= at);
    armNext(live, at);
    let next = 0;
    const worker = async () => {
      while (next < due.length) await deliver(due[next++]!).catch(() => {});
    };
    await Promise.all(Array.from({ length: Math.min(DUE_AT_ONCE, due.length) }, worker));
  }

  /**
   * A delivery due before the next poll (a reminder) is looked at when it is due, not up to a
   * poll later: one look is kept armed, for the earliest such delivery. Only while polling, and
   * only for first attempts: retries keep the polls' pace.
   */
  function armNext(live: Iterable<Pick<Delivery, 'nextAttemptAt' | 'attempts'>>, at: number): void {
    for (const d of live) {
      const due = Date.parse(d.nextAttemptAt);
      if (!timer || d.attempts > 0 || due <= at || due - at >= (options.pollMs ?? 5_000) || (soon && soonAt <= due)) continue;
      if (soon) clearTimeout(soon);
      soonAt = due;
      soon = setTimeout(() => {
        soon = null;
        void runDue();
      }, due - at + 5);
      soon.unref();
    }
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
      const poll = options.pollMs ?? 5_000;
      timer = setInterval(() => void runDue(), poll);
      timer.unref();
      // A delivery written for later (a reminder queued when an invitation is sent) arms its look.
      unwatch = store.watch((change) => {
        if (change.collection === 'deliveries' && change.after && !(change.after as Delivery).givenUpAt)
          armNext([change.after as Delivery], now().getTime());
      });
      void runDue();
    },
    /** Starts no more polls; `idle()` then waits for the attempts under way. */
    stop(): void {
      if (timer) clearInterval(timer);
      if (soon) clearTimeout(soon);
      unwatch?.();
      unwatch = null;
      timer = null;
      soon = null;
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
