/** The GDAP relationships the store holds for a customer, read by the customer's details, admin access and the sync. */
import type { GdapRecord } from '../../store/schema.js';
import type { ServiceContext } from './context.js';

/** GDAP statuses in which the partner's access is, or is about to be, in place. */
export const LIVE_GDAP = new Set(['approved', 'activating', 'active', 'expiring']);

/** A customer tenant's GDAP relationships, newest end date first. */
export function gdapOf(ctx: ServiceContext, tenantId: string | null): GdapRecord[] {
  if (!tenantId) return [];
  const out: GdapRecord[] = [];
  for (const record of ctx.store.all('gdap')) if (record.customerTenantId === tenantId) out.push(record);
  return out.sort((a, b) => (b.endDateTime ?? '').localeCompare(a.endDateTime ?? ''));
}
