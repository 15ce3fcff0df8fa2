/** The reseller's customer list: only customers with an active reseller relationship with us. */
import type { Customer, CustomerUser, GdapRecord, License, Relationship, Subscription } from '../../store/schema.js';
import { gdapOf } from './gdap-records.js';
import type { CustomerExtras } from './directory.js';
import type { Actor } from './actor.js';
import { removalBlocker, type RemovalBlocker } from './removal-rules.js';
import type { ServiceContext } from './context.js';
import { InvalidInput, NotFound } from './errors.js';
import { requireRole } from './roles.js';
import { normalise } from './indexes.js';
import { lineOf, singleLine } from './text.js';

export const PAGE_SIZE = 10;
/** Users, subscriptions and licenses are shown this many at a time: a tenant can have thousands. */
export const DETAILS_PAGE_SIZE = 10;

export interface CustomerPage {
  items: Array<Readonly<Customer>>;
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
  query: string;
}

export interface RelationshipView extends Relationship {
  providerName: string | null;
}

/** One page of a customer's users, subscriptions or licenses, with the total. */
export interface Slice<T> {
  items: T[];
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
}

/** The pages of a customer's details to show; 1 when not given or out of range. */
export interface DetailsPages {
  users?: number;
  subscriptions?: number;
  licenses?: number;
}

/**
 * A customer's details as the chat shows them: the account, and one page of each long list.
 * The whole lists never leave the service, so no card can grow with the size of the tenant.
 */
export interface CustomerDetails {
  customer: Readonly<Omit<Customer, 'users' | 'subscriptions' | 'licenses'>>;
  users: Slice<Readonly<CustomerUser>>;
  subscriptions: Slice<Readonly<Subscription>>;
  licenses: Slice<Readonly<License>>;
  relationships: RelationshipView[];
  dapGranted: boolean;
  activeSubscriptions: number;
  /** Why the relationship cannot be removed now (the same rule `requestRemoval` refuses on), or null. */
  removalBlocked: RemovalBlocker | null;
  /** With the Microsoft directory: the customer's GDAP relationships and its Partner Center page. */
  microsoft: {
    adminAccess: GdapRecord[];
    partnerCenterLink: string | null;
    /** Set when the stored Partner Center sign-in cannot be decrypted: the live extras are missing for that reason. */
    partnerCenterKeyChanged?: true;
  } | null;
}

export function sliceOf<T>(all: readonly T[], requested: number | undefined, pageSize = DETAILS_PAGE_SIZE): Slice<T> {
  const pageCount = Math.max(1, Math.ceil(all.length / pageSize));
  const page = Number.isInteger(requested) ? Math.min(Math.max(1, requested!), pageCount) : 1;
  return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pageCount, pageSize };
}

/** Customers with an active reseller relationship, sorted; a provider's own customers never appear. */
export function listedCustomers(ctx: ServiceContext): Array<Readonly<Customer>> {
  return ctx.indexes.listedCustomers().map((e) => ctx.store.get('customers', e.id)!);
}

/**
 * Finds one listed customer by id, domain or name (exact first, then a unique partial match).
 * Several partial matches are refused with their names, so the user can be precise.
 */
export function resolveCustomer(ctx: ServiceContext, ref: string): Readonly<Customer> {
  const wanted = normalise(typeof ref === 'string' ? ref : '');
  if (!wanted) throw new InvalidInput('customer.nameRequired');
  const listed = (c: Readonly<Customer> | undefined) => (c && ctx.indexes.isListedId(c.id) ? c : undefined);
  const direct = listed(ctx.store.get('customers', ref)) ?? listed(ctx.indexes.customerByDomain(wanted));
  if (direct) return direct;
  const entries = ctx.indexes.listedCustomers();
  const exact = entries.filter((e) => e.search === wanted);
  if (exact.length === 1) return ctx.store.get('customers', exact[0]!.id)!;
  const partial = exact.length > 1 ? exact : entries.filter((e) => e.search.includes(wanted) || e.domain.includes(wanted));
  if (partial.length === 1) return ctx.store.get('customers', partial[0]!.id)!;
  if (partial.length === 0) throw new NotFound('customer.notFound', { query: ref });
  const names = partial
    .slice(0, 5)
    .map((c) => `${c.name} (${c.domain})`)
    .join(', ');
  throw new InvalidInput('customer.ambiguous', { query: ref, names, count: partial.length });
}

