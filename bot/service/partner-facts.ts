/**
 * Which indirect providers a customer really has, as Partner Center's API says
 * (GET /v1/customers/{id}/relationships): the sync asks for the customers invited with a provider,
 * a bounded number a pass, and the answers are kept on the customer for the gaps to read.
 */
import type { Customer } from '../../store/schema.js';
import type { ServiceContext } from './context.js';

/** Customers asked about in one sync pass at most (each is one Partner Center call). */
export const PARTNER_CHECKS_PER_PASS = 50;
/** A customer whose provider was there is asked again after this long; one whose provider was missing, every pass. */
const RECHECK_MS = 24 * 60 * 60 * 1000;
/** An unchanged answer is written again only this often (it still moves the customer back in the queue, in memory). */
const REWRITE_MS = 60 * 60 * 1000;

/** The tenant ids of the providers each customer was invited with (accepted invitations only), by customer id. */
export function invitedProviders(ctx: ServiceContext): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const invitation of ctx.store.all('invitations')) {
    if (invitation.status !== 'accepted' || !invitation.customerId || !invitation.providerId) continue;
    const tenantId = ctx.store.get('providers', invitation.providerId)?.tenantId?.toLowerCase();
    if (!tenantId) continue;
    const set = out.get(invitation.customerId) ?? new Set<string>();
    set.add(tenantId);
    out.set(invitation.customerId, set);
  }
  return out;
}

const lacksProvider = (customer: Readonly<Customer>, providers: Set<string>) => {
  const partners = customer.partnerCenter?.partnerTenantIds;
  return !partners || [...providers].some((p) => !partners.includes(p));
};

export function createPartnerFactOperations(ctx: ServiceContext) {
  /** When this process last asked about each tenant: unchanged answers are not all written, yet every customer gets its turn. */
  const asked = new Map<string, number>();
  const lastChecked = (customer: Readonly<Customer>) => {
    const stored = customer.partnerCenter?.partnersCheckedAt;
    const at = Math.max(stored ? Date.parse(stored) : 0, asked.get(customer.tenantId!) ?? 0);
    return at || null;
  };
  return {
    /**
     * The tenants whose partners the sync should read now: never read first, then those whose
     * provider was missing last time (a resent link may have been accepted), then the stalest.
     */
    customersToCheckForProviders(): string[] {
      const now = ctx.now().getTime();
      const due: Array<{ tenantId: string; rank: number; at: number }> = [];
      for (const [customerId, providers] of invitedProviders(ctx)) {
        const customer = ctx.store.get('customers', customerId);
        if (!customer?.tenantId) continue;
        const at = lastChecked(customer);
        const missing = lacksProvider(customer, providers);
        if (at && !missing && now - at < RECHECK_MS) continue;
        due.push({ tenantId: customer.tenantId, rank: !at ? 0 : missing ? 1 : 2, at: at ?? 0 });
      }
      due.sort((a, b) => a.rank - b.rank || a.at - b.at);
      const picked = due.slice(0, PARTNER_CHECKS_PER_PASS).map((d) => d.tenantId);
      for (const tenantId of picked) asked.set(tenantId, now);
      if (asked.size > 100_000) asked.clear(); // bounded, whatever the size of the book
      return picked;
    },

    /** Keeps what Partner Center said of each customer's partners (tenant ids, lower case). */
    async recordCustomerPartners(facts: Array<{ tenantId: string; partnerTenantIds: string[] }>): Promise<number> {
      const at = ctx.now().toISOString();
      const byTenant = new Map(facts.map((f) => [f.tenantId, f.partnerTenantIds.map((id) => id.toLowerCase())]));
      return ctx.store.transact((tx, read) => {
        let changed = 0;
        for (const customer of read.all('customers')) {
          const partners = customer.tenantId ? byTenant.get(customer.tenantId) : undefined;
          if (!partners) continue;
          const known = customer.partnerCenter;
          const same = known?.partnerTenantIds?.join() === partners.join();
          if (same && known?.partnersCheckedAt && Date.parse(at) - Date.parse(known.partnersCheckedAt) < REWRITE_MS) continue;
          tx.put('customers', {
            ...customer,
            partnerCenter: { ...customer.partnerCenter, partnerTenantIds: partners, partnersCheckedAt: at },
          });
          changed++;
        }
        return changed;
      });
    },
  };
}
