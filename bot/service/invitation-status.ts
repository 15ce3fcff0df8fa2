/**
 * An invitation's status as people see it, and what "pending" means, defined once. A module of its
 * own so the indexes and the views can use it without the rest of the invitation rules.
 */
import type { Invitation } from '../../store/schema.js';

export type InvitationStatus = Invitation['status'] | 'expired';

/** Drafted or sent: still open to the customer (a stored status is pending until it expires). */
export function isPending(status: InvitationStatus): status is 'draft' | 'sent' {
  return status === 'draft' || status === 'sent';
}

/** The stored status, with `expired` worked out from the clock. */
export function effectiveStatus(invitation: Invitation, now: Date): InvitationStatus {
  if (isPending(invitation.status) && now.getTime() >= Date.parse(invitation.expiresAt)) {
    return 'expired';
  }
  return invitation.status;
}
