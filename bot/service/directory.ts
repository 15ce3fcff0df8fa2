/**
 * Where the facts about customers come from: the port the service uses for invitation links,
 * acceptances, customers, removals and roles. Two directories implement it:
 *
 * - `embedded` (the default): the bot's own invitation page is the customer's consent, roles are
 *   granted in the bot, and a confirmed removal ends the relationship in the store.
 * - `microsoft` (bot/microsoft/directory.ts): a GDAP relationship requested through Microsoft
 *   Graph for each invitation, approved by the customer at Microsoft and found by a background
 *   sync; customers from the partner tenant; roles from its security groups.
 *
 * The chat flows, cards and rules are the same for both; only the facts' source changes.
 */
import type { Check } from './check.js';
import type { CustomerUser, Invitation, License, Provider, Role, Subscription } from '../../store/schema.js';
import type { Actor } from './actor.js';
import type { PartnerCenterLink, Signer } from './partner-center-port.js';

/** What a Microsoft invitation carries besides the email: the links the customer follows. */
export interface PreparedInvitation {
  resellerLink: string;
  gdapRelationshipId: string;
  approvalLink: string;
  /** What the GDAP request asks for, so the email can say it in words (not stored with the invitation). */
  access?: { roleDefinitionIds: string[]; durationDays: number };
}

/** What is left to do outside the bot once a removal is attested, and where. */
export interface RemovalFollowUp {
  /** Partner Center's page for this customer, where the reseller relationship is removed. */
  link: string;
}

/** A customer's subscriptions, users and licences as the directory reads them live. */
export interface CustomerExtras {
  subscriptions: Subscription[];
  users: CustomerUser[];
  licenses: License[];
}

/** A GDAP relationship ended by `end admin access`. */
export interface EndedAccess {
  relationshipId: string;
  displayName: string;
  status: string;
  /**
   * Why this one was not ended, when it was not: `notYetActive` (Microsoft ends a relationship only
   * once it is active), or Microsoft's own words for a refusal. The others are ended all the same.
   */
  notEnded?: string;
}

export interface Directory {
  readonly kind: 'embedded' | 'microsoft';
  /**
   * Makes, outside the store, what the customer will follow for a new invitation (the Microsoft
   * directory requests and locks a GDAP relationship). Null: the customer accepts on the bot's
   * own page. Throws a ServiceError when Microsoft refuses; nothing is left half-made.
   */
  prepareInvitation(input: {
    invitationId: string;
    provider: Readonly<Provider> | null;
    companyName: string | null;
  }): Promise<PreparedInvitation | null>;
  /** Withdraws what `prepareInvitation` made (a discarded or revoked draft); idempotent. */
  withdrawInvitation(invitation: Readonly<Invitation>): Promise<void>;
  /**
   * The role the directory gives this person: a Role, null for none, or undefined when roles are
   * granted in the bot (the embedded directory). Synchronous: it reads what `identify` looked up.
   */
  roleOf(actor: Pick<Actor, 'platform' | 'userId'>): Role | null | undefined;
  /** Looks the person up (cached for a few minutes) so `roleOf` can answer. */
  identify(actor: Actor): Promise<void>;
  /** Null when the confirmed removal ends the relationship in the store (embedded). */
  removalFollowUp(customer: { tenantId: string | null }): RemovalFollowUp | null;
  /** Terminates a customer's active GDAP relationships at Microsoft; unsupported when embedded. */
  endAdminAccess?(customerTenantId: string): Promise<EndedAccess[]>;
  /** What `status` shows: the connection, missing permissions, the last sync. */
  status?(): Promise<DirectoryStatus>;
  /** Reads customers and relationships from Microsoft now (`refresh customers`). */
  refresh?(): Promise<{ customers: number; added: number }>;
  /**
   * Subscriptions, users and licences of a customer, read live (and cached a few minutes); null
   * when the directory cannot read them (no Partner Center API). Throws a ServiceError on refusal.
   */
  customerExtras?(tenantId: string, options?: { fresh?: boolean }): Promise<CustomerExtras | null>;
  /**
   * Removes the reseller relationship at Microsoft and resolves once Microsoft confirmed it
   * (`removed`); null when the directory cannot (the admin finishes it: `removalFollowUp`).
   * Throws a ServiceError that says who can remove it when Microsoft refuses.
   */
  removeResellerRelationship?(tenantId: string): Promise<'removed' | null>;
  /** Partner Center's API, for partners it gives access (the `microsoft` directory only). */
  readonly partnerCenter?: PartnerCenterLink;
  /**
   * Who signed in to Partner Center, as the partner tenant knows them: whether the account is in
   * the partner tenant, its role there, and whether it is `actor` (null when the actor cannot be
   * matched to an account). Throws when the partner tenant cannot be asked.
   */
  partnerCenterSigner?(actor: Actor, signer: Signer): Promise<SignerStanding>;
  /**
   * Turns auto-extend (180 days) on for a GDAP relationship at Microsoft, read fresh for its etag;
   * changed meanwhile (412), read again and tried once more. Unsupported when embedded. Throws a
   * ServiceError when Microsoft refuses or cannot be reached.
   */
  autoExtend?(relationshipId: string): Promise<AutoExtendOutcome>;
}

/** A GDAP relationship as Microsoft has it now, for the rules that follow auto-extend. */
export interface GdapFacts {
  status: string;
  autoExtendDuration: string;
  endDateTime: string | null;
  roleDefinitionIds: string[];
}

/** What `autoExtend` came to: done, already done, refused for a reason read fresh, gone, or changed twice meanwhile. */
export type AutoExtendOutcome =
  | { outcome: 'extended' | 'alreadyOn' | 'globalAdministrator' | 'notActive'; relationship: GdapFacts }
  | { outcome: 'gone' | 'changedMeanwhile' };

/** What the partner tenant says about the account that signed in to Partner Center. */
export interface SignerStanding {
  inPartnerTenant: boolean;
  role: Role | null;
  isActor: boolean | null;
}

export interface DirectoryStatus {
  kind: 'embedded' | 'microsoft';
  tenantId: string | null;
  appId: string | null;
  /** Permissions the app needs and lacks; null when they could not be read. */
  missingPermissions: string[] | null;
  permissionError: string | null;
  sync: { lastSuccessAt: string | null; lastError: string | null; stale: boolean } | null;
  /** The deployment's checks, as `npm run doctor` prints them. */
  checks?: Check[];
}

/** The default directory: nothing outside the bot. */
export const embeddedDirectory: Directory = {
  kind: 'embedded',
  prepareInvitation: () => Promise.resolve(null),
  withdrawInvitation: () => Promise.resolve(),
  roleOf: () => undefined,
  identify: () => Promise.resolve(),
  removalFollowUp: () => null,
};
