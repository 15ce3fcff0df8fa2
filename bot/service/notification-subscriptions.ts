/**
 * Notification subscriptions: the conversations (Teams channels and chats, Slack channels) that are
 * posted to when a customer accepts, or a GDAP relationship is about to end.
 */
import type { NotificationSubscription } from '../../store/schema.js';
import { toActorRef, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { InvalidInput } from './errors.js';
import { requirePermission, requireRole } from './roles.js';
import { platformData, singleLine } from './text.js';
import type { StoreReader, Tx } from '../../store/store.js';

export interface SubscribeInput {
  platform: 'teams' | 'slack';
  conversationId: string;
  name: string;
  reference?: Record<string, unknown> | null;
}

/** Subscriptions are keyed by platform and conversation, so subscribing twice is harmless. */
export const subscriptionKey = (platform: string, conversationId: string) => `${platform}:${conversationId}`;

export function createNotificationSubscriptionOperations(ctx: ServiceContext) {
  return {
    async subscribeToNotifications(actor: Actor, input: SubscribeInput): Promise<NotificationSubscription> {
      requireRole(ctx, actor);
      if (!input.conversationId) throw new InvalidInput('notifications.noConversation');
      const id = subscriptionKey(input.platform, input.conversationId);
      return ctx.store.transact((tx, read) => {
        const existing = read.get('notificationSubscriptions', id);
        const subscription: NotificationSubscription = {
          // Its health (last delivery, last error) stays with the conversation.
          ...existing,
          id,
          platform: input.platform,
          conversationId: input.conversationId,
          name: singleLine(input.name ?? '') || existing?.name || singleLine(input.conversationId),
          reference: input.reference ? platformData(input.reference) : (existing?.reference ?? null),
          locale: actor.locale,
          createdBy: existing?.createdBy ?? toActorRef(actor),
          createdAt: existing?.createdAt ?? ctx.now().toISOString(),
        };
        tx.put('notificationSubscriptions', subscription);
        ctx.audit(tx, actor, 'channel.subscribed', id, { name: subscription.name });
        return subscription;
      });
    },

    /** Stops notifications to a conversation; harmless when it was not subscribed. */
    async unsubscribeFromNotifications(actor: Actor, input: { platform: 'teams' | 'slack'; conversationId: string }) {
      requireRole(ctx, actor);
      const id = subscriptionKey(input.platform, input.conversationId);
      return ctx.store.transact((tx, read) => {
        const existed = read.get('notificationSubscriptions', id) !== undefined;
        if (existed) {
          deleteSubscription(tx, read, id);
          ctx.audit(tx, actor, 'channel.unsubscribed', id);
        }
        return { removed: existed };
      });
    },

    listNotificationSubscriptions(actor: Actor): NotificationSubscription[] {
      requireRole(ctx, actor);
      return [...ctx.store.all('notificationSubscriptions')];
    },

    /** `notifications`: every subscribed conversation with its health, for anyone with a role. */
    notificationHealth(actor: Actor): SubscriptionHealth[] {
      requireRole(ctx, actor);
      const byId = new Map<string, SubscriptionHealth>();
      for (const s of ctx.store.all('notificationSubscriptions')) byId.set(s.id, { subscription: s, pending: 0, givenUp: 0 });
      for (const d of ctx.store.all('deliveries')) {
        const health = d.target.kind === 'subscription' ? byId.get(d.target.subscriptionId) : undefined;
        if (health) health[d.givenUpAt ? 'givenUp' : 'pending']++;
      }
      return [...byId.values()].sort((a, b) => a.subscription.name.localeCompare(b.subscription.name) || a.subscription.id.localeCompare(b.subscription.id));
    },

    /**
     * The Remove button of `notifications`: only admins, only a subscription that exists (a second
     * click, or one on a stale card, says it is already gone and changes nothing).
     */
    async removeNotificationSubscription(actor: Actor, subscriptionId: string): Promise<{ removed: boolean; name: string | null }> {
      requirePermission(ctx, actor, 'manageNotifications');
      if (!subscriptionId) throw new InvalidInput('notifications.unknown');
      return ctx.store.transact((tx, read) => {
        const subscription = read.get('notificationSubscriptions', subscriptionId);
        if (!subscription) return { removed: false, name: null };
        deleteSubscription(tx, read, subscription.id);
        ctx.audit(tx, actor, 'channel.removed', subscription.id, { name: subscription.name });
        return { removed: true, name: subscription.name };
      });
    },
  };
}

/** A subscription's health as `notifications` shows it: deliveries waiting and given up. */
export interface SubscriptionHealth {
  subscription: Readonly<NotificationSubscription>;
  pending: number;
  givenUp: number;
}

/** A subscription and every delivery still kept for it (given-up ones too: nothing would ever clear them). */
export function deleteSubscription(tx: Tx, read: StoreReader, id: string): void {
  tx.delete('notificationSubscriptions', id);
  for (const d of read.all('deliveries')) if (d.target.kind === 'subscription' && d.target.subscriptionId === id) tx.delete('deliveries', d.id);
}
