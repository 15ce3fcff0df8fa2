/**
 * "Turn on auto-extend" on a customer's GDAP relationship (the expiry notice's button, and the
 * `gaps` list's): admins only, and nothing in the card is trusted. The relationship must be one the
 * sync recorded, of a customer the bot knows, active, and without Global Administrator (Microsoft
 * refuses auto-extend then: refused here before any call). The directory then turns it on at
 * Microsoft; the record and the audit trail follow in one write.
 */
import type { Customer, GdapRecord } from '../../store/schema.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import type { GdapFacts } from './directory.js';
import { includesGlobalAdministrator } from './entra-roles.js';
import { Conflict, NotFound } from './errors.js';
import { requirePermission } from './roles.js';
import { autoExtends } from './gdap-records.js';

/** What the outcome card says: whose relationship, when it ends, and whether it was on already. */
export interface AutoExtended {
  relationshipId: string;
  relationshipName: string;
  customerId: string;
  companyName: string;
  endsAt: string | null;
  alreadyOn: boolean;
}

/** Microsoft's values, PT0S or P0D meaning no auto-extend: the rule lives with the GDAP records. */
export { autoExtends } from './gdap-records.js';

/** Whether the relationship is one the button may be offered for (the notice and `gaps` ask). */
export const mayAutoExtend = (record: Pick<GdapRecord, 'autoExtendDuration' | 'roleDefinitionIds'>): boolean =>
  !autoExtends(record.autoExtendDuration) && !includesGlobalAdministrator(record.roleDefinitionIds);

export function createAutoExtendOperations(ctx: ServiceContext) {
  /** The recorded relationship and its customer, or the one sentence for a forged, stale or foreign id. */
  function known(relationshipId: unknown): { record: GdapRecord; customer: Customer } {
    const id = typeof relationshipId === 'string' && relationshipId.length <= 200 ? relationshipId : '';
    const record = id ? ctx.store.get('gdap', id) : undefined;
    const tenantId = record?.customerTenantId;
    let customer: Customer | undefined;
    if (tenantId) for (const c of ctx.store.all('customers')) if (c.tenantId === tenantId) customer = c;
    if (!record || !customer) throw new NotFound('autoExtend.notFound');
    return { record, customer };
  }

  return {
    /** Turns auto-extend on at Microsoft for `relationshipId` (a card's data, re-checked here). */
    async autoExtendAdminAccess(actor: Actor, relationshipId: unknown): Promise<AutoExtended> {
      requirePermission(ctx, actor, 'adminAccess');
      if (!ctx.directory.autoExtend) throw new Conflict('autoExtend.embedded');
      const { record, customer } = known(relationshipId);
      const names = { name: record.displayName, company: customer.companyName };
      const outcome = (alreadyOn: boolean, endsAt = record.endDateTime): AutoExtended => ({
        relationshipId: record.id,
        relationshipName: record.displayName,
        customerId: customer.id,
        companyName: customer.companyName,
        endsAt,
        alreadyOn,
      });
      if (includesGlobalAdministrator(record.roleDefinitionIds)) throw new Conflict('autoExtend.globalAdministrator', names);
      if (autoExtends(record.autoExtendDuration)) return outcome(true);
      if (record.status !== 'active') throw new Conflict('autoExtend.notActive', names);

      const result = await ctx.directory.autoExtend(record.id);
      switch (result.outcome) {
        case 'gone':
          throw new NotFound('autoExtend.notFound');
        case 'changedMeanwhile':
          throw new Conflict('autoExtend.changedMeanwhile', names);
        case 'globalAdministrator':
          throw new Conflict('autoExtend.globalAdministrator', names);
        case 'notActive':
          throw new Conflict('autoExtend.notActive', names);
        case 'alreadyOn':
        case 'extended': {
          const extended = result.outcome === 'extended';
          await writeOutcome(actor, record.id, customer, result.relationship, extended);
          return outcome(!extended, result.relationship.endDateTime ?? record.endDateTime);
        }
      }
    },
  };

  /** Microsoft's answer into the record (durable before anyone is told), audited when the bot changed it. */
  async function writeOutcome(actor: Actor, id: string, customer: Customer, facts: GdapFacts, extended: boolean): Promise<void> {
    const at = ctx.now().toISOString();
    await ctx.store.transact((tx, read) => {
      const before = read.get('gdap', id);
      if (before) {
        tx.put('gdap', {
          ...before,
          status: facts.status,
          autoExtendDuration: facts.autoExtendDuration,
          endDateTime: facts.endDateTime ?? before.endDateTime,
          syncedAt: at,
        });
      }
      if (extended) {
        ctx.audit(tx, actor, 'adminAccess.autoExtended', customer.id, {
          relationshipId: id,
          tenantId: customer.tenantId,
          autoExtendDuration: facts.autoExtendDuration,
        });
      }
    });
  }
}
