/**
 * The shape of every record the store keeps (zod), checked on every write and whenever stored data
 * is read back. Which collection holds which record, and the schema version, are in schema.ts.
 */
import { z } from 'zod';

const id = z.string().min(1);
const isoDate = z.iso.datetime({ offset: true });

export const Role = z.enum(['global-admin', 'admin-agent', 'sales-agent', 'helpdesk-agent']);
export type Role = z.infer<typeof Role>;

export const Platform = z.enum(['teams', 'slack', 'cli', 'web']);
export type Platform = z.infer<typeof Platform>;

export const Locale = z.enum(['en', 'it']);
export type Locale = z.infer<typeof Locale>;

export const Partner = z.object({
  id,
  /** The company's name as customers know it; null until someone gives it (nothing customer-facing is written before). */
  name: z.string().min(1).nullable(),
  tenantId: z.string().min(1),
  /**
   * When the Microsoft directory's first full sync was recorded. The customers it found then are
   * the baseline and never announced; a customer that appears after it is (absent: no sync yet).
   */
  directoryBaselineAt: isoDate.optional(),
});
export type Partner = z.infer<typeof Partner>;

export const Provider = z.object({
  id,
  name: z.string().min(1),
  tenantId: z.string().nullable(),
  createdAt: isoDate,
});
export type Provider = z.infer<typeof Provider>;

/** A customer's Microsoft subscription (an offer and its seats); not a NotificationSubscription. */
export const Subscription = z.object({
  id,
  offer: z.string(),
  quantity: z.number().int().nonnegative(),
  status: z.enum(['active', 'suspended', 'expired']),
  renewsOn: z.string().nullable(),
});
export type Subscription = z.infer<typeof Subscription>;

export const CustomerUser = z.object({
  id,
  displayName: z.string(),
  email: z.string(),
  licenses: z.array(z.string()),
});
export type CustomerUser = z.infer<typeof CustomerUser>;

