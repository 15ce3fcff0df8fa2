/**
 * The book's gaps (`gaps`): what is missing or risky across the customers, each kind with its
 * count, paged, every row with what its fix needs. Read from what the store holds (customers,
 * relationships, invitations, the GDAP records the sync keeps, and what Partner Center's API said);
 * a fact only Partner Center knows is counted as unknown where its API is not connected, never guessed.
 */
import type { Customer, GdapRecord } from '../../store/schema.js';
import type { Actor } from './actor.js';
import { CAPABILITIES } from './capabilities.js';
import type { ServiceContext } from './context.js';
import { endsWithoutExtension, LIVE_GDAP } from './gdap-records.js';
import { includesGlobalAdministrator } from './entra-roles.js';
import { GAP_KINDS, GAPS_PAGE, isGapKind, type GapKind, type GapPage, type GapRow, type GapSummary } from './gap-kinds.js';
import { requireRole } from './roles.js';

export { GAP_KINDS, GAPS_PAGE, isGapKind } from './gap-kinds.js';
export type { GapKind, GapPage, GapRow, GapSummary } from './gap-kinds.js';

const isMlt = (r: Readonly<GdapRecord>) => /^MLT_/i.test(r.displayName);
// Global Administrator: GDAP with it cannot auto-extend, and should be replaced.
const hasGlobalAdmin = (r: Readonly<GdapRecord>) => includesGlobalAdministrator(r.roleDefinitionIds);
const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

interface Found {
  rows: GapRow[];
  unknown: number;
}

