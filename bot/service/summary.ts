/** Figures for a home view: role, pending invitations, recent acceptances, customer count. */
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { effectiveStatus } from './invitations.js';
import { isPending } from './invitation-status.js';
import { roleOf } from './roles.js';
import { permissionsOf } from './permissions.js';

export function createSummaryOperations(ctx: ServiceContext) {
  return {
    summary(actor: Actor) {
      const role = roleOf(ctx, actor);
      if (!role) return { role, permissions: permissionsOf(role), customers: 0, pending: 0, recentAcceptances: [] as Array<{ companyName: string; acceptedAt: string }> };
      const now = ctx.now();
      let pending = 0;
      for (const id of ctx.indexes.pendingInvitationIds()) {
        const status = effectiveStatus(ctx.store.get('invitations', id)!, now);
        if (isPending(status)) pending++;
      }
      const recentAcceptances = ctx.indexes
        .latestAcceptances(5)
        .map((inv) => ({ companyName: (inv.customerId && ctx.store.get('customers', inv.customerId)?.companyName) || inv.companyName || '', acceptedAt: inv.acceptedAt! }));
      return { role, permissions: permissionsOf(role), customers: ctx.indexes.listedCustomers().length, pending, recentAcceptances };
    },
  };
}
