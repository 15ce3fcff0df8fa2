/**
 * The chaser: an invitation nobody answers is brought back to its inviter. When it is marked sent,
 * one delivery per INVITATION_REMINDERS offset and one for its expiry are queued to the
 * conversation where the draft was made, each due then; the dispatcher sends each once (across
 * restarts and replicas), and asks here first whether it still applies: a reminder only while the
 * invitation is still sent, the expiry notice only when it has expired unanswered.
 */
import type { Delivery, DeliveryTarget, Invitation } from '../../store/schema.js';
import type { StoreReader, Tx } from '../../store/store.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { conversationOf, inviterConversation, queueDelivery } from './deliveries.js';
import { InvitationUnusable, NotFound } from './errors.js';
import type { InvitationReminderEvent, ServiceEvent } from './events.js';
import { effectiveStatus } from './invitation-status.js';
import { requirePermission } from './roles.js';
import { platformData } from './text.js';

/** How long Snooze puts a reminder off: 3 days, or the first reminder's delay when that is shorter. */
const SNOOZE_MS = 3 * 86_400_000;

const eventOf = (invitation: Invitation, kind: InvitationReminderEvent['kind'], at: Date): InvitationReminderEvent => ({
  type: 'invitation.reminder',
  kind,
  invitationId: invitation.id,
  companyName: invitation.companyName,
  customerEmail: invitation.customerEmail,
  sentAt: invitation.sentAt ?? invitation.createdAt,
  at: at.toISOString(),
  deliveryIds: [],
});

/** The ids are the invitation's and the reminder's: queued twice (Done twice), it is still one. */
const reminderId = (invitationId: string, what: string) => `reminder:${invitationId}:${what}`;

type ConversationTarget = Extract<DeliveryTarget, { kind: 'conversation' }>;

/** The conversation a surface says Done was selected in (a Slack modal's channel, a Teams chat's reference). */
export interface DoneConversation {
  platform: string;
  conversationId: string;
  reference?: Record<string, unknown> | null;
}

/** A Slack conversation id (a channel, a DM, or a user's own id for the App Home): capitals and digits. */
const SLACK_CONVERSATION = /^[A-Z0-9]{2,40}$/;

/**
 * Where a sent invitation's reminders go: the conversation of its card when one was posted (the
 * bot's own record), else the one Done was selected in. That one comes from the surface and, for a
 * Slack modal, from the modal's metadata: it counts only on the acting person's own platform and
 * with an id of that platform's shape (a Teams one only with the reference that names it).
 */
export function reminderTarget(invitation: Invitation, actor: Actor, given?: DoneConversation | null): ConversationTarget | null {
  if (invitation.draftMessage) return conversationOf(invitation.draftMessage);
  if (!given || typeof given.conversationId !== 'string' || given.platform !== actor.platform) return null;
  const { conversationId, reference } = given;
  if (given.platform === 'slack' && SLACK_CONVERSATION.test(conversationId))
    return { kind: 'conversation', platform: 'slack', conversationId, reference: null, locale: actor.locale };
  const named = (reference?.conversation as { id?: unknown } | undefined)?.id;
  if (given.platform === 'teams' && reference && conversationId && named === conversationId)
    return { kind: 'conversation', platform: 'teams', conversationId, reference: platformData(reference), locale: actor.locale };
  return null;
}

/**
 * Queues, in the transaction that marks `sent` sent, its reminders and its expiry notice to
 * `target` (by default its card's conversation, or its batch's; none without a known conversation).
 * `catchUpAt`: queued late (an invitation sent before reminders existed); of the reminders
 * already past then, only the latest is queued, due at once: never a burst of old ones.
 */
