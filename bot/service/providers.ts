/** Indirect providers the reseller already works with. */
import type { Provider } from '../../store/schema.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { Conflict, InvalidInput } from './errors.js';
import { requirePermission, requireRole } from './roles.js';
import { lineOf, optionalLine } from './text.js';

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What `add provider <name> [tenant id]` names. The last word is read as the tenant id when it looks
 * meant as one (it has a hyphen, or is a long run of hexadecimal digits), so a mistyped id is
 * refused with a sentence instead of becoming part of the provider's name.
 */
export function providerFromText(text: string): { name: string; tenantId: string | null } {
  const words = text.trim().split(/\s+/);
  const last = words.at(-1) ?? '';
  if (words.length > 1 && (last.includes('-') || /^[{(]?[0-9a-f]{16,}[)}]?$/i.test(last))) return { name: words.slice(0, -1).join(' '), tenantId: last };
  return { name: text, tenantId: null };
}

export function createProviderOperations(ctx: ServiceContext) {
  return {
    listProviders(actor: Actor): Provider[] {
      requireRole(ctx, actor);
      return [...ctx.store.all('providers')].sort((a, b) => a.name.localeCompare(b.name));
    },

    /**
     * The providers an admin may name on an invitation (those whose name contains `named`, when
     * given: one match is the provider meant); refuses non-admins up front.
     */
    providersToInviteWith(actor: Actor, named?: string): Provider[] {
      requirePermission(ctx, actor, 'invite');
      const all = [...ctx.store.all('providers')].sort((a, b) => a.name.localeCompare(b.name));
      const wanted = named?.trim().toLowerCase();
      if (!wanted) return all;
      const exact = all.filter((p) => p.name.toLowerCase() === wanted);
      return exact.length ? exact : all.filter((p) => p.name.toLowerCase().includes(wanted));
    },

    /** A Global admin records a provider, with its Microsoft tenant id when known (or as typed: `{ text }`). */
    async addProvider(actor: Actor, input: { name: string; tenantId?: string | null } | { text: string }): Promise<Provider> {
      requirePermission(ctx, actor, 'addProvider');
      const given = 'text' in input ? providerFromText(input.text) : input;
      const name = lineOf(given.name);
      if (name.length < 2 || name.length > 120) throw new InvalidInput('provider.nameRequired');
      const tenantId = optionalLine(given.tenantId);
      if (tenantId && !TENANT_ID.test(tenantId)) throw new InvalidInput('provider.badTenantId', { tenantId, name });
      return ctx.store.transact((tx, read) => {
        for (const p of read.all('providers')) {
          if (p.name.toLowerCase() === name.toLowerCase()) throw new Conflict('provider.exists', { name: p.name });
        }
        const provider: Provider = { id: ctx.newId(), name, tenantId, createdAt: ctx.now().toISOString() };
        tx.put('providers', provider);
        ctx.audit(tx, actor, 'provider.added', provider.id, { name, tenantId });
        return provider;
      });
    },
  };
}
