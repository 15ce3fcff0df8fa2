/**
 * What the Microsoft directory's background sync records: the partner's customers and their GDAP
 * relationships (a synced cache, merged with the customers accepted through the bot), and the
 * GDAP relationships ending soon. The sync reads Microsoft; every rule about what it means lives here.
 */
import type { Customer, GdapRecord, Relationship } from '../../store/schema.js';
import type { ServiceContext } from './context.js';
import { endsWithoutExtension, LIVE_GDAP } from './gdap-records.js';
import type { AdminAccessEndingEvent, CustomerArrivedEvent } from './events.js';
import { isPending } from './invitation-status.js';
import { effectiveStatus } from './invitations.js';
import { queueDelivery } from './deliveries.js';
import { singleLine } from './text.js';
import { announceArrival, arrivalsAnnounced } from './arrivals.js';
import type { StoreReader } from '../../store/store.js';
import { mayAutoExtend } from './auto-extend.js';

type AcceptFromDirectory = (invitationId: string, customer: { tenantId: string; companyName: string }) => Promise<unknown>;

/** A GDAP relationship as the directory read it from Microsoft. */
export interface DirectoryRelationship {
  id: string;
  displayName: string;
  status: string;
  customer: { tenantId: string; displayName: string | null } | null;
  roleDefinitionIds: string[];
  autoExtendDuration: string;
  endDateTime: string | null;
}

export { LIVE_GDAP, gdapOf } from './gdap-records.js';
/** Statuses after which a pending request can never be approved. */
export const ENDED_GDAP = new Set(['expired', 'terminated', 'terminationRequested', 'terminating']);

export { EXPIRY_NOTICE_DAYS, endsWithoutExtension } from './gdap-records.js';

