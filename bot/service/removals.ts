/** Removing a reseller relationship: request -> attestation -> confirmation by an admin. */
import type { Removal, Relationship } from '../../store/schema.js';
import { toActorRef, type Actor } from './actor.js';
import { attestationText, type AttestationText } from './attestation.js';
import { removalBlocker } from './removal-rules.js';
import type { ServiceContext } from './context.js';
import { Conflict, InvalidInput, NotFound } from './errors.js';
import { resolveCustomer } from './customers.js';
import { requirePermission } from './roles.js';
import type { RemovalFollowUp } from './directory.js';

export interface RemovalRecord {
  removal: Removal;
  companyName: string;
  domain: string;
  attestation: AttestationText;
  /** True when this call found the work already done (a second click, a replayed card). */
  alreadyDone: boolean;
  /**
   * With the Microsoft directory, a confirmed removal records the attestation only: the reseller
   * relationship is removed in Partner Center (or by the indirect provider), at this link.
   */
  followUp: RemovalFollowUp | null;
}

const activeResellerRelationship = (ctx: ServiceContext, customerId: string): Relationship | undefined => {
  return ctx.indexes.relationshipsOf(customerId).find((r) => r.kind === 'reseller' && r.status === 'active');
};

/**
 * Partner Center refuses while subscriptions are active; so do we, and never suspend anything.
 * Where the directory reads subscriptions live (Partner Center's API), those are the ones checked.
 */
async function refuseActiveSubscriptions(ctx: ServiceContext, customerId: string): Promise<void> {
  const customer = ctx.store.get('customers', customerId);
  // A record that is gone has no subscriptions to refuse on (the view names it by its id).
  if (!customer) return;
  const live = customer.tenantId && ctx.directory.customerExtras ? await ctx.directory.customerExtras(customer.tenantId, { fresh: true }) : null;
  const blocker = removalBlocker(live?.subscriptions ?? customer.subscriptions);
  if (blocker) throw new Conflict('removal.activeSubscriptions', { company: customer.companyName, ...blocker });
}

