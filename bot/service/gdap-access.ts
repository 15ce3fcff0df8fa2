/**
 * Access assignments: once a GDAP relationship the bot requested is active, the partner's security
 * groups (GDAP_ACCESS) are assigned to it, and when every assignment is active the subscribed
 * conversations and the inviter are told once that access is ready. The Microsoft sync does the
 * Graph calls (bot/microsoft/access.ts); what they mean, the back-off and the notices live here,
 * on the gdap record's `access`.
 */
import type { GdapAccess, GdapRecord, Invitation } from '../../store/schema.js';
import type { StoreReader } from '../../store/store.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { NotFound } from './errors.js';
import type { AdminAccessFailedEvent, AdminAccessReadyEvent } from './events.js';
import { inviterConversation as conversationOfInviter, queueDelivery } from './deliveries.js';
import { subscriptionKey } from './notification-subscriptions.js';
import { requirePermission } from './roles.js';
import { singleLine } from './text.js';

const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 6 * 60 * 60_000;

/** One group's assignment as the sync last saw it. */
export type AccessAssignmentState = GdapAccess['assignments'][number];

/** What one pass of the sync learnt about a relationship's assignments, or why it could not. */
export type AccessProgress = { assignments: AccessAssignmentState[] } | { error: { code: string; message: string; group: string | null } };

/** What the onboarding board and the customer's details show of a relationship's access. */
export interface AccessView {
  relationshipId: string;
  state: GdapAccess['state'];
  readyAt: string | null;
  groups: Array<{ group: string; roleDefinitionIds: string[]; status: string }>;
  lastError: GdapAccess['lastError'];
  attempts: number;
  nextAttemptAt: string | null;
}

export function accessViewOf(record: GdapRecord): AccessView {
  const access = record.access;
  return {
    relationshipId: record.id,
    state: access?.state ?? 'waiting',
    readyAt: access?.readyAt ?? null,
    groups: (access?.assignments ?? []).map((a) => ({ group: a.group, roleDefinitionIds: a.roleDefinitionIds, status: a.status })),
    lastError: access?.lastError ?? null,
    attempts: access?.attempts ?? 0,
    nextAttemptAt: access?.nextAttemptAt ?? null,
  };
}

