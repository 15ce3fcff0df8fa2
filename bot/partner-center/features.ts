/**
 * What the `microsoft` directory reads and does through Partner Center's API when the partner has
 * it: the reseller link, customers with a reseller relationship, indirect providers, a customer's
 * subscriptions, users and licences, and the removal of a reseller relationship. Every call goes
 * through the connection, which knows whether Partner Center allows it.
 */
import type { CustomerUser, License, Subscription } from '../../store/schema.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CustomerExtras } from '../service/directory.js';
import { Conflict, Unavailable } from '../service/errors.js';
import type { PartnerCenterLink } from './connection.js';
import { PartnerCenterError, type PcSubscription } from './port.js';

const EXTRAS_TTL_MS = 5 * 60_000;
/** Customers whose extras are kept (the most recently opened): a tenant's users can run to thousands. */
const EXTRAS_KEPT = 32;

/** Partner Center's subscription status in the bot's three. */
export function toSubscription(s: PcSubscription): Subscription {
  const status = s.status.toLowerCase();
  return {
    id: s.id,
    offer: s.offerName,
    quantity: Math.max(0, Math.trunc(s.quantity)),
    status:
      status === 'active' || status === 'pending' ? 'active' : status === 'suspended' || status === 'disabled' ? 'suspended' : 'expired',
    renewsOn: s.commitmentEndDate ? s.commitmentEndDate.slice(0, 10) : null,
  };
}

/** A Partner Center failure as a sentence for the person who asked; nothing was changed. */
export function partnerCenterRefusal(error: unknown): Unavailable {
  if (error instanceof PartnerCenterError) {
    if (error.status === 429) return new Unavailable('microsoft.throttled');
    if (error.status === 0 || error.status >= 500) return new Unavailable('microsoft.unreachable');
    return new Unavailable('partnerCenter.refused', { code: error.code || String(error.status) });
  }
  return new Unavailable('microsoft.unreachable');
}

export function createPartnerCenterFeatures(options: { link: PartnerCenterLink; clock: Clock; logger: Logger }) {
  const { link, clock, logger } = options;
  const extras = new Map<string, { value: CustomerExtras; expires: number }>();

  return {
    /** Null while the connection holds (or there is none), else why it was lost. */
    connectionLost: () => link.checkConnection(),

    /** The reseller link from the API (with the provider for a provider invitation), or null to use RESELLER_LINK. */
    async resellerLink(providerTenantId: string | null): Promise<string | null> {
      const client = link.clientFor('relationshipRequests');
      if (!client) return null;
      try {
        return await client.resellerLink({ indirectProviderTenantId: providerTenantId });
      } catch (error) {
        logger.warn({ err: error }, 'Partner Center did not give the reseller link; using RESELLER_LINK');
        return null;
      }
    },

    /** Customers with a reseller relationship, for the synced list; null when the API is not available. */
    async resellerCustomers(): Promise<Array<{ tenantId: string; displayName: string; domain: string }> | null> {
      const client = link.clientFor('customers');
      if (!client) return null;
      const customers = await client.listCustomers();
      return customers
        .filter((c) => c.relationshipToPartner.toLowerCase() === 'reseller')
        .map((c) => ({ tenantId: c.tenantId || c.id, displayName: c.companyName, domain: c.domain }));
    },

    /** The indirect providers this reseller works with; null when the API is not available. */
    async indirectProviders(): Promise<Array<{ tenantId: string; name: string }> | null> {
      const client = link.clientFor('providers');
      return client ? client.indirectProviders() : null;
    },

    /** Live subscriptions, users and licences; `fresh` skips the few minutes' cache (a removal's check). */
    async customerExtras(tenantId: string, options: { fresh?: boolean } = {}): Promise<CustomerExtras | null> {
      const client = link.clientFor('customers');
      if (!client) return null;
      const now = clock.now().getTime();
      const cached = extras.get(tenantId);
      if (cached && cached.expires > now && !options.fresh) {
        // Least recently opened goes first.
        extras.delete(tenantId);
        extras.set(tenantId, cached);
        return cached.value;
      }
      if (cached && cached.expires <= now) extras.delete(tenantId);
      try {
        const [subscriptions, users, skus] = await Promise.all([
          client.subscriptions(tenantId),
          client.users(tenantId),
          client.subscribedSkus(tenantId),
        ]);
        const value: CustomerExtras = {
          subscriptions: subscriptions.map(toSubscription),
          users: users.map((u): CustomerUser => ({ id: u.id, displayName: u.displayName, email: u.userPrincipalName, licenses: [] })),
          licenses: skus.map((k): License => ({
            sku: k.skuName,
            assigned: Math.max(0, Math.trunc(k.consumedUnits)),
            total: Math.max(0, Math.trunc(k.activeUnits)),
          })),
        };
        extras.delete(tenantId);
        extras.set(tenantId, { value, expires: now + EXTRAS_TTL_MS });
        if (extras.size > EXTRAS_KEPT) extras.delete(extras.keys().next().value!);
        return value;
      } catch (error) {
        throw partnerCenterRefusal(error);
      }
    },

    /**
     * PATCHes the reseller relationship away (the service checked the live subscriptions first).
     * Refusals name who can remove it instead; the caller records nothing unless this resolves `removed`.
     */
    async removeResellerRelationship(tenantId: string): Promise<'removed' | null> {
      const client = link.clientFor('customers');
      if (!client) return null;
      try {
        await client.removeResellerRelationship(tenantId);
        extras.delete(tenantId);
        return 'removed';
      } catch (error) {
        if (error instanceof PartnerCenterError && (error.status === 401 || error.status === 403)) {
          throw new Unavailable('partnerCenter.removalRefused', { code: error.code || String(error.status) });
        }
        if (error instanceof PartnerCenterError && error.status >= 400 && error.status < 500) {
          throw new Conflict('partnerCenter.removalBlocked', { code: error.code, description: error.description.slice(0, 300) });
        }
        throw partnerCenterRefusal(error);
      }
    },

    /**
     * The tenant ids of the partners a customer has an active relationship with (its indirect
     * providers), from GET /v1/customers/{id}/relationships; null when the API is not available.
     */
    async customerPartners(tenantId: string): Promise<string[] | null> {
      const client = link.clientFor('customers');
      if (!client) return null;
      const partners = await client.customerRelationships(tenantId);
      return partners.filter((p) => !p.state || p.state.toLowerCase() === 'active').map((p) => p.tenantId.toLowerCase());
    },
  };
}

export type PartnerCenterFeatures = ReturnType<typeof createPartnerCenterFeatures>;
