/** Events the service publishes after the change behind them is durable. */
import type { ActorRef } from '../../store/schema.js';
import type { DigestReport } from './digest-types.js';

export interface InvitationAcceptedEvent {
  type: 'invitation.accepted';
  invitationId: string;
  customerId: string;
  companyName: string;
  domain: string;
  contactName: string;
  providerName: string | null;
  invitedBy: string;
  /**
   * Who drafted the invitation, for the posts to mention them on their own platform. Absent in
   * deliveries queued before it was recorded: those name `invitedBy` in words.
   */
  inviter?: ActorRef;
  acceptedAt: string;
  /**
   * Deliveries recorded with the acceptance: one per subscribed conversation and, when a surface
   * recorded where the inviter's card is, the update of that card and a new post in its
   * conversation (the news, unless that conversation is subscribed and hears of it anyway).
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
  /** Active and without Global Administrator: the notice offers "Turn on auto-extend" (absent on notices queued before it existed). */
  autoExtendable?: boolean;
}

/**
 * Every security group assigned to a GDAP relationship the bot requested is active: the partner's
 * people can work in the customer's tenant (posted once, to subscribed conversations and the inviter's).
 */
export interface AdminAccessReadyEvent {
  type: 'adminAccess.ready';
  relationshipId: string;
  customerId: string | null;
  companyName: string;
  groups: Array<{ group: string; roleDefinitionIds: string[] }>;
  readyAt: string;
  deliveryIds: string[];
}

/** Assigning the security groups failed (the first failure of a run, to the inviter's conversation); retried with back-off. */
export interface AdminAccessFailedEvent {
  type: 'adminAccess.failed';
  relationshipId: string;
  customerId: string | null;
  companyName: string;
  error: { code: string; message: string; group: string | null };
  deliveryIds: string[];
}

/**
 * A customer Microsoft names that no invitation here brought: it accepted a reseller link sent
 * outside the bot (Partner Center's webhook), approved a GDAP relationship made elsewhere, or
 * appeared in the directory after its first sync. Posted once to subscribed conversations.
 */
export interface CustomerArrivedEvent {
  type: 'customer.arrived';
  customerId: string;
  companyName: string;
  /** What said so: Partner Center's acceptance event, a GDAP relationship approved outside the bot, or the directory's listing. */
  source: 'partnerCenter' | 'gdap' | 'directory';
  at: string;
  deliveryIds: string[];
}

/** The Partner Center sign-in started in a conversation finished: connected (with what Partner Center allows), or not. */
export interface PartnerCenterSignInEvent {
  type: 'partnerCenter.signIn';
  outcome: 'connected' | 'failed';
  account: string | null;
  /** Capability -> null when allowed, else Partner Center's refusal code. */
  capabilities: Record<string, string | null>;
  /** Why the sign-in failed (Entra's or Partner Center's code), when it did. */
  code: string | null;
  deliveryIds: string[];
}

/** The Partner Center connection needs an admin: it lapses soon (`expiring`) or was lost (`lost`). Posted once each. */
export interface PartnerCenterReconnectEvent {
  type: 'partnerCenter.reconnect';
  /** `keyChanged`: the stored sign-in cannot be decrypted with TOKEN_ENCRYPTION_KEY. */
  reason: 'expiring' | 'lost' | 'keyChanged';
  /** When it lapses (expiring) or when it was lost. */
  at: string;
  deliveryIds: string[];
}

/**
 * Why a platform says a conversation will never take a post: the bot was removed from it (Teams
 * 403, Slack `not_in_channel`), it no longer exists (Teams 404, Slack `channel_not_found`), or it
 * was archived (Slack `is_archived`).
 */
export type GoneReason = 'removed' | 'notFound' | 'archived';

/**
 * Told once to the admins' conversation: a subscribed conversation was dropped because it is gone
 * (`gone`), or its notifications stopped getting through and were given up (`givenUp`).
 */
export interface NotificationsTroubleEvent {
  type: 'notifications.trouble';
  outcome: 'gone' | 'givenUp';
  subscriptionId: string;
  /** The conversation's name as it was subscribed (from the platform: outside text). */
  name: string;
  platform: 'teams' | 'slack';
  /** Why it is gone (`gone` only). */
  reason: GoneReason | null;
  /** How many times the given-up delivery was tried, and since when. */
  attempts: number;
  since: string;
  deliveryIds: string[];
}

/**
 * Told to the inviter's conversation: an invitation sent `sentAt` is still unanswered (`reminder`,
 * queued when it was sent, one per INVITATION_REMINDERS offset, re-checked when due), or it has
 * expired (`expired`, once). The names are filled in when it is sent, from the invitation then.
 */
export interface InvitationReminderEvent {
  type: 'invitation.reminder';
  kind: 'reminder' | 'expired';
  invitationId: string;
  companyName: string | null;
  customerEmail: string | null;
  sentAt: string;
  /** When it is said: the reminder's due time (its age is worked out from it). */
  at: string;
  deliveryIds: string[];
}

/**
 * How far a bulk invitation (`invite customers`) got, for its card, updated in place. Filled in
 * from the batch as it is when the update is sent, so a late update never shows an older count.
 */
export interface BatchProgressEvent {
  type: 'batch.progress';
  batchId: string;
  total: number;
  /** Lines tried: made, or refused by Microsoft. */
  done: number;
  made: number;
  status: 'running' | 'done' | 'stopped';
  /** The lines Microsoft refused, with why (the first few). */
  failures: Array<{ line: number; email: string; key: string; params: Record<string, string | number> }>;
  deliveryIds: string[];
}

/**
 * The digest of a subscribed conversation (`digest here`), queued once per period of
 * DIGEST_SCHEDULE. It is queued without figures: they are read from the store just before it is
 * posted (`report`), so a digest sent late says how things are then.
 */
export interface DigestEvent {
  type: 'digest';
  subscriptionId: string;
  /** The start of the period it is for (its once-only key). */
  period: string;
  report?: DigestReport;
  /** When the next one is due, said under the figures. */
  nextAt?: string;
  deliveryIds: string[];
}

export type ServiceEvent =
  | BatchProgressEvent
  | InvitationReminderEvent
  | InvitationAcceptedEvent
  | AdminAccessEndingEvent
  | AdminAccessReadyEvent
  | AdminAccessFailedEvent
  | CustomerArrivedEvent
  | PartnerCenterSignInEvent
  | PartnerCenterReconnectEvent
  | NotificationsTroubleEvent
  | DigestEvent;
