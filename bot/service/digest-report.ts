/**
 * What the digest says, read from the store at one moment: the week's acceptances, the invitations
 * still waiting (oldest first), access made ready, GDAP relationships ending within 30 days without
 * extending themselves, open gaps, and invitations sent, accepted and ready per week for the chart.
 * Nothing is kept for it: two readings at the same moment agree.
 */
import type { Customer, GdapRecord, Invitation } from '../../store/schema.js';
import type { StoreReader } from '../../store/store.js';
import type { GapSummary } from './gap-kinds.js';
import { endsWithoutExtension } from './gdap-records.js';
import { effectiveStatus } from './invitation-status.js';

/** Rows shown per section; the count says how many there are, the button opens the whole list. */
export const DIGEST_TOP = 5;
/** Weeks in the chart, the last one ending at the digest's moment. */
export const CHART_WEEKS = 8;
const WEEK_MS = 7 * 86_400_000;

/** One row of a section: who, and the moment that matters for it (accepted, sent, ready, ends). */
export type { ChartWeek, DigestItem, DigestReport, DigestSection } from './digest-types.js';
import type { ChartWeek, DigestItem, DigestReport, DigestSection } from './digest-types.js';

const section = (items: DigestItem[], order: (a: DigestItem, b: DigestItem) => number): DigestSection => ({
  count: items.length,
  top: items.sort(order).slice(0, DIGEST_TOP),
});
const newestFirst = (a: DigestItem, b: DigestItem) => b.at.localeCompare(a.at) || a.name.localeCompare(b.name);
const oldestFirst = (a: DigestItem, b: DigestItem) => a.at.localeCompare(b.at) || a.name.localeCompare(b.name);

const within = (iso: string | null | undefined, from: number, to: number) => {
  if (!iso) return false;
  const t = Date.parse(iso);
  return t >= from && t < to;
};

/** Invitations sent, accepted and made ready per week, for the CHART_WEEKS weeks before `at`. */
export function chartWeeks(read: StoreReader, at: Date): ChartWeek[] {
  const end = at.getTime();
  const first = end - CHART_WEEKS * WEEK_MS;
  const weeks: ChartWeek[] = Array.from({ length: CHART_WEEKS }, (_, i) => ({
    start: new Date(first + i * WEEK_MS).toISOString(),
    sent: 0,
    accepted: 0,
    ready: 0,
  }));
  const add = (iso: string | null | undefined, field: 'sent' | 'accepted' | 'ready') => {
    if (!within(iso, first, end)) return;
    weeks[Math.floor((Date.parse(iso!) - first) / WEEK_MS)]![field]++;
  };
  for (const invitation of read.all('invitations')) {
    add(invitation.sentAt, 'sent');
    add(invitation.acceptedAt, 'accepted');
  }
  for (const record of read.all('gdap')) add(record.access?.readyAt, 'ready');
  return weeks;
}

/** The customer's name where the store knows it, then what the invitation or Microsoft called it. */
function namer(read: StoreReader) {
  const byTenant = new Map<string, Readonly<Customer>>();
  for (const customer of read.all('customers')) if (customer.tenantId) byTenant.set(customer.tenantId, customer);
  return {
    invitation: (i: Readonly<Invitation>) =>
      (i.customerId ? read.get('customers', i.customerId)?.companyName : undefined) ?? i.companyName ?? i.customerEmail ?? '?',
    gdap: (r: Readonly<GdapRecord>) =>
      (r.customerTenantId ? byTenant.get(r.customerTenantId)?.companyName : undefined) ?? r.customerName ?? r.displayName,
  };
}

/** The digest at `at`, in `timeZone`'s days; `chartUrl` is the caller's (it signs it), `gaps` the gaps service's counts. */
export function digestReport(read: StoreReader, at: Date, timeZone: string, chartUrl: string | null, gaps: GapSummary[]): DigestReport {
  const now = at.getTime();
  const name = namer(read);
  const accepted: DigestItem[] = [];
  const pending: DigestItem[] = [];
  for (const invitation of read.all('invitations')) {
    if (invitation.status === 'accepted' && within(invitation.acceptedAt, now - WEEK_MS, now + 1))
      accepted.push({ name: name.invitation(invitation), at: invitation.acceptedAt! });
    else if (invitation.sentAt && effectiveStatus(invitation, at) === 'sent')
      pending.push({ name: name.invitation(invitation), at: invitation.sentAt });
  }
  const ready: DigestItem[] = [];
  const ending: DigestItem[] = [];
  for (const record of read.all('gdap')) {
    if (within(record.access?.readyAt, now - WEEK_MS, now + 1)) ready.push({ name: name.gdap(record), at: record.access!.readyAt! });
    if (endsWithoutExtension(record, at)) ending.push({ name: name.gdap(record), at: record.endDateTime! });
  }
  return {
    at: at.toISOString(),
    timeZone,
    accepted: section(accepted, newestFirst),
    pending: section(pending, oldestFirst),
    ready: section(ready, newestFirst),
    ending: section(ending, oldestFirst),
    gaps,
    weeks: chartWeeks(read, at),
    chartUrl,
  };
}
