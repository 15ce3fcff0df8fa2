/**
 * What the service sees of Partner Center's REST API (the `microsoft` directory's optional half):
 * the link to a signed-in connection, the client it hands out, what a sign-in shows and who made
 * it, and Partner Center's refusals. A port: bot/partner-center implements it (connection.ts,
 * client.ts, auth.ts), the rules only use it.
 */
import type { ActorRef } from '../../store/schema.js';

/** GET /v1/customers: `companyProfile` flattened. */
export interface PcCustomer {
  /** The customer id, which is its tenant id. */
  id: string;
  tenantId: string;
  domain: string;
  companyName: string;
  /** `reseller`, `none`, `advisor`… as Partner Center says. */
  relationshipToPartner: string;
}

/** GET /v1/customers/{id}/subscriptions */
export interface PcSubscription {
  id: string;
  offerName: string;
  quantity: number;
  /** `active`, `suspended`, `deleted`, `expired`, `pending`, `disabled`. */
  status: string;
  autoRenewEnabled: boolean;
  /** The term's end (renewal date), when it has one. */
  commitmentEndDate: string | null;
  /** e.g. `license`, `usage`; Azure plans and reservations are `usage`. */
  billingType: string | null;
  /** e.g. P1M, P1Y for NCE; null for legacy. */
  termDuration: string | null;
}

/** GET /v1/customers/{id}/users */
export interface PcUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

/** GET /v1/customers/{id}/subscribedskus */
export interface PcSubscribedSku {
  skuId: string;
  skuName: string;
  /** Licences assigned. */
  consumedUnits: number;
  /** Licences owned (active units). */
  activeUnits: number;
}

/** GET /v1/relationships?relationship_type=IsIndirectResellerOf */
export interface PcIndirectProvider {
  tenantId: string;
  name: string;
}

/** GET /v1/customers/{id}/relationships: a partner the customer has a relationship with (its indirect provider, say). */
export interface PcPartnerRelationship {
  /** The partner's tenant id. */
  tenantId: string;
  name: string;
  /** e.g. `IsIndirectCloudSolutionProviderOf`, `IsIndirectResellerOf`. */
  relationshipType: string;
  /** e.g. `active`. */
  state: string;
}

export interface PartnerCenterClient {
  /** GET /v1/customers/relationshiprequests [?indirectCloudSolutionProviderId=…] -> its `url`. */
  resellerLink(options?: { indirectProviderTenantId?: string | null }): Promise<string>;
  /** Every customer, all pages (`links.next` + `MS-ContinuationToken`), optionally `starts_with` a company name. */
  listCustomers(options?: { companyNameStartsWith?: string }): Promise<PcCustomer[]>;
  /** GET /v1/customers/{id}; null on 404. */
  getCustomer(customerId: string): Promise<PcCustomer | null>;
  subscriptions(customerId: string): Promise<PcSubscription[]>;
  /** All pages. */
  users(customerId: string): Promise<PcUser[]>;
  subscribedSkus(customerId: string): Promise<PcSubscribedSku[]>;
  indirectProviders(): Promise<PcIndirectProvider[]>;
  /** PATCH /v1/customers/{id} {"relationshipToPartner":"none","attributes":{"objectType":"Customer"}}; resolves once Partner Center confirmed. */
  removeResellerRelationship(customerId: string): Promise<void>;
  /** Fetches a customer from a webhook's ResourceUri (Partner Center's API host only, else throws). */
  customerFromResourceUri(resourceUri: string): Promise<PcCustomer>;
  /** GET /v1/customers/{id}/relationships, all pages: the customer's partners (documented for indirect resellers too). */
  customerRelationships(customerId: string): Promise<PcPartnerRelationship[]>;
}

/** Partner Center's error body `{code, description, data[], source}`, after the client's retries. */
export class PartnerCenterError extends Error {
  override readonly name = 'PartnerCenterError';
  constructor(
    /** HTTP status; 0 when Partner Center could not be reached. */
    readonly status: number,
    /** Partner Center's (or Entra's) code as a string: '1002', '900421', '3000'… */
    readonly code: string,
    readonly description: string,
  ) {
    super(`Partner Center ${status} ${code}: ${description}`);
  }
}

/** What the chat shows while someone signs in with the device code. */
export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  expiresAt: string;
  /** Entra's own sentence, in English. */
  message: string;
}

/** Who signed in with the device code, from the id token: checked before anything is kept. */
export interface Signer {
  /** The UPN (preferred_username). */
  account: string;
  /** `tid`: the tenant the account signed in to. */
  tenantId: string;
  /** `oid`: the account's object id in that tenant. */
  objectId: string;
}

/**
 * A sign-in refused because of who signed in (another tenant, no admin role, not the person who
 * asked): its tokens were discarded before anything was stored.
 */
export class SignInRefused extends PartnerCenterError {
  constructor(
    code: 'signer-other-tenant' | 'signer-not-admin' | 'signer-not-asker' | 'signer-unverified',
    /** The account that signed in, to say who was refused. */
    readonly account: string,
    description: string,
  ) {
    super(403, code, description);
  }
}

export interface SignedIn {
  account: string;
  /** 90 days after the sign-in: when the refresh token lapses unless it is used. */
  refreshExpiresAt: string;
}

/**
 * Why the sign-in can no longer give tokens, and which saved sign-in that was found on (its
 * encrypted cache): an admin who connects again meanwhile makes the finding stale.
 */
export interface ConnectionLost {
  code: string;
  cache?: string;
}

/** `checkConnection`'s code for a stored cache the key cannot open. */
export const KEY_CHANGED = 'key-changed';

export const CONNECTION_ID = 'partner-center';

/** The calls the bot needs, each probed after sign-in with a request that changes nothing. */
export const CAPABILITIES = ['customers', 'relationshipRequests', 'providers'] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type Capabilities = Record<Capability, { allowed: boolean; code: string | null }>;

/** What the service sees of Partner Center. */
export interface PartnerCenterLink {
  /** False when TOKEN_ENCRYPTION_KEY is not set: no token may be kept, so no sign-in. */
  readonly ready: boolean;
  /** A device-code sign-in for `by`; `approve` vets the signer before any token is kept (port.ts). */
  startSignIn(by: ActorRef, approve?: (signer: Signer) => Promise<void>): Promise<{ prompt: DeviceCodePrompt; done: Promise<SignedIn> }>;
  /**
   * True when a connection is stored whose token cache TOKEN_ENCRYPTION_KEY cannot decrypt (the
   * key was rotated, or the data altered): no call can be made until an admin connects again.
   */
  keyChanged(): boolean;
  signOut(): Promise<void>;
  checkCapabilities(): Promise<Capabilities>;
  /** The client, when someone is signed in and Partner Center allows `capability`; null otherwise. */
  clientFor(capability: Capability): PartnerCenterClient | null;
  /** With someone signed in: null while a token can still be had silently, else why not (the sign-in lapsed or was revoked). */
  checkConnection(): Promise<ConnectionLost | null>;
}
