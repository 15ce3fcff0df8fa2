/**
 * The one way a rule queues a message for later: a durable delivery, written in the transaction of
 * the change that causes it, its id added to the event so the dispatcher can send it at once.
 */
import type { CardLocation, Delivery, DeliveryTarget, Invitation } from '../../store/schema.js';
import type { StoreReader, Tx } from '../../store/store.js';
import type { ServiceContext } from './context.js';
import type { ServiceEvent } from './events.js';

/**
 * `dueAt`: sent then rather than now (a reminder). It counts as queued then too, so the give-up
 * rule's age (delivery-outcomes.ts) starts when it is due, not when it was written.
 */
export function queueDelivery(ctx: ServiceContext, tx: Tx, target: DeliveryTarget, event: ServiceEvent, dueAt?: Date, id?: string): void {
  const at = (dueAt ?? ctx.now()).toISOString();
  const delivery: Delivery = {
    id: id ?? ctx.newId(),
    target,
    event: { ...event, deliveryIds: [] },
    attempts: 0,
    nextAttemptAt: at,
    lastError: null,
    createdAt: at,
  };
  tx.put('deliveries', delivery);
  event.deliveryIds.push(delivery.id);
}

/** The conversation a posted card lives in, to post there anew; null when the card's record does not say. */
export function conversationOf(card: CardLocation): Extract<DeliveryTarget, { kind: 'conversation' }> | null {
  if (card.platform === 'slack')
    return { kind: 'conversation', platform: 'slack', conversationId: card.channel, reference: null, locale: card.locale };
  const id = (card.reference.conversation as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !id) return null;
  return { kind: 'conversation', platform: 'teams', conversationId: id, reference: card.reference, locale: card.locale };
}

/**
 * Where the person who made an invitation hears of it later (reminders, access ready): the
 * conversation of its draft card, or for one a bulk invitation made, the batch's conversation.
 */
export function inviterConversation(
  read: StoreReader,
  invitation: Pick<Invitation, 'draftMessage' | 'batchId'>,
): Extract<DeliveryTarget, { kind: 'conversation' }> | null {
  if (invitation.draftMessage) return conversationOf(invitation.draftMessage);
  const batch = invitation.batchId ? read.get('batches', invitation.batchId) : undefined;
  return batch?.conversation ? { kind: 'conversation', ...batch.conversation } : null;
}
