/** Indirect providers the reseller already works with. */
import type { Provider } from '../../store/schema.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { Conflict, InvalidInput } from './errors.js';
import { requirePermission, requireRole } from './roles.js';
import { lineOf, optionalLine } from './text.js';

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createProviderOperations(ctx: ServiceContext) {
  return {
    listProviders(actor: Actor): Provider[] {
      requireRole(ctx, actor);
      return [...ctx.store.all('providers')].sort((a, b) => a.name.localeCompare(b.name));
    },

    /** The providers an admin may name on an invitation; refuses non-admins up front. */
    providersToInviteWith(actor: Actor): Provider[] {
      requirePermission(ctx, actor, 'invite');
      return [...ctx.store.all('providers')].sort((a, b) => a.name.localeCompare(b.name));
    },

    /** A Global admin records a provider, with its Microsoft tenant id when known. */
    async addProvider(actor: Actor, input: { name: string; tenantId?: string | null }): Promise<Provider> {
      requirePermission(ctx, actor, 'addProvider');
      const name = lineOf(input.name);
      if (name.length < 2 || name.length > 120) throw new InvalidInput('provider.nameRequired');
      const tenantId = optionalLine(input.tenantId);
      if (tenantId && !TENANT_ID.test(tenantId)) throw new InvalidInput('provider.badTenantId', { tenantId });
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
