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
  /** Deliveries recorded with the acceptance, one per subscribed channel. */
  deliveryIds: string[];
  /** Where the inviter's draft card was posted, if a surface recorded it. */
  draftMessage: Record<string, string> | null;
}

export type ServiceEvent = InvitationAcceptedEvent;
