/** Events the service publishes after the change behind them is durable. */
export interface InvitationAcceptedEvent {
  type: 'invitation.accepted';
  invitationId: string;
  customerId: string;
  companyName: string;
  domain: string;
  contactName: string;
  providerName: string | null;
  invitedBy: string;
  acceptedAt: string;
  /**
   * Deliveries recorded with the acceptance: one per subscribed conversation, and the update of
   * the inviter's draft card when a surface recorded where it is.
   */
  deliveryIds: string[];
}

/** A GDAP relationship ends within 30 days and will not extend itself (posted once to subscribed conversations). */
export interface AdminAccessEndingEvent {
  type: 'adminAccess.ending';
  relationshipId: string;
  relationshipName: string;
  customerId: string | null;
  companyName: string;
  endsAt: string;
  deliveryIds: string[];
}

export type ServiceEvent = InvitationAcceptedEvent | AdminAccessEndingEvent;
