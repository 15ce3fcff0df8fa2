/**
 * Notification subscriptions: the conversations (Teams channels and chats, Slack channels) that are
 * posted to when a customer accepts, or a GDAP relationship is about to end.
 */
import type { NotificationSubscription } from '../../store/schema.js';
import { toActorRef, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { InvalidInput } from './errors.js';
import { requireRole } from './roles.js';
import { platformData, singleLine } from './text.js';

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
          tx.delete('notificationSubscriptions', id);
          ctx.audit(tx, actor, 'channel.unsubscribed', id);
        }
        return { removed: existed };
      });
    },

    listNotificationSubscriptions(actor: Actor): NotificationSubscription[] {
      requireRole(ctx, actor);
      return [...ctx.store.all('notificationSubscriptions')];
    },
  };
}
