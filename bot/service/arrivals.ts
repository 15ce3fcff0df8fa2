/**
 * Customers that arrive without an invitation here: one who accepted a reseller link sent outside
 * the bot, approved a GDAP relationship made in Partner Center, or simply appeared in Microsoft's
 * list. Each is announced once to the subscribed conversations, in the same transaction that makes
 * the customer known, with the mark that it was (`announcedAt`): a restart, a second replica, a
 * retried webhook or the next sync finds the customer already there and says nothing.
 *
 * The customers the first full sync finds are the baseline: they were there before the bot looked,
 * and a first connection to a book of 2,000 posts nothing. The partner record keeps when that was.
 */
import type { Customer } from '../../store/schema.js';
import type { StoreReader, Tx } from '../../store/store.js';
import type { ServiceContext } from './context.js';
import type { CustomerArrivedEvent } from './events.js';
import { queueDelivery } from './deliveries.js';

export type ArrivalSource = CustomerArrivedEvent['source'];

/**
 * Whether customers new in this listing are announced. A full listing before the baseline is the
 * baseline (and records it); one event's customer (`partial`) is news whenever it comes. Without a
 * partner record there is nowhere to keep the baseline, so nothing is announced.
 */
export function arrivalsAnnounced(ctx: ServiceContext, tx: Tx, read: StoreReader, partial: boolean): boolean {
  const partner = read.partner();
  if (!partner) return false;
  if (partner.directoryBaselineAt) return true;
  if (partial) return true;
  tx.setPartner({ ...partner, directoryBaselineAt: ctx.now().toISOString() });
  return false;
}

/**
 * Queues the announcement of `customer` to every subscribed conversation; the customer, marked
 * announced. The event joins `news`, for the caller to publish once the transaction is durable.
 */
export function announceArrival(
  ctx: ServiceContext,
  tx: Tx,
  read: StoreReader,
  arrival: { customer: Customer; source: ArrivalSource; news: CustomerArrivedEvent[] },
): Customer {
  const { customer, source } = arrival;
  const at = ctx.now().toISOString();
  const event: CustomerArrivedEvent = {
    type: 'customer.arrived',
    customerId: customer.id,
    companyName: customer.companyName,
    source,
    at,
    deliveryIds: [],
  };
  for (const subscription of read.all('notificationSubscriptions'))
    queueDelivery(ctx, tx, { kind: 'subscription', subscriptionId: subscription.id }, event);
  ctx.audit(tx, ARRIVAL_ACTOR, 'customer.arrived', customer.id, { source });
  arrival.news.push(event);
  return { ...customer, announcedAt: at };
}

/** Who the audit trail names for a customer Microsoft reported. */
const ARRIVAL_ACTOR = { platform: 'web' as const, userId: 'microsoft', displayName: 'Microsoft', locale: 'en' as const };