export function createDirectorySyncOperations(ctx: ServiceContext, acceptFromDirectory: AcceptFromDirectory) {
  const byTenant = (read: StoreReader = ctx.store) => {
    const map = new Map<string, Readonly<Customer>>();
    for (const customer of read.all('customers')) if (customer.tenantId) map.set(customer.tenantId, customer);
    return map;
  };

  const ops = {
    /** Pending invitations waiting for their GDAP request to be approved at Microsoft. */
    invitationsAwaitingMicrosoft(): Array<{ invitationId: string; gdapRelationshipId: string }> {
      const out: Array<{ invitationId: string; gdapRelationshipId: string }> = [];
      const now = ctx.now();
      for (const id of ctx.indexes.invitationsNewestFirst(true)) {
        const invitation = ctx.store.get('invitations', id)!;
        if (invitation.microsoft && isPending(effectiveStatus(invitation, now))) {
          out.push({ invitationId: id, gdapRelationshipId: invitation.microsoft.gdapRelationshipId });
        }
      }
      return out;
    },

    /**
     * Records the partner's customers and GDAP relationships as Microsoft lists them. Customers are
     * matched by tenant id, so one accepted through the bot and listed by Microsoft is one
     * customer. Only what changed is written. Customers Microsoft no longer lists stay: the cache
     * is merged, never a reason to forget a customer the bot accepted.
     */
    async recordDirectorySnapshot(snapshot: {
      /** `resellerRelationship`: Partner Center lists it as a reseller customer (it accepted the reseller link). */
      customers: Array<{ tenantId: string; displayName: string; domain?: string; resellerRelationship?: boolean }>;
      relationships: DirectoryRelationship[];
      /** Indirect providers from Partner Center, matched by tenant id (null: not read this time). */
      providers?: Array<{ tenantId: string; name: string }> | null;
      /**
       * One event's customer rather than Microsoft's whole list (`partnerCenter`: its acceptance
       * webhook): never the baseline, and announced when new unless `quiet` (an invitation may yet claim it).
       */
      partial?: 'partnerCenter';
      quiet?: boolean;
      /**
       * Partner Center's whole list of reseller customers was read this pass: those it lists are
       * kept as having a reseller relationship, every other customer as not (the gaps read it).
       */
      partnerCenterListed?: boolean;
    }) {
      const at = ctx.now().toISOString();
      // Every name Graph and Partner Center give is text from outside: one line each (text.ts).
      const line = (text: string | null | undefined) => singleLine(text ?? '');
      const invitationOf = new Map<string, string>();
      for (const invitation of ctx.store.all('invitations'))
        if (invitation.microsoft) invitationOf.set(invitation.microsoft.gdapRelationshipId, invitation.id);
      const news: CustomerArrivedEvent[] = [];
      const recorded = await ctx.store.transact((tx, read) => {
        const customers = byTenant(read);
        const arrivals = arrivalsOf(read, snapshot.relationships, invitationOf);
        const announce = arrivalsAnnounced(ctx, tx, read, Boolean(snapshot.partial)) && !snapshot.quiet;
        let added = 0;
        let changed = 0;
        let announced = 0;
        const put = (customer: Customer) => {
          customers.set(customer.tenantId!, customer);
          tx.put('customers', customer);
        };
        for (const listed of snapshot.customers) {
          const name = line(listed.displayName) || listed.tenantId;
          const domain = line(listed.domain).toLowerCase();
          const existing = customers.get(listed.tenantId);
          if (!existing) {
            added++;
            const known: Customer = {
              id: ctx.newId(),
              companyName: name,
              domain,
              tenantId: listed.tenantId,
              contact: { name: '', email: '' },
              subscriptions: [],
              users: [],
              licenses: [],
              createdAt: at,
              updatedAt: at,
            };
            // Announced with the record that makes it known, unless an invitation of the bot's brings it.
            const source = arrivals.outsideGdap.has(listed.tenantId)
              ? 'gdap'
              : snapshot.partial || listed.resellerRelationship
                ? 'partnerCenter'
                : 'directory';
            const isNews = announce && !arrivals.invited.has(listed.tenantId);
            put(isNews ? announceArrival(ctx, tx, read, { customer: known, source, news }) : known);
            if (isNews) announced++;
            const relationship: Relationship = {
              id: ctx.newId(),
              customerId: known.id,
              kind: 'reseller',
              providerId: null,
              status: 'active',
              dapGranted: false,
              invitationId: null,
              createdAt: at,
              endedAt: null,
            };
            tx.put('relationships', relationship);
          } else if (existing.companyName !== name || (domain && !existing.domain)) {
            changed++;
            put({ ...existing, companyName: name, domain: existing.domain || domain, updatedAt: at });
          }
        }
        for (const [tenantId, reseller] of resellerFacts(snapshot, customers.keys())) {
          const customer = customers.get(tenantId)!;
          if (customer.partnerCenter?.reseller === reseller) continue;
          put({ ...customer, partnerCenter: { ...customer.partnerCenter, reseller, checkedAt: at } });
        }
        const providersByTenant = new Map<string, string>();
        for (const p of read.all('providers')) if (p.tenantId) providersByTenant.set(p.tenantId.toLowerCase(), p.id);
        for (const provider of snapshot.providers ?? []) {
          if (providersByTenant.has(provider.tenantId.toLowerCase())) continue;
          const id = ctx.newId();
          tx.put('providers', { id, name: line(provider.name) || provider.tenantId, tenantId: provider.tenantId, createdAt: at });
          providersByTenant.set(provider.tenantId.toLowerCase(), id);
        }
        for (const r of snapshot.relationships) {
          const before = read.get('gdap', r.id);
          const record: GdapRecord = {
            id: r.id,
            displayName: line(r.displayName),
            status: r.status,
            customerTenantId: r.customer?.tenantId ?? null,
            customerName: typeof r.customer?.displayName === 'string' ? line(r.customer.displayName) : null,
            roleDefinitionIds: [...r.roleDefinitionIds],
            autoExtendDuration: r.autoExtendDuration,
            endDateTime: r.endDateTime,
            invitationId: before?.invitationId ?? invitationOf.get(r.id) ?? null,
            syncedAt: before?.syncedAt ?? at,
            expiryNoticeAt: before?.expiryNoticeAt ?? null,
            ...(before?.access ? { access: before.access } : {}),
          };
          const same =
            before &&
            before.status === record.status &&
            before.endDateTime === record.endDateTime &&
            before.autoExtendDuration === record.autoExtendDuration &&
            before.customerTenantId === record.customerTenantId &&
            before.customerName === record.customerName &&
            before.displayName === record.displayName &&
            before.roleDefinitionIds.join() === record.roleDefinitionIds.join();
          if (!same) tx.put('gdap', { ...record, syncedAt: at });
        }
        return { added, changed, announced, customers: snapshot.customers.length, relationships: snapshot.relationships.length };
      });
      // On disk now: delivered right away (the dispatcher's poll is the fallback).
      for (const event of news) ctx.notifier.publish(event);
      return recorded;
    },

    /**
     * GDAP relationships that end within 30 days and will not extend themselves, announced once
     * each: the deliveries to every subscribed conversation are written with the mark that
     * they were, so a restart neither loses nor repeats them.
     */
    async announceEndingAdminAccess(): Promise<number> {
      const now = ctx.now();
      return ctx.store.transact((tx, read) => {
        const customers = byTenant(read);
        let announced = 0;
        for (const record of read.all('gdap')) {
          if (record.expiryNoticeAt || !endsWithoutExtension(record, now) || !record.endDateTime) continue;
          const customer = record.customerTenantId ? customers.get(record.customerTenantId) : undefined;
          const event: AdminAccessEndingEvent = {
            type: 'adminAccess.ending',
            relationshipId: record.id,
            relationshipName: record.displayName,
            customerId: customer?.id ?? null,
            companyName: customer?.companyName ?? record.customerName ?? record.customerTenantId ?? record.displayName,
            endsAt: record.endDateTime,
            deliveryIds: [],
            autoExtendable: Boolean(customer) && record.status === 'active' && mayAutoExtend(record),
          };
          for (const subscription of read.all('notificationSubscriptions')) queueDelivery(ctx, tx, { kind: 'subscription', subscriptionId: subscription.id }, event);
          tx.put('gdap', { ...record, expiryNoticeAt: now.toISOString() });
          announced++;
        }
        return announced;
      });
    },

    /**
     * Partner Center said (a verified webhook) that this customer accepted the reseller link. The link
     * is the same for every customer, so the invitation is the pending one that names this customer:
     * its GDAP request approved by this tenant, else its recipient's email domain, else its company
     * name, and only when exactly one matches. That one is accepted through the one acceptance path
     * (notified once, whoever sees it first: the webhook or the Graph sync). The customer is listed
     * either way; one that no invitation names, new here, is announced as a new customer.
     */
    async acceptCustomerFromPartnerCenter(customer: { tenantId: string; companyName: string; domain: string }): Promise<{ invitationId: string | null }> {
      const now = ctx.now();
      const domain = singleLine(customer.domain).toLowerCase();
      const name = singleLine(customer.companyName).toLowerCase();
      const pending = [...ctx.indexes.pendingInvitationIds()]
        .map((id) => ctx.store.get('invitations', id)!)
        .filter((i) => isPending(effectiveStatus(i, now)));
      const gdapTenant = (i: (typeof pending)[number]) => (i.microsoft ? ctx.store.get('gdap', i.microsoft.gdapRelationshipId)?.customerTenantId : null);
      const rules = [
        (i: (typeof pending)[number]) => gdapTenant(i) === customer.tenantId,
        (i: (typeof pending)[number]) => Boolean(domain) && (i.customerEmail ?? '').toLowerCase().endsWith(`@${domain}`),
        (i: (typeof pending)[number]) => Boolean(name) && (i.companyName ?? '').trim().toLowerCase() === name,
      ];
      let match: string | null = null;
      let ambiguous = false;
      for (const rule of rules) {
        const found = pending.filter(rule);
        if (found.length === 1) {
          match = found[0]!.id;
          break;
        }
        // Ambiguous: the Graph sync (GDAP approval) will say which, and that invitation announces it.
        ambiguous = found.length > 1;
        if (ambiguous) break;
      }
      if (match) await acceptFromDirectory(match, { tenantId: customer.tenantId, companyName: customer.companyName });
      // No invitation names it: a link sent outside the bot, announced as a new customer (once: see arrivals.ts).
      await ops.recordDirectorySnapshot({
        customers: [{ tenantId: customer.tenantId, displayName: customer.companyName, domain: customer.domain }],
        relationships: [],
        partial: 'partnerCenter',
        quiet: ambiguous,
      });
      return { invitationId: match };
    },

  };
  return ops;
}