export const License = z.object({
  sku: z.string(),
  assigned: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type License = z.infer<typeof License>;

export const Contact = z.object({ name: z.string(), email: z.string() });
export type Contact = z.infer<typeof Contact>;

export const Customer = z.object({
  id,
  companyName: z.string().min(1),
  /** The customer's primary domain; empty when only Microsoft Graph knows the customer (it gives no domain). */
  domain: z.string(),
  tenantId: z.string().nullable(),
  contact: Contact,
  subscriptions: z.array(Subscription),
  users: z.array(CustomerUser),
  licenses: z.array(License),
  createdAt: isoDate,
  updatedAt: isoDate,
  /**
   * When the subscribed conversations were told this customer arrived without an invitation here
   * (an acceptance in Partner Center, a GDAP relationship approved outside the bot): once each.
   */
  announcedAt: isoDate.optional(),
  /**
   * What Partner Center's API last said of this customer (the Microsoft directory, where the API
   * is connected): absent where it never did, and then the bot does not know. `reseller`: listed
   * with a reseller relationship; `partnerTenantIds`: the partners GET /v1/customers/{id}/relationships
   * names (its indirect providers), absent until read.
   */
  partnerCenter: z
    .object({
      reseller: z.boolean().optional(),
      checkedAt: isoDate.optional(),
      partnerTenantIds: z.array(z.string()).optional(),
      partnersCheckedAt: isoDate.optional(),
    })
    .optional(),
});
export type Customer = z.infer<typeof Customer>;

/** A relationship between a customer and us (reseller) or one of our indirect providers. */
export const Relationship = z.object({
  id,
  customerId: id,
  kind: z.enum(['reseller', 'provider']),
  providerId: z.string().nullable(),
  status: z.enum(['active', 'removed']),
  dapGranted: z.boolean(),
  invitationId: z.string().nullable(),
  createdAt: isoDate,
  endedAt: isoDate.nullable(),
});
export type Relationship = z.infer<typeof Relationship>;

/** How a customer came to you: an invitation's `acquisition`. */
export const Acquisition = z.enum(['own-marketing', 'microsoft-referral', 'indirect-provider']);
export type Acquisition = z.infer<typeof Acquisition>;

export const ActorRef = z.object({
  platform: Platform,
  userId: z.string(),
  displayName: z.string(),
});
export type ActorRef = z.infer<typeof ActorRef>;

/**
 * Where a card the bot posted lives, so it can be updated later: a Teams activity in the
 * conversation its reference points to, or a Slack message. `locale` is the language it was
 * posted in, and the one its update is written in.
 */
export const CardLocation = z.discriminatedUnion('platform', [
  z.object({ platform: z.literal('teams'), activityId: z.string().min(1), reference: z.record(z.string(), z.unknown()), locale: Locale }),
  z.object({ platform: z.literal('slack'), channel: z.string().min(1), ts: z.string().min(1), locale: Locale }),
]);
export type CardLocation = z.infer<typeof CardLocation>;

export const Invitation = z.object({
  id,
  /** SHA-256 (hex) of the token in the link; the token itself is never stored. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(['draft', 'sent', 'accepted', 'revoked']),
  acquisition: Acquisition,
  providerId: z.string().nullable(),
  companyName: z.string().nullable(),
  customerEmail: z.string().nullable(),
  locale: Locale,
  subject: z.string(),
  /** The email, with LINK_PLACEHOLDER where the link goes. */
  body: z.string(),
  createdBy: ActorRef,
  createdAt: isoDate,
  expiresAt: isoDate,
  sentAt: isoDate.nullable(),
  sentBy: ActorRef.nullable(),
  acceptedAt: isoDate.nullable(),
  customerId: z.string().nullable(),
  revokedAt: isoDate.nullable(),
  revokedBy: ActorRef.nullable(),
  /** Where the draft card was posted, so it can be updated when the customer accepts. */
  draftMessage: CardLocation.nullable(),
  /**
   * With the Microsoft directory: the partner's reseller link and the GDAP relationship requested
   * for this invitation, whose approval link is this customer's own. Null with the embedded
   * directory, where the customer accepts on the bot's page.
   */
  microsoft: z
    .object({
      resellerLink: z.string().min(1),
      gdapRelationshipId: z.string().min(1),
      approvalLink: z.string().min(1),
      /** What the GDAP request asks for, so the email can be written again in the other language (absent on older drafts). */
      access: z.object({ roleDefinitionIds: z.array(z.string().min(1)), durationDays: z.number().int().positive() }).optional(),
    })
    .nullable()
    .default(null),
  /** The bulk invitation (`invite customers`) that made it: its reminders go to that batch's conversation. */
  batchId: z.string().min(1).optional(),
});
export type Invitation = z.infer<typeof Invitation>;

/**
 * A GDAP relationship as Microsoft Graph last described it (tenantRelationships/
 * delegatedAdminRelationships), kept by the Microsoft directory's sync. Its id is Graph's.
 */
export const GdapRecord = z.object({
  id,
  displayName: z.string(),
  status: z.string().min(1),
  customerTenantId: z.string().nullable(),
  customerName: z.string().nullable(),
  roleDefinitionIds: z.array(z.string()),
  autoExtendDuration: z.string(),
  endDateTime: isoDate.nullable(),
  /** The invitation that requested it, when the bot did. */
  invitationId: z.string().nullable(),
  syncedAt: isoDate,
  /** When the subscribed conversations were told it ends soon without auto-extend (once per relationship). */
  expiryNoticeAt: isoDate.nullable().default(null),
  /**
   * The partner's security groups assigned to it (GDAP_ACCESS), for relationships the bot
   * requested: absent until it is active. `readyAt`: every assignment active, announced once.
   */
  access: z
    .object({
      state: z.enum(['waiting', 'assigning', 'ready', 'failed']),
      assignments: z.array(
        z.object({
          group: z.string(),
          groupId: z.string().nullable(),
          roleDefinitionIds: z.array(z.string()),
          assignmentId: z.string().nullable(),
          status: z.string(),
        }),
      ),
      attempts: z.number().int().nonnegative(),
      nextAttemptAt: isoDate.nullable(),
      lastError: z.object({ code: z.string(), message: z.string(), group: z.string().nullable() }).nullable(),
      readyAt: isoDate.nullable(),
    })
    .optional(),
});
export type GdapRecord = z.infer<typeof GdapRecord>;
export type GdapAccess = NonNullable<GdapRecord['access']>;

export const Removal = z.object({
  id,
  customerId: id,
  relationshipId: id,
  status: z.enum(['pending', 'confirmed', 'cancelled']),
  requestedBy: ActorRef,
  requestedAt: isoDate,
  attestationVersion: z.string(),
  attestationLocale: Locale,
  attestedBy: ActorRef.nullable(),
  attestedAt: isoDate.nullable(),
  cancelledBy: ActorRef.nullable(),
  cancelledAt: isoDate.nullable(),
});
export type Removal = z.infer<typeof Removal>;

/**
 * A conversation (a Teams channel or chat, a Slack channel) the bot posts to when a customer accepts
 * or a GDAP relationship is about to end; made by `notify here`. Id: "<platform>:<conversationId>".
 */
export const NotificationSubscription = z.object({
  id,
  platform: z.enum(['teams', 'slack']),
  conversationId: z.string().min(1),
  name: z.string(),
  /** Platform data needed to post there later (a Teams conversation reference). */
  reference: z.record(z.string(), z.unknown()).nullable(),
  /** The language notifications are posted in: that of the person who subscribed. */
  locale: Locale.default('en'),
  createdBy: ActorRef,
  createdAt: isoDate,
  // Health, for `notifications` (absent in records written before it was kept: no migration).
  /** When a notification last reached this conversation. */
  lastDeliveredAt: isoDate.optional(),
  /** When a post here last failed, and why (the platform's words, shortened). */
  lastFailedAt: isoDate.optional(),
  lastError: z.string().optional(),
  /** When a delivery here was given up and the admins told; cleared by the next success, so they are told once per outage. */
  givenUpAt: isoDate.optional(),
});
export type NotificationSubscription = z.infer<typeof NotificationSubscription>;

export const RoleGrant = z.object({
  id, // "<platform>:<userId>"
  platform: Platform,
  userId: z.string().min(1),
  role: Role,
  grantedBy: ActorRef,
  grantedAt: isoDate,
});
export type RoleGrant = z.infer<typeof RoleGrant>;

/** What a person chose for themselves: the language the bot answers them in, whatever they type or their client says. */
export const Person = z.object({
  id, // "<platform>:<userId>"
  language: Locale,
  updatedAt: isoDate,
});
export type Person = z.infer<typeof Person>;

/**
 * Where a delivery goes: a new post to a subscribed conversation, an update of a posted card, or a
 * new post to the one conversation where someone started something that finishes later (a Partner
 * Center sign-in).
 */
export const DeliveryTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subscription'), subscriptionId: id }),
  z.object({ kind: z.literal('card'), card: CardLocation }),
  z.object({
    kind: z.literal('conversation'),
    platform: z.enum(['teams', 'slack']),
    conversationId: z.string().min(1),
    reference: z.record(z.string(), z.unknown()).nullable(),
    locale: Locale,
  }),
]);
export type DeliveryTarget = z.infer<typeof DeliveryTarget>;

