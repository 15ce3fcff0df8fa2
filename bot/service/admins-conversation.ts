/**
 * Where the admins are told what needs one of them: the conversation the Partner Center sign-in
 * started in (the connection's `announceTo`, where reconnect nudges go too); without one (the
 * embedded directory, or Partner Center never connected), the conversation most recently
 * subscribed by someone who is an admin now. Never the conversation the news is about.
 */
import type { NotificationSubscription } from '../../store/schema.js';
import type { StoreReader } from '../../store/store.js';
import { CONNECTION_ID } from './partner-center-port.js';
import type { ServiceContext } from './context.js';
import type { ConversationTarget } from './partner-center.js';
import { roleOf } from './roles.js';
import { isPermitted } from './permissions.js';

type Place = Pick<NotificationSubscription, 'platform' | 'conversationId'>;
const same = (a: Place, b: Place) => a.platform === b.platform && a.conversationId === b.conversationId;

/** The admins' conversation, other than `about`; null when no admin can be reached in chat. */
export function adminsConversation(ctx: ServiceContext, read: StoreReader, about: Place): ConversationTarget | null {
  const announceTo = read.get('connections', CONNECTION_ID)?.announceTo;
  if (announceTo && !same(announceTo, about)) return { kind: 'conversation', ...announceTo };
  let best: Readonly<NotificationSubscription> | null = null;
  for (const subscription of read.all('notificationSubscriptions')) {
    // One that is failing itself would not get the news either.
    if (same(subscription, about) || subscription.givenUpAt) continue;
    if (!isPermitted(roleOf(ctx, subscription.createdBy), 'adminAccess')) continue;
    if (!best || subscription.createdAt > best.createdAt) best = subscription;
  }
  if (!best) return null;
  const { platform, conversationId, reference, locale } = best;
  return { kind: 'conversation', platform, conversationId, reference, locale };
}