/**
 * What Partner Center said of each customer's reseller relationship in this snapshot: with its
 * whole list read, listed or not for every customer; one acceptance webhook's customer has one;
 * nothing otherwise (Graph alone does not say).
 */
function resellerFacts(
  snapshot: { customers: Array<{ tenantId: string; resellerRelationship?: boolean }>; partial?: string; partnerCenterListed?: boolean },
  known: Iterable<string>,
): Map<string, boolean> {
  const facts = new Map<string, boolean>();
  if (snapshot.partial === 'partnerCenter') for (const c of snapshot.customers) facts.set(c.tenantId, true);
  if (!snapshot.partnerCenterListed) return facts;
  const listed = new Set(snapshot.customers.filter((c) => c.resellerRelationship).map((c) => c.tenantId));
  for (const tenantId of known) facts.set(tenantId, listed.has(tenantId));
  return facts;
}

/**
 * What a listing's new customers are, beside listed: the tenants of the bot's own GDAP requests
 * (`invited`: their invitation announces them), and those with a live GDAP relationship no
 * invitation here requested (`outsideGdap`: approved outside the bot, in Partner Center for example).
 */
function arrivalsOf(read: StoreReader, relationships: DirectoryRelationship[], invitationOf: Map<string, string>) {
  const invited = new Set<string>();
  const outsideGdap = new Set<string>();
  for (const record of read.all('gdap')) if (record.invitationId && record.customerTenantId) invited.add(record.customerTenantId);
  for (const r of relationships) {
    const tenantId = r.customer?.tenantId;
    if (!tenantId) continue;
    if (read.get('gdap', r.id)?.invitationId || invitationOf.has(r.id)) invited.add(tenantId);
    else if (LIVE_GDAP.has(r.status)) outsideGdap.add(tenantId);
  }
  return { invited, outsideGdap };
}