/**
 * A message the bot sends outside a turn, written in the same transaction as the event that causes
 * it and kept until delivered, so none is lost.
 */
export const Delivery = z.object({
  id,
  target: DeliveryTarget,
  event: z.record(z.string(), z.unknown()),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: isoDate,
  lastError: z.string().nullable(),
  createdAt: isoDate,
  /**
   * When the dispatcher stopped trying (too many attempts, too old, or the conversation or card is
   * gone). Kept for the health view; never sent. Absent in older records, like every live delivery.
   */
  givenUpAt: isoDate.optional(),
});
export type Delivery = z.infer<typeof Delivery>;

export const AuditEvent = z.object({
  id,
  at: isoDate,
  actor: ActorRef,
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * The Partner Center connection (id `partner-center`): the MSAL token cache of the admin who signed
 * in with the device code, encrypted with TOKEN_ENCRYPTION_KEY (AES-256-GCM, never in clear on
 * disk), and which API calls Partner Center allowed when last checked.
 */
export const Connection = z.object({
  id,
  /** base64 of iv | tag | ciphertext of the serialised MSAL cache. */
  encryptedCache: z.string(),
  /** The signed-in account (UPN), to say who connected. */
  account: z.string().nullable(),
  connectedBy: ActorRef,
  connectedAt: isoDate,
  /** When the refresh token stops working unless used (90 days after the last sign-in or refresh). */
  refreshExpiresAt: isoDate.nullable(),
  /** Per call (`customers`, `relationshipRequests`, `subscriptions`…): allowed, or the refusal's code. */
  capabilities: z.record(z.string(), z.object({ allowed: z.boolean(), code: z.string().nullable(), checkedAt: isoDate })),
  /** When admins were told to reconnect soon, and when the connection was lost (announced once). */
  nudgedAt: isoDate.nullable(),
  lostAt: isoDate.nullable(),
  /** The admins' conversation: where the sign-in started, where reconnect nudges and a lost connection are posted. */
  announceTo: z
    .object({
      platform: z.enum(['teams', 'slack']),
      conversationId: z.string().min(1),
      reference: z.record(z.string(), z.unknown()).nullable(),
      locale: Locale,
    })
    .nullable()
    .default(null),
});
export type Connection = z.infer<typeof Connection>;

/** A Partner Center webhook event already handled (id: SHA-256 of its raw body), so a retry acts once. */
export const WebhookEvent = z.object({
  id,
  eventName: z.string(),
  receivedAt: isoDate,
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/**
 * A bulk invitation (`invite customers`): its lines and how far it got, so a restart resumes it
 * without duplicates. The fields beyond these are defined by the bulk invitation work.
 */
export const Batch = z.object({
  id,
  createdBy: ActorRef,
  createdAt: isoDate,
  /** `running` until every line has been tried; `stopped` when its maker may no longer invite. */
  status: z.enum(['running', 'done', 'stopped']).default('done'),
  /** The language of its card and of the emails whose line names none. */
  locale: Locale.default('en'),
  /** The lines as checked, in order; each line's invitation id is written in the transaction that made it. */
  lines: z
    .array(
      z.object({
        /** Its number in what was pasted or sent (the header row counts). */
        line: z.number().int().positive(),
        companyName: z.string().min(1),
        customerEmail: z.string().min(1),
        language: Locale.nullable(),
        providerId: z.string().nullable(),
        invitationId: z.string().nullable(),
        /** Why it could not be made (Microsoft refused it): a message key and its values. */
        failure: z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }).nullable(),
      }),
    )
    .default([]),
  /** Where it was started, for the reminders of its invitations (null in the terminal). */
  conversation: z
    .object({
      platform: z.enum(['teams', 'slack']),
      conversationId: z.string().min(1),
      reference: z.record(z.string(), z.unknown()).nullable(),
      locale: Locale,
    })
    .nullable()
    .default(null),
  /** The progress card, once the surface has posted it. */
  card: CardLocation.nullable().default(null),
  /** How many lines were done when the card was last told, and when: updates are spaced out. */
  reportedDone: z.number().int().nonnegative().default(0),
  reportedAt: isoDate.nullable().default(null),
  finishedAt: isoDate.nullable().default(null),
});
export type Batch = z.infer<typeof Batch>;

/** A conversation that gets the weekly digest (`digest here`). Id: "<platform>:<conversationId>". */
export const DigestSubscription = z.object({
  id,
  platform: z.enum(['teams', 'slack']),
  conversationId: z.string().min(1),
  reference: z.record(z.string(), z.unknown()).nullable(),
  locale: Locale,
  createdBy: ActorRef,
  createdAt: isoDate,
  /** The conversation's name as the platform gave it, for the audit trail. */
  name: z.string().optional(),
  /**
   * The key (32 random bytes, base64url) the chart links of this conversation's digests are signed
   * with (HMAC-SHA256): any replica checks a link without a record per link, and `stop digest`,
   * which deletes it, ends every link at once.
   */
  chartKey: z.string().min(43).optional(),
  /** The start of the last period whose digest was queued here: each period is sent once. */
  lastPeriodStart: isoDate.optional(),
});
export type DigestSubscription = z.infer<typeof DigestSubscription>;

/**
 * A one-time download link (an export for Teams): only the SHA-256 of its token is kept, so a copy of
 * the store downloads nothing. It works once, until `expiresAt`.
 */
export const Download = z.object({
  id, // SHA-256 of the token
  createdBy: ActorRef,
  createdAt: isoDate,
  expiresAt: isoDate,
  usedAt: isoDate.nullable(),
  /** What it exports (absent on a record that names nothing: it downloads nothing). */
  kind: z.enum(['customers', 'audit']).optional(),
  /** The language of the file's column headers: the person's when they asked. */
  locale: Locale.optional(),
});
export type Download = z.infer<typeof Download>;
