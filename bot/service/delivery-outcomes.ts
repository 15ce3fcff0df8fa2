/**
 * What happens after the dispatcher tried a delivery: the rules for giving up, for dropping a
 * conversation that is gone, and for telling the admins once. The dispatcher only sends and
 * reports; every decision is here, in one transaction with the record it changes, so replicas
 * reporting at once still tell the admins once.
 */
import type { Delivery, NotificationSubscription } from '../../store/schema.js';
import type { StoreReader, Tx } from '../../store/store.js';
import type { Actor } from './actor.js';
import { adminsConversation } from './admins-conversation.js';
import type { ServiceContext } from './context.js';
import { queueDelivery } from './deliveries.js';
import type { GoneReason, NotificationsTroubleEvent } from './events.js';
import { deleteSubscription } from './notification-subscriptions.js';
import { deleteDigestSubscription } from './digest.js';

/**
 * A delivery is given up after this many attempts or this long after it was queued, whichever
 * comes first. With the dispatcher's back-off (30 s doubling to 1 h) 48 attempts take about 42
 * hours, so the age limit matters only when the bot was down for a while.
 */
export const GIVE_UP_AFTER_ATTEMPTS = 48;
export const GIVE_UP_AFTER_DAYS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Errors are the platform's text; kept short in the records. */
const ERROR_KEPT = 300;

/** How a failed attempt went: `retryAt` is the dispatcher's back-off; `gone` the platform's word that it never will succeed. */
export interface DeliveryFailure {
  error: string;
  retryAt: string;
  gone: GoneReason | null;
}

/** What the failure led to: tried again later, given up, the subscription dropped, or nothing left to do. */
export type FailureOutcome = { outcome: 'retry' | 'givenUp' | 'dropped' | 'none'; attempts: number };

/** The platform speaks for itself in the audit trail when it says a conversation is gone. */
const platformActor = (platform: NotificationSubscription['platform'], locale: Actor['locale']): Actor => ({
  platform,
  userId: 'platform',
  displayName: platform === 'teams' ? 'Microsoft Teams' : 'Slack',
  locale,
});

export function createDeliveryOutcomeOperations(ctx: ServiceContext) {
  /** Queues the admins' notice in `tx`; it is published once the transaction is on disk. */
  const tellAdmins = (tx: Tx, read: StoreReader, subscription: Readonly<NotificationSubscription>, event: NotificationsTroubleEvent) => {
    const target = adminsConversation(ctx, read, subscription);
    if (!target) return null;
    queueDelivery(ctx, tx, target, event);
    return event;
  };

  const troubleOf = (
    subscription: Readonly<NotificationSubscription>,
    delivery: Readonly<Delivery>,
    outcome: NotificationsTroubleEvent['outcome'],
    attempts: number,
    reason: GoneReason | null,
  ): NotificationsTroubleEvent => ({
    type: 'notifications.trouble',
    outcome,
    subscriptionId: subscription.id,
    name: subscription.name,
    platform: subscription.platform,
    reason,
    attempts,
    since: delivery.createdAt,
    deliveryIds: [],
  });

  return {
    /** A delivery reached its conversation: it is done, and the conversation's health says so. */
    async recordDelivered(deliveryId: string): Promise<void> {
      const at = ctx.now().toISOString();
      await ctx.store.transact((tx, read) => {
        const delivery = read.get('deliveries', deliveryId);
        if (!delivery) return;
        tx.delete('deliveries', deliveryId);
        if (delivery.target.kind !== 'subscription') return;
        const subscription = read.get('notificationSubscriptions', delivery.target.subscriptionId);
        if (!subscription) return;
        // A success ends an outage: the next one is told to the admins again.
        const next: NotificationSubscription = { ...subscription, lastDeliveredAt: at };
        delete next.givenUpAt;
        tx.put('notificationSubscriptions', next);
      });
    },

    /**
     * A delivery failed. A conversation the platform says is gone is dropped at once (audited)
     * and the admins told; otherwise the delivery is tried again at `retryAt` until it has been
     * tried GIVE_UP_AFTER_ATTEMPTS times or is GIVE_UP_AFTER_DAYS old, then kept as given up,
     * and the admins told once per outage of that conversation. A notice to the admins that
     * cannot be delivered is given up like any other delivery, and never announced: no loop.
     */
    async recordDeliveryFailure(deliveryId: string, failure: DeliveryFailure): Promise<FailureOutcome> {
      const now = ctx.now();
      const at = now.toISOString();
      const error = failure.error.slice(0, ERROR_KEPT);
      const { result, notice } = await ctx.store.transact((tx, read): { result: FailureOutcome; notice: NotificationsTroubleEvent | null } => {
        const delivery = read.get('deliveries', deliveryId);
        if (!delivery || delivery.givenUpAt) return { result: { outcome: 'none', attempts: delivery?.attempts ?? 0 }, notice: null };
        const attempts = delivery.attempts + 1;
        const subscription =
          delivery.target.kind === 'subscription' ? read.get('notificationSubscriptions', delivery.target.subscriptionId) : undefined;
        if (delivery.target.kind === 'subscription' && !subscription) {
          // Unsubscribed or dropped since it was sent: nothing left to deliver.
          tx.delete('deliveries', deliveryId);
          return { result: { outcome: 'none', attempts }, notice: null };
        }
        // Only news to subscribed conversations is announced; a notice is never about a notice.
        const announce = delivery.event.type !== 'notifications.trouble';
        if (failure.gone && subscription) {
          deleteSubscription(tx, read, subscription.id);
          ctx.audit(tx, platformActor(subscription.platform, subscription.locale), 'channel.dropped', subscription.id, {
            name: subscription.name,
            reason: failure.gone,
            error,
          });
          const told = announce ? tellAdmins(tx, read, subscription, troubleOf(subscription, delivery, 'gone', attempts, failure.gone)) : null;
          return { result: { outcome: 'dropped', attempts }, notice: told };
        }
        // A digest's conversation that is gone stops getting digests (and its chart links end).
        const digestOf = delivery.event.type === 'digest' ? read.get('digestSubscriptions', String(delivery.event.subscriptionId)) : undefined;
        if (failure.gone && digestOf) {
          deleteDigestSubscription(tx, read, digestOf.id);
          ctx.audit(tx, platformActor(digestOf.platform, digestOf.locale), 'digest.dropped', digestOf.id, { name: digestOf.name ?? '', reason: failure.gone, error });
          return { result: { outcome: 'dropped', attempts }, notice: null };
        }
        const tooOld = now.getTime() - Date.parse(delivery.createdAt) >= GIVE_UP_AFTER_DAYS * DAY_MS;
        const givenUp = Boolean(failure.gone) || attempts >= GIVE_UP_AFTER_ATTEMPTS || tooOld;
        tx.put('deliveries', {
          ...delivery,
          attempts,
          lastError: error,
          ...(givenUp ? { givenUpAt: at } : { nextAttemptAt: failure.retryAt }),
        });
        let told: NotificationsTroubleEvent | null = null;
        if (subscription) {
          const firstToGiveUp = givenUp && !subscription.givenUpAt;
          tx.put('notificationSubscriptions', { ...subscription, lastFailedAt: at, lastError: error, ...(firstToGiveUp ? { givenUpAt: at } : {}) });
          if (firstToGiveUp && announce) told = tellAdmins(tx, read, subscription, troubleOf(subscription, delivery, 'givenUp', attempts, null));
        }
        return { result: { outcome: givenUp ? 'givenUp' : 'retry', attempts }, notice: told };
      });
      if (notice) ctx.notifier.publish(notice);
      return result;
    },
  };
}
