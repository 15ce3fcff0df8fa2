/**
 * Admin access (GDAP) and the directory's connection, as the chat asks for them: `status`,
 * `refresh customers`, and `end admin access <customer>` (the confirmation card, then the
 * termination at Microsoft, audited).
 */
import type { GdapRecord } from '../../store/schema.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import type { DirectoryStatus } from './directory.js';
import { resolveCustomer } from './customers.js';
import { gdapOf, LIVE_GDAP } from './gdap-records.js';
import { requirePermission, requireRole } from './roles.js';

export function createAdminAccessOperations(ctx: ServiceContext) {
  return {
    /** The directory's connection, the permissions it lacks and its last sync (admins only). */
    async directoryStatus(actor: Actor): Promise<DirectoryStatus & { partnerName: string | null }> {
      requirePermission(ctx, actor, 'adminAccess');
      const status: DirectoryStatus = ctx.directory.status
        ? await ctx.directory.status()
        : {
            kind: ctx.directory.kind,
            tenantId: ctx.store.partner()?.tenantId ?? null,
            appId: null,
            missingPermissions: null,
            permissionError: null,
            sync: null,
          };
      // The name customers see comes first: `status` says when it is missing.
      const partnerName = ctx.store.partner()?.name ?? null;
      return ctx.checks ? { ...status, partnerName, checks: await ctx.checks() } : { ...status, partnerName };
    },

    /** `refresh customers`: reads Microsoft now; null with a directory that has nothing to read. */
    async refreshCustomers(actor: Actor): Promise<{ customers: number; added: number } | null> {
      requireRole(ctx, actor);
      return ctx.directory.refresh ? ctx.directory.refresh() : null;
    },

    /** A listed customer's GDAP relationships as last synced, newest end date first: what `end admin access` would end. */
    adminAccessOf(
      actor: Actor,
      customerRef: string,
    ): { customerId: string; companyName: string; tenantId: string | null; relationships: GdapRecord[] } {
      requirePermission(ctx, actor, 'adminAccess');
      const customer = resolveCustomer(ctx, customerRef);
      return {
        customerId: customer.id,
        companyName: customer.companyName,
        tenantId: customer.tenantId,
        relationships: gdapOf(ctx, customer.tenantId),
      };
    },

    /**
     * `end admin access`: terminates the customer's live GDAP relationships at Microsoft, then
     * records what Microsoft answered, audited. Admins only; the card's ids are re-checked here.
     */
    async endAdminAccess(actor: Actor, customerId: string) {
      requirePermission(ctx, actor, 'adminAccess');
      const customer = resolveCustomer(ctx, customerId);
      const live = gdapOf(ctx, customer.tenantId).filter((r) => LIVE_GDAP.has(r.status));
      // Nothing live (or a directory without GDAP): nothing to end, which is what was asked.
      if (live.length === 0 || !ctx.directory.endAdminAccess || !customer.tenantId)
        return { companyName: customer.companyName, ended: [] as GdapRecord[], notEnded: [] as NotEnded[], alreadyDone: true };
      const outcomes = await ctx.directory.endAdminAccess(customer.tenantId);
      const ended = outcomes.filter((e) => !e.notEnded);
      const notEnded = outcomes.filter((e) => e.notEnded).map((e) => ({ displayName: e.displayName, reason: e.notEnded! }));
      // Nothing ended: nothing changed, so nothing is recorded; the card says why.
      if (ended.length === 0) return { companyName: customer.companyName, ended: [] as GdapRecord[], notEnded, alreadyDone: false };
      const at = ctx.now().toISOString();
      const records = await ctx.store.transact((tx, read) => {
        const out: GdapRecord[] = [];
        for (const e of ended) {
          const before = read.get('gdap', e.relationshipId);
          if (!before) continue;
          const after = { ...before, status: e.status, syncedAt: at };
          tx.put('gdap', after);
          out.push(after);
        }
        ctx.audit(tx, actor, 'adminAccess.ended', customer.id, {
          tenantId: customer.tenantId,
          relationships: ended.map((e) => e.relationshipId),
        });
        return out;
      });
      return { companyName: customer.companyName, ended: records, notEnded, alreadyDone: false };
    },
  };
}

/** A relationship `end admin access` left as it was, and why (`notYetActive`, or Microsoft's refusal). */
export interface NotEnded {
  displayName: string;
  reason: string;
}
