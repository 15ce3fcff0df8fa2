/**
 * Who we are (the partner): the company's name as customers know it, and a stable id. Nothing a
 * customer reads (the email, the invitation page) is written until the name is known.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { Conflict, InvalidInput } from './errors.js';
import { isPermitted } from './permissions.js';
import { requirePermission, roleOf } from './roles.js';
import { singleLine } from './text.js';

/** Longer than any company's name in Partner Center's profile, short enough for an email subject. */
export const PARTNER_NAME_MAX = 100;

/** At start-up: `PARTNER_NAME` and `PARTNER_ID` when set, else what the store has; no name is invented. */
export async function ensurePartner(store: Store, config: { name: string | null; id: string | null }): Promise<void> {
  const current = store.partner();
  const name = (config.name && singleLine(config.name)) || current?.name || null;
  const tenantId = config.id ?? current?.tenantId ?? randomUUID();
  if (current && current.name === name && current.tenantId === tenantId) return;
  // The rest of the record (the directory's baseline) is kept, as it is when the transaction runs.
  await store.transact((tx, read) => {
    const latest = read.partner();
    tx.setPartner({ ...latest, id: latest?.id ?? randomUUID(), name, tenantId });
  });
}

/** The partner's name, or a refusal that says who can set it (the conversation offers the setup to them). */
export function partnerNameOrRefuse(ctx: ServiceContext, actor: Actor): string {
  const name = ctx.store.partner()?.name;
  if (name) return name;
  throw new Conflict(isPermitted(roleOf(ctx, actor), 'namePartner') ? 'partner.nameNeeded' : 'partner.askGlobalAdmin');
}

export function createPartnerOperations(ctx: ServiceContext) {
  return {
    /** The partner we act for, as recorded in the store. */
    partner: () => ctx.store.partner(),

    /** Sets the company's name customers see; a Global admin's, unless `PARTNER_NAME` sets it. */
    async namePartner(actor: Actor, input: { name: unknown }): Promise<{ name: string; previous: string | null }> {
      requirePermission(ctx, actor, 'namePartner');
      if (ctx.partnerNameFromConfig) throw new Conflict('partner.nameFromConfig');
      const name = typeof input.name === 'string' ? singleLine(input.name) : '';
      if (!name) throw new InvalidInput('partner.nameRequired', {}, { partnerName: 'partner.nameRequired' });
      if (name.length > PARTNER_NAME_MAX) throw new InvalidInput('partner.nameTooLong', { max: PARTNER_NAME_MAX }, { partnerName: 'partner.nameTooLong' });
      const current = ctx.store.partner();
      const previous = current?.name ?? null;
      if (previous === name) return { name, previous };
      await ctx.store.transact((tx, read) => {
        const latest = read.partner();
        tx.setPartner({ ...latest, id: latest?.id ?? ctx.newId(), name, tenantId: latest?.tenantId ?? ctx.newId() });
        ctx.audit(tx, actor, 'partner.named', current?.id ?? 'partner', { name, previous });
      });
      return { name, previous };
    },
  };
}
