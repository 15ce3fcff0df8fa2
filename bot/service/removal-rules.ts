/** What stands in the way of removing a reseller relationship, decided once for the refusal and the card. */
import type { Subscription } from '../../store/schema.js';

export interface RemovalBlocker {
  /** Active subscriptions: Partner Center refuses the removal until they are cancelled or lapse. */
  count: number;
  subscriptions: string;
}

export function removalBlocker(subscriptions: readonly Pick<Subscription, 'offer' | 'quantity' | 'status'>[]): RemovalBlocker | null {
  const active = subscriptions.filter((s) => s.status === 'active');
  return active.length ? { count: active.length, subscriptions: active.map((s) => `${s.offer} (${s.quantity})`).join(', ') } : null;
}
