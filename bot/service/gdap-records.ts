/** The GDAP relationships the store holds for a customer, and what their fields mean (live, auto-extending, ending soon without it). */
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

/** Microsoft's values: P180D extends by 180 days at the end date; PT0S (or P0D, or nothing) does not. */
export const autoExtends = (duration: string | null | undefined): boolean => Boolean(duration) && duration !== 'PT0S' && duration !== 'P0D';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A relationship ending within this many days without auto-extend is announced. */
export const EXPIRY_NOTICE_DAYS = 30;

/** A live GDAP relationship that ends within EXPIRY_NOTICE_DAYS of `now` and will not extend itself. */
export function endsWithoutExtension(record: Pick<GdapRecord, 'status' | 'endDateTime' | 'autoExtendDuration'>, now: Date): boolean {
  if (!LIVE_GDAP.has(record.status) || !record.endDateTime) return false;
  // PT0S, P0D or nothing: Microsoft's ways of saying it will not extend itself.
  if (autoExtends(record.autoExtendDuration)) return false;
  const ends = Date.parse(record.endDateTime);
  return ends > now.getTime() && ends <= now.getTime() + EXPIRY_NOTICE_DAYS * DAY_MS;
}
