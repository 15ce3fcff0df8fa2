/** Figures for a home view: role, pending invitations, recent acceptances, customer count. */
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { effectiveStatus } from './invitations.js';
import { roleOf } from './roles.js';

export function createSummaryOperations(ctx: ServiceContext) {
  return {
    summary(actor: Actor) {
      const role = roleOf(ctx, actor);
      if (!role) return { role, customers: 0, pending: 0, recentAcceptances: [] as Array<{ companyName: string; acceptedAt: string }> };
      const now = ctx.now();
      let pending = 0;
      const accepted: Array<{ companyName: string; acceptedAt: string }> = [];
      for (const inv of ctx.store.all('invitations')) {
        const status = effectiveStatus(inv, now);
        if (status === 'draft' || status === 'sent') pending++;
        if (status === 'accepted' && inv.customerId && inv.acceptedAt) {
          accepted.push({ companyName: ctx.store.get('customers', inv.customerId)?.companyName ?? '', acceptedAt: inv.acceptedAt });
        }
      }
      accepted.sort((a, b) => b.acceptedAt.localeCompare(a.acceptedAt));
      return { role, customers: ctx.indexes.listedCustomers().length, pending, recentAcceptances: accepted.slice(0, 5) };
    },
  };
}
