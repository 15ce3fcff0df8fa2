/**
 * The Partner Center REST API (https://api.partnercenter.microsoft.com/v1) as the bot uses it,
 * for partners whose tenant Partner Center gives API access (direct-bill partners, indirect
 * providers, some indirect resellers). App+User tokens with MFA, from a device-code sign-in in
 * the chat (auth.ts). The implementation is `createPartnerCenterClient` (client.ts); tests point
 * it at a local stand-in.
 */

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
 * App+User tokens for Partner Center through msal-node's device code flow (a public client), with
 * the MSAL token cache kept by `cache` encrypted (AES-256-GCM with TOKEN_ENCRYPTION_KEY), and
 * silent refresh. Implemented by `createPartnerCenterAuth` (auth.ts).
 */
export interface PartnerCenterAuth {
  /**
   * Starts a sign-in: the prompt as soon as Entra gives it; `done` settles when the person signed
   * in with MFA, or the code expired. The new tokens stay in memory until `approve` resolved for
   * the signer; if it throws, they are discarded, nothing is stored, and `done` rejects with it.
   */
  startSignIn(options?: { approve?(signer: Signer): Promise<void> }): Promise<{ prompt: DeviceCodePrompt; done: Promise<SignedIn> }>;
  /** False when a cache is stored that TOKEN_ENCRYPTION_KEY cannot decrypt (the key changed, or the data was altered). */
  canReadCache(): boolean;
  /** A Partner Center access token, refreshed silently; PartnerCenterError code `not-connected` or `refresh-expired` otherwise. */
  accessToken(): Promise<string>;
  /** Forgets every token (the encrypted cache is deleted). */
  signOut(): Promise<void>;
}

/** Where the encrypted cache lives (the store's `connections` record, written in a transaction). */
export interface EncryptedCacheStore {
  load(): string | null;
  save(encrypted: string, signedIn: SignedIn | null): Promise<void>;
  clear(): Promise<void>;
}
