/** The audit trail: every mutation leaves one event, written with the change itself. */
import type { AuditEvent } from '../../store/schema.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { requirePermission } from './roles.js';

export function createAuditOperations(ctx: ServiceContext) {
  return {
    /** Newest first; admins only, as it names people and customers. */
    listAudit(actor: Actor, input: { limit?: number; target?: string } = {}): AuditEvent[] {
      requirePermission(ctx, actor, 'audit');
      const limit = Math.min(Math.max(1, input.limit ?? 20), 500);
      // Insertion order breaks ties between events of the same millisecond (newest last in the store).
      const events = [...ctx.store.all('audit')].filter((e) => !input.target || e.target === input.target).reverse();
      return events.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
    },
  };
}