export function createCustomerOperations(ctx: ServiceContext) {
  const detailsOf = (customer: Readonly<Customer>, pages: DetailsPages, extras: CustomerExtras | null): CustomerDetails => {
    const { users: storedUsers, subscriptions: storedSubscriptions, licenses: storedLicenses, ...account } = customer;
    const users = extras?.users ?? storedUsers;
    const subscriptions = extras?.subscriptions ?? storedSubscriptions;
    const licenses = extras?.licenses ?? storedLicenses;
    const relationships = ctx.indexes
      .relationshipsOf(customer.id)
      .map((r) => ({ ...r, providerName: r.providerId ? (ctx.store.get('providers', r.providerId)?.name ?? null) : null }));
    return {
      customer: account,
      users: sliceOf(users, pages.users),
      subscriptions: sliceOf(subscriptions, pages.subscriptions),
      licenses: sliceOf(licenses, pages.licenses),
      relationships,
      dapGranted: relationships.some((r) => r.kind === 'reseller' && r.status === 'active' && r.dapGranted),
      activeSubscriptions: subscriptions.filter((s) => s.status === 'active').length,
      removalBlocked: removalBlocker(subscriptions),
      microsoft:
        ctx.directory.kind === 'microsoft'
          ? {
              adminAccess: gdapOf(ctx, customer.tenantId),
              // Where to see subscriptions, users and licences when the bot cannot read them.
              partnerCenterLink: extras ? null : (ctx.directory.removalFollowUp(customer)?.link ?? null),
              ...(!extras && ctx.directory.partnerCenter?.keyChanged() ? { partnerCenterKeyChanged: true as const } : {}),
            }
          : null,
    };
  };

  return {
    /** Paged and searchable by name or domain, sorted by name. */
    listCustomers(actor: Actor, input: { query?: string; page?: number } = {}): CustomerPage {
      requireRole(ctx, actor);
      const query = normalise(input.query ?? '');
      const all = ctx.indexes.listedCustomers();
      const matches = query ? all.filter((c) => c.search.includes(query) || c.domain.includes(query)) : all;
      const pageCount = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
      const requested = Number.isInteger(input.page) ? input.page! : 1;
      const page = Math.min(Math.max(1, requested), pageCount);
      return {
        items: matches.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((e) => ctx.store.get('customers', e.id)!),
        total: matches.length,
        page,
        pageCount,
        pageSize: PAGE_SIZE,
        query: lineOf(input.query),
      };
    },

    /**
     * Account, relationships (with DAP) and one page each of the subscriptions, users and licenses
     * of a listed customer.
     */
    getCustomer(actor: Actor, ref: string, pages: DetailsPages = {}): CustomerDetails {
      requireRole(ctx, actor);
      return detailsOf(resolveCustomer(ctx, ref), pages, null);
    },

    /**
     * The same details, with the subscriptions, users and licences the directory reads live where
     * it can (Partner Center's API, cached a few minutes); the stored ones otherwise.
     */
    async customerDetails(actor: Actor, ref: string, pages: DetailsPages = {}): Promise<CustomerDetails> {
      requireRole(ctx, actor);
      const customer = resolveCustomer(ctx, ref);
      const extras = customer.tenantId && ctx.directory.customerExtras ? await ctx.directory.customerExtras(customer.tenantId) : null;
      return detailsOf(customer, pages, extras && extrasAsText(extras));
    },
  };
}

/** What Partner Center says of a customer's users, subscriptions and licences, its texts normalised (text.ts). */
function extrasAsText(extras: CustomerExtras): CustomerExtras {
  return {
    users: extras.users.map((u) => ({ ...u, displayName: singleLine(u.displayName), email: singleLine(u.email), licenses: u.licenses.map(singleLine) })),
    subscriptions: extras.subscriptions.map((s) => ({ ...s, offer: singleLine(s.offer) })),
    licenses: extras.licenses.map((l) => ({ ...l, sku: singleLine(l.sku) })),
  };
}