export function queueReminders(
  ctx: ServiceContext,
  tx: Tx,
  sent: Invitation,
  target: ConversationTarget | null = inviterConversation(ctx.store, sent),
  catchUpAt?: Date,
): void {
  if (!target || !sent.sentAt) return;
  const sentAt = Date.parse(sent.sentAt);
  const expiresAt = Date.parse(sent.expiresAt);
  const due = ctx.reminders.map((offset, index) => ({ what: String(index), at: sentAt + offset })).filter((r) => r.at < expiresAt);
  const past = catchUpAt ? due.filter((r) => r.at <= catchUpAt.getTime()) : [];
  const latestPast = past.reduce<(typeof past)[number] | undefined>((latest, r) => (!latest || r.at >= latest.at ? r : latest), undefined);
  for (const reminder of due) {
    if (past.includes(reminder) && reminder !== latestPast) continue;
    const at = reminder === latestPast ? catchUpAt! : new Date(reminder.at);
    queueDelivery(ctx, tx, target, eventOf(sent, 'reminder', at), at, reminderId(sent.id, reminder.what));
  }
  queueDelivery(ctx, tx, target, eventOf(sent, 'expired', new Date(expiresAt)), new Date(expiresAt), reminderId(sent.id, 'expired'));
}

/** Whether any reminder or expiry notice of the invitation is queued (sent ones are gone; the expiry notice stays until it expires). */
export function hasReminders(ctx: ServiceContext, read: StoreReader, invitationId: string): boolean {
  const ids = [...ctx.reminders.keys()].map(String).concat('expired', 'snoozed');
  return ids.some((what) => read.get('deliveries', reminderId(invitationId, what)) !== undefined);
}

/** An invitation answered or withdrawn: its reminders and its expiry notice are dropped with it. */
export function dropReminders(ctx: ServiceContext, tx: Tx, read: StoreReader, invitationId: string): void {
  const ids = [...ctx.reminders.keys()].map(String).concat('expired', 'snoozed');
  for (const what of ids)
    if (read.get('deliveries', reminderId(invitationId, what))) tx.delete('deliveries', reminderId(invitationId, what));
}

/** An invitation that ended at Microsoft before its time: its expiry notice is due now, its reminders dropped. */
export function expireReminders(ctx: ServiceContext, tx: Tx, read: StoreReader, invitationId: string, at: string): void {
  const notice = read.get('deliveries', reminderId(invitationId, 'expired'));
  dropReminders(ctx, tx, read, invitationId);
  if (notice) tx.put('deliveries', { ...notice, nextAttemptAt: at, createdAt: at });
}

export function createReminderOperations(ctx: ServiceContext) {
  return {
    /**
     * What the dispatcher sends for a delivery that came due, asked just before it posts: the
     * event as queued, or for a reminder the one that applies now (named as the invitation is
     * named now), or null when it no longer applies (answered, revoked): then it is dropped.
     */
    async prepareDelivery(delivery: Readonly<Delivery>): Promise<ServiceEvent | null> {
      const event = delivery.event as unknown as ServiceEvent;
      if (event.type !== 'invitation.reminder') return event;
      const invitation = ctx.store.get('invitations', event.invitationId);
      const status = invitation ? effectiveStatus(invitation, ctx.now()) : null;
      const applies = event.kind === 'reminder' ? status === 'sent' : status === 'expired' && invitation?.status === 'sent';
      if (invitation && applies) return eventOf(invitation, event.kind, new Date(Date.parse(delivery.nextAttemptAt)));
      await ctx.store.transact((tx, read) => {
        if (read.get('deliveries', delivery.id)) tx.delete('deliveries', delivery.id);
      });
      return null;
    },

    /** Snooze on a reminder: the inviter is reminded again later (one snoozed reminder per invitation), re-checked then. */
    async snoozeReminder(actor: Actor, invitationId: string): Promise<{ invitationId: string; until: string }> {
      requirePermission(ctx, actor, 'invite');
      const snooze = Math.min(SNOOZE_MS, ...ctx.reminders);
      return ctx.store.transact((tx, read) => {
        const invitation = typeof invitationId === 'string' ? read.get('invitations', invitationId) : undefined;
        if (!invitation) throw new NotFound('invitation.notFound');
        const status = effectiveStatus(invitation, ctx.now());
        if (status !== 'sent') throw new InvitationUnusable(status);
        const target = inviterConversation(read, invitation);
        const until = new Date(ctx.now().getTime() + snooze);
        if (target) queueDelivery(ctx, tx, target, eventOf(invitation, 'reminder', until), until, reminderId(invitation.id, 'snoozed'));
        ctx.audit(tx, actor, 'invitation.snoozed', invitation.id, { until: until.toISOString() });
        return { invitationId: invitation.id, until: until.toISOString() };
      });
    },
  };
}
