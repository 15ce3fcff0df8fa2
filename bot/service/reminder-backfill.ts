/**
 * Invitations sent by a version of the bot without reminders have none queued: at start-up they
 * get them, by the same rule as at Done, except that of the reminders already past only the
 * latest is sent (at once), so an old invitation is not chased three times in a row. Idempotent:
 * an invitation with any reminder or expiry notice queued is left alone, and the delivery ids
 * are the invitation's, so two replicas starting together queue the same records once.
 */
import type { StoreReader } from '../../store/store.js';
import type { ServiceContext } from './context.js';
import { conversationOf } from './deliveries.js';
import { effectiveStatus } from './invitation-status.js';
import { hasReminders, queueReminders } from './reminders.js';

export function createReminderBackfillOperations(ctx: ServiceContext) {
  return {
    /** Queues the reminders of every sent, unanswered invitation that has none; how many invitations got them. */
    async queueMissingReminders(): Promise<number> {
      const now = ctx.now();
      const lacking = (id: string, read: StoreReader = ctx.store) => {
        const invitation = read.get('invitations', id);
        if (!invitation?.draftMessage || effectiveStatus(invitation, now) !== 'sent' || hasReminders(ctx, read, id)) return null;
        return invitation;
      };
      // Read outside the write first: on most start-ups nothing lacks them, and nothing is written.
      const candidates = [...ctx.indexes.pendingInvitationIds()].filter((id) => lacking(id));
      if (candidates.length === 0) return 0;
      return ctx.store.transact((tx, read) => {
        let count = 0;
        for (const id of candidates) {
          const invitation = lacking(id, read);
          if (!invitation) continue;
          queueReminders(ctx, tx, invitation, conversationOf(invitation.draftMessage!), now);
          count++;
        }
        return count;
      });
    },
  };
}