export function createGdapAccessOperations(ctx: ServiceContext) {
  const companyOf = (record: GdapRecord) => {
    let customerId: string | null = null;
    let companyName = record.customerName ?? record.customerTenantId ?? record.displayName;
    for (const customer of ctx.store.all('customers'))
      if (record.customerTenantId && customer.tenantId === record.customerTenantId) {
        customerId = customer.id;
        companyName = customer.companyName;
      }
    return { customerId, companyName };
  };

  /** The inviter's conversation, unless it is subscribed (it hears it there anyway). */
  function inviterConversation(read: StoreReader, invitation: Invitation | undefined) {
    const conversation = invitation ? conversationOfInviter(read, invitation) : null;
    if (!conversation || read.get('notificationSubscriptions', subscriptionKey(conversation.platform, conversation.conversationId)))
      return null;
    return conversation;
  }

  return {
    /**
     * Relationships the bot requested that are active and whose access is not ready, and due:
     * a failed one waits for its back-off (or a retry from the customer's details).
     */
    relationshipsNeedingAccess(): Array<{ relationshipId: string; roleDefinitionIds: string[]; access: GdapAccess | null }> {
      const now = ctx.now().getTime();
      const out = [];
      for (const record of ctx.store.all('gdap')) {
        if (!record.invitationId || record.status !== 'active' || record.access?.state === 'ready') continue;
        const next = record.access?.nextAttemptAt;
        if (record.access?.state === 'failed' && next && Date.parse(next) > now) continue;
        out.push({ relationshipId: record.id, roleDefinitionIds: [...record.roleDefinitionIds], access: record.access ?? null });
      }
      return out;
    },

    /**
     * Records what the sync saw. Every assignment active: ready, announced once in the same
     * transaction (a second pass or replica finds it ready and does nothing). A failure: retried
     * with back-off; the first failure of a run is explained to the inviter.
     */
    async recordAccessProgress(relationshipId: string, progress: AccessProgress): Promise<GdapAccess['state'] | null> {
      const { state, event } = await ctx.store.transact((tx, read) => {
        const record = read.get('gdap', relationshipId);
        if (!record || record.access?.state === 'ready') return { state: record?.access?.state ?? null, event: null };
        const before: GdapAccess = record.access ?? {
          state: 'waiting',
          assignments: [],
          attempts: 0,
          nextAttemptAt: null,
          lastError: null,
          readyAt: null,
        };
        const now = ctx.now();
        const invitation = record.invitationId ? read.get('invitations', record.invitationId) : undefined;
        const { customerId, companyName } = companyOf(record);
        let after: GdapAccess;
        let event: AdminAccessReadyEvent | AdminAccessFailedEvent | null = null;
        if ('error' in progress) {
          const attempts = before.attempts + 1;
          const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempts - 1, 20));
          const error = {
            code: singleLine(progress.error.code).slice(0, 80),
            message: singleLine(progress.error.message).slice(0, 300),
            group: progress.error.group,
          };
          after = { ...before, state: 'failed', attempts, nextAttemptAt: new Date(now.getTime() + delay).toISOString(), lastError: error };
          const conversation = before.state === 'failed' ? null : inviterConversation(read, invitation);
          if (conversation) {
            event = { type: 'adminAccess.failed', relationshipId, customerId, companyName, error, deliveryIds: [] };
            queueDelivery(ctx, tx, conversation, event);
          }
        } else {
          const ready = progress.assignments.length > 0 && progress.assignments.every((a) => a.status === 'active');
          after = {
            ...before,
            state: ready ? 'ready' : 'assigning',
            assignments: progress.assignments,
            nextAttemptAt: null,
            lastError: null,
            readyAt: ready ? now.toISOString() : null,
          };
          if (ready) {
            event = {
              type: 'adminAccess.ready',
              relationshipId,
              customerId,
              companyName,
              groups: progress.assignments.map((a) => ({ group: a.group, roleDefinitionIds: a.roleDefinitionIds })),
              readyAt: now.toISOString(),
              deliveryIds: [],
            };
            for (const subscription of read.all('notificationSubscriptions'))
              queueDelivery(ctx, tx, { kind: 'subscription', subscriptionId: subscription.id }, event);
            const conversation = inviterConversation(read, invitation);
            if (conversation) queueDelivery(ctx, tx, conversation, event);
          }
        }
        tx.put('gdap', { ...record, access: after });
        return { state: after.state, event };
      });
      if (event && event.deliveryIds.length) ctx.notifier.publish(event);
      return state;
    },

    /** A relationship's access for the onboarding board: waiting, assigning, ready or failed. */
    accessOf(gdapRelationshipId: string): AccessView | null {
      const record = ctx.store.get('gdap', gdapRelationshipId);
      return record ? accessViewOf(record) : null;
    },

    /**
     * "Assign groups again" from the customer's details: a failed relationship is tried now
     * instead of after its back-off (admins only; the card's id is checked again here).
     */
    async retryAccess(actor: Actor, gdapRelationshipId: string): Promise<AccessView & { companyName: string; customerId: string | null }> {
      requirePermission(ctx, actor, 'adminAccess');
      const found = ctx.store.get('gdap', gdapRelationshipId);
      if (!found || !found.invitationId) throw new NotFound('access.notFound');
      if (found.access?.state === 'failed') {
        await ctx.store.transact((tx, read) => {
          const record = read.get('gdap', gdapRelationshipId);
          if (record?.access?.state !== 'failed') return;
          tx.put('gdap', { ...record, access: { ...record.access, nextAttemptAt: ctx.now().toISOString() } });
          const { customerId } = companyOf(record);
          ctx.audit(tx, actor, 'adminAccess.retried', customerId ?? gdapRelationshipId, {
            relationshipId: gdapRelationshipId,
            attempts: record.access.attempts,
          });
        });
        await ctx.directory.refresh?.();
      }
      const record = ctx.store.get('gdap', gdapRelationshipId)!;
      return { ...accessViewOf(record), ...companyOf(record) };
    },
  };
}