export function createGapOperations(ctx: ServiceContext) {
  const { store } = ctx;

  function emailOf(customer: Readonly<Customer>, invited: Map<string, string>): string | null {
    return customer.contact.email || invited.get(customer.id) || null;
  }

  /** Every gap of the book, computed in one pass over customers, GDAP records and invitations. */
  function findGaps(): Map<GapKind, Found> {
    const microsoft = ctx.directory.kind === 'microsoft';
    const partnerCenter = CAPABILITIES.partnerCenterApi(ctx.directory);
    const found = new Map<GapKind, Found>();
    const add = (kind: GapKind, row: GapRow | null) => {
      const entry = found.get(kind) ?? { rows: [], unknown: 0 };
      if (row) entry.rows.push(row);
      else entry.unknown++;
      found.set(kind, entry);
    };
    // Every kind this deployment can have is shown, even at zero.
    for (const kind of GAP_KINDS) if (microsoft || kind === 'providerWithoutRelationship') found.set(kind, { rows: [], unknown: 0 });

    // The email each customer was invited at, and the provider invitations, newest first.
    const invitedAt = new Map<string, string>();
    const withProvider: Array<{ customerId: string; providerId: string; email: string | null }> = [];
    const seen = new Set<string>();
    for (const id of ctx.indexes.invitationsNewestFirst()) {
      const invitation = store.get('invitations', id);
      if (!invitation?.customerId || invitation.status !== 'accepted') continue;
      if (invitation.customerEmail && !invitedAt.has(invitation.customerId)) invitedAt.set(invitation.customerId, invitation.customerEmail);
      const key = `${invitation.customerId}|${invitation.providerId}`;
      if (!invitation.providerId || seen.has(key)) continue;
      seen.add(key);
      withProvider.push({ customerId: invitation.customerId, providerId: invitation.providerId, email: invitation.customerEmail });
    }
    const row = (customer: Readonly<Customer>, more: Partial<GapRow> = {}): GapRow => ({
      customerId: customer.id,
      name: customer.companyName,
      email: emailOf(customer, invitedAt),
      providerName: null,
      relationship: null,
      ...more,
    });

    // Providers: the bot's own relationships say it with the embedded directory, only Partner Center with Microsoft's.
    for (const { customerId, providerId, email } of withProvider) {
      const customer = store.get('customers', customerId);
      const provider = store.get('providers', providerId);
      if (!customer || !provider || !ctx.indexes.isListedId(customerId)) continue;
      const fix = row(customer, { email: email ?? emailOf(customer, invitedAt), providerName: provider.name });
      if (!microsoft) {
        const has = ctx.indexes
          .relationshipsOf(customerId)
          .some((r) => r.kind === 'provider' && r.providerId === providerId && r.status === 'active');
        if (!has) add('providerWithoutRelationship', fix);
        continue;
      }
      const partners = partnerCenter ? customer.partnerCenter?.partnerTenantIds : undefined;
      const tenant = provider.tenantId?.toLowerCase();
      if (!partners || !tenant) add('providerWithoutRelationship', null);
      else if (!partners.includes(tenant)) add('providerWithoutRelationship', fix);
    }
    if (!microsoft) return found;

    const liveByTenant = new Map<string, Array<Readonly<GdapRecord>>>();
    for (const record of store.all('gdap')) {
      if (!record.customerTenantId || !LIVE_GDAP.has(record.status)) continue;
      const list = liveByTenant.get(record.customerTenantId) ?? [];
      list.push(record);
      liveByTenant.set(record.customerTenantId, list);
    }
    const customerOfTenant = new Map<string, Readonly<Customer>>();
    for (const customer of store.all('customers')) {
      if (customer.tenantId) customerOfTenant.set(customer.tenantId, customer);
      const live = customer.tenantId ? (liveByTenant.get(customer.tenantId) ?? []) : [];
      const listed = ctx.indexes.isListedId(customer.id);
      // Partner Center's listing where it is connected; otherwise only a relationship removed here is known to be gone.
      const reseller =
        partnerCenter && customer.partnerCenter?.reseller !== undefined ? customer.partnerCenter.reseller : listed ? null : false;
      if (live.length > 0) {
        if (reseller === false) add('gdapWithoutReseller', row(customer));
        else if (reseller === null) add('gdapWithoutReseller', null);
        if (live.every(isMlt)) add('onlyMlt', row(customer));
      } else if (listed && reseller !== false) {
        add('resellerWithoutGdap', row(customer));
        // Listed, but whether the reseller relationship is still there only Partner Center could say.
        if (reseller === null) found.get('resellerWithoutGdap')!.unknown++;
      }
    }

    const at = ctx.now();
    for (const [tenantId, records] of liveByTenant) {
      const customer = customerOfTenant.get(tenantId);
      for (const r of records) {
        const about = {
          customerId: customer?.id ?? null,
          name: customer?.companyName ?? (r.customerName || tenantId),
          email: customer ? emailOf(customer, invitedAt) : null,
          providerName: null,
          relationship: { id: r.id, displayName: r.displayName, endsAt: r.endDateTime },
        };
        if (hasGlobalAdmin(r)) add('globalAdmin', about);
        // Global Administrator cannot auto-extend, and MLT_ relationships are read-only: both have their own fix.
        if (endsWithoutExtension(r, at) && !hasGlobalAdmin(r) && !isMlt(r))
          add('endingWithoutAutoExtend', about);
      }
    }
    return found;
  }

  /** Rows by name; relationships ending soon by their end, the nearest first. */
  function sorted(found: Map<GapKind, Found>): Map<GapKind, Found> {
    for (const [kind, entry] of found) {
      if (kind === 'endingWithoutAutoExtend')
        entry.rows.sort((a, b) => (a.relationship!.endsAt ?? '').localeCompare(b.relationship!.endsAt ?? ''));
      else entry.rows.sort((a, b) => byName.compare(a.name, b.name));
    }
    return found;
  }

  const summaryOf = (kind: GapKind, entry: Found): GapSummary => ({ kind, count: entry.rows.length, unknown: entry.unknown });

  return {
    /** `gaps`: each kind of gap this deployment can have, with its count and how many are unknown. */
    gaps(actor: Actor): { gaps: GapSummary[] } {
      requireRole(ctx, actor);
      return { gaps: [...sorted(findGaps())].map(([kind, entry]) => summaryOf(kind, entry)) };
    },

    /** Each kind's count, for the digest (no person: it is posted to a subscribed conversation). */
    gapCounts(): GapSummary[] {
      return [...findGaps()].map(([kind, entry]) => summaryOf(kind, entry));
    },

    /** One kind's rows, `GAPS_PAGE` a page (a page past the end is the last one). */
    gapPage(actor: Actor, input: { kind: unknown; page?: number }): GapPage {
      requireRole(ctx, actor);
      const kind = isGapKind(input.kind) ? input.kind : GAP_KINDS[0];
      const entry = sorted(findGaps()).get(kind) ?? { rows: [], unknown: 0 };
      const pages = Math.max(1, Math.ceil(entry.rows.length / GAPS_PAGE));
      const page = Math.min(Math.max(1, Math.trunc(input.page ?? 1) || 1), pages);
      return { ...summaryOf(kind, entry), rows: entry.rows.slice((page - 1) * GAPS_PAGE, page * GAPS_PAGE), page, pages };
    },
  };
}
