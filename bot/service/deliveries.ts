/**
 * The one way a rule queues a message for later: a durable delivery, written in the transaction of
 * the change that causes it, its id added to the event so the dispatcher can send it at once.
 */
import type { Delivery, DeliveryTarget } from '../../store/schema.js';
import type { Tx } from '../../store/store.js';
import type { ServiceContext } from './context.js';
import type { ServiceEvent } from './events.js';

export function queueDelivery(ctx: ServiceContext, tx: Tx, target: DeliveryTarget, event: ServiceEvent): void {
  const at = ctx.now().toISOString();
  const delivery: Delivery = {
    id: ctx.newId(),
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