export function createRemovalOperations(ctx: ServiceContext) {
  /** `relationshipActive`: what the transaction that is writing it knows (the store shows it only after). */
  const view = (removal: Removal, alreadyDone: boolean, relationshipActive?: boolean): RemovalRecord => {
    const customer = ctx.store.get('customers', removal.customerId);
    const stillActive = relationshipActive ?? ctx.store.get('relationships', removal.relationshipId)?.status === 'active';
    return {
      removal,
      companyName: customer?.companyName ?? removal.customerId,
      domain: customer?.domain ?? '',
      attestation: attestationText(removal.attestationLocale),
      alreadyDone,
      // Left to do by hand only while the relationship is still active here (Microsoft did not remove it).
      followUp:
        removal.status === 'confirmed' && customer && stillActive
          ? ctx.directory.removalFollowUp(customer)
          : null,
    };
  };

  const load = (removalId: string): Removal => {
    const removal = typeof removalId === 'string' ? ctx.store.get('removals', removalId) : undefined;
    if (!removal) throw new NotFound('removal.notFound');
    return removal;
  };

  return {
    /** Starts a removal and returns the attestation to confirm; asking twice reuses the request. */
    async requestRemoval(actor: Actor, customerRef: string): Promise<RemovalRecord> {
      requirePermission(ctx, actor, 'remove');
      const customer = resolveCustomer(ctx, customerRef);
      await refuseActiveSubscriptions(ctx, customer.id);
      return ctx.store.transact((tx, read) => {
        const relationship = activeResellerRelationship(ctx, customer.id);
        if (!relationship) throw new NotFound('customer.notFound', { query: customerRef });
        for (const r of read.all('removals')) {
          if (r.relationshipId === relationship.id && r.status === 'pending' && r.attestationLocale === actor.locale) return view(r, false);
        }
        const removal: Removal = {
          id: ctx.newId(),
          customerId: customer.id,
          relationshipId: relationship.id,
          status: 'pending',
          requestedBy: toActorRef(actor),
          requestedAt: ctx.now().toISOString(),
          attestationVersion: attestationText(actor.locale).version,
          attestationLocale: actor.locale,
          attestedBy: null,
          attestedAt: null,
          cancelledBy: null,
          cancelledAt: null,
        };
        tx.put('removals', removal);
        ctx.audit(tx, actor, 'removal.requested', removal.id, { customerId: customer.id });
        return view(removal, false);
      });
    },

    /**
     * Ends the reseller relationship once an admin attests. DAP is left exactly as it was.
     * Confirming a removal that is already confirmed returns its outcome and changes nothing.
     */
    async confirmRemoval(actor: Actor, removalId: string, input: { attested: unknown }): Promise<RemovalRecord> {
      requirePermission(ctx, actor, 'remove');
      const current = load(removalId);
      if (current.status === 'confirmed') return view(current, true);
      if (current.status === 'cancelled') throw new Conflict('removal.cancelled');
      if (input.attested !== true) throw new InvalidInput('removal.attestationRequired', {}, { attest: 'removal.attestationRequired' });
      await refuseActiveSubscriptions(ctx, current.customerId);
      // Where the directory can remove it at Microsoft, it is removed there first: nothing is
      // recorded unless Microsoft confirmed (a refusal is a sentence, and the removal stays pending).
      const customerNow = ctx.store.get('customers', current.customerId);
      const removedAtMicrosoft =
        customerNow?.tenantId && ctx.directory.removeResellerRelationship ? await ctx.directory.removeResellerRelationship(customerNow.tenantId) : null;
      return ctx.store.transact((tx, read) => {
        const removal = read.get('removals', removalId)!;
        if (removal.status === 'confirmed') return view(removal, true);
        const now = ctx.now().toISOString();
        const relationship = read.get('relationships', removal.relationshipId);
        const customer = read.get('customers', removal.customerId);
        // Where Partner Center holds the relationship, it stays active here until Microsoft's list drops it.
        const endsHere = removedAtMicrosoft === 'removed' || !customer || ctx.directory.removalFollowUp(customer) === null;
        if (endsHere && relationship && relationship.status === 'active') {
          // Only the status changes: dapGranted keeps its recorded value.
          tx.put('relationships', { ...relationship, status: 'removed', endedAt: now });
        }
        const confirmed: Removal = { ...removal, status: 'confirmed', attestedBy: toActorRef(actor), attestedAt: now };
        tx.put('removals', confirmed);
        ctx.audit(tx, actor, 'removal.confirmed', removal.id, {
          customerId: removal.customerId,
          relationshipId: removal.relationshipId,
          attestationVersion: removal.attestationVersion,
          attestationLocale: removal.attestationLocale,
          dapGranted: relationship?.dapGranted ?? null,
          removedAtMicrosoft: removedAtMicrosoft === 'removed',
        });
        return view(confirmed, false, relationship?.status === 'active' && !endsHere);
      });
    },

    getRemoval(actor: Actor, removalId: string): RemovalRecord {
      requirePermission(ctx, actor, 'remove');
      return view(load(removalId), false);
    },

    /** A removal that is still waiting for its attestation (to show the attestation again). */
    openRemoval(actor: Actor, removalId: string): RemovalRecord {
      requirePermission(ctx, actor, 'remove');
      const removal = load(removalId);
      if (removal.status === 'confirmed') throw new Conflict('removal.alreadyConfirmed');
      if (removal.status === 'cancelled') throw new Conflict('removal.cancelled');
      return view(removal, false);
    },

    async cancelRemoval(actor: Actor, removalId: string): Promise<RemovalRecord> {
      requirePermission(ctx, actor, 'remove');
      const current = load(removalId);
      if (current.status === 'cancelled') return view(current, true);
      if (current.status === 'confirmed') throw new Conflict('removal.alreadyConfirmed');
      return ctx.store.transact((tx, read) => {
        const removal = read.get('removals', removalId)!;
        const cancelled: Removal = { ...removal, status: 'cancelled', cancelledBy: toActorRef(actor), cancelledAt: ctx.now().toISOString() };
        tx.put('removals', cancelled);
        ctx.audit(tx, actor, 'removal.cancelled', removal.id, { customerId: removal.customerId });
        return view(cancelled, false);
      });
    },
  };
}
