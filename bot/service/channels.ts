/** Conversations (Teams channels and chats, Slack channels) notified when a customer accepts. */
import type { ChannelSubscription } from '../../store/schema.js';
import { toActorRef, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { InvalidInput } from './errors.js';
import { requireRole } from './roles.js';

export interface SubscribeInput {
  platform: 'teams' | 'slack';
  conversationId: string;
  name: string;
  reference?: Record<string, unknown> | null;
}

/** Subscriptions are keyed by platform and conversation, so subscribing twice is harmless. */
export const channelKey = (platform: string, conversationId: string) => `${platform}:${conversationId}`;

export function createChannelOperations(ctx: ServiceContext) {
  return {
    async subscribeChannel(actor: Actor, input: SubscribeInput): Promise<ChannelSubscription> {
      requireRole(ctx, actor);
      if (!input.conversationId) throw new InvalidInput('channel.missing');
      const id = channelKey(input.platform, input.conversationId);
      return ctx.store.transact((tx, read) => {
        const existing = read.get('channels', id);
        const subscription: ChannelSubscription = {
          id,
          platform: input.platform,
          conversationId: input.conversationId,
          name: input.name || existing?.name || input.conversationId,
          reference: input.reference ?? existing?.reference ?? null,
          locale: actor.locale,
          createdBy: existing?.createdBy ?? toActorRef(actor),
          createdAt: existing?.createdAt ?? ctx.now().toISOString(),
        };
        tx.put('channels', subscription);
        ctx.audit(tx, actor, 'channel.subscribed', id, { name: subscription.name });
        return subscription;
      });
    },

    /** Stops notifications to a conversation; harmless when it was not subscribed. */
    async unsubscribeChannel(actor: Actor, input: { platform: 'teams' | 'slack'; conversationId: string }) {
      requireRole(ctx, actor);
      const id = channelKey(input.platform, input.conversationId);
      return ctx.store.transact((tx, read) => {
        const existed = read.get('channels', id) !== undefined;
        if (existed) {
          tx.delete('channels', id);
          ctx.audit(tx, actor, 'channel.unsubscribed', id);
        }
        return { removed: existed };
      });
    },

    listChannels(actor: Actor): ChannelSubscription[] {
      requireRole(ctx, actor);
      return [...ctx.store.all('channels')];
    },
  };
}
