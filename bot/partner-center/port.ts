/**
 * The Partner Center REST API (https://api.partnercenter.microsoft.com/v1) as the bot uses it,
 * for partners whose tenant Partner Center gives API access (direct-bill partners, indirect
 * providers, some indirect resellers). App+User tokens with MFA, from a device-code sign-in in
 * the chat (auth.ts). The implementation is `createPartnerCenterClient` (client.ts); tests point
 * it at a local stand-in.
 */

import type { DeviceCodePrompt, SignedIn, Signer } from '../service/partner-center-port.js';

// The types and errors the service uses live with it (its port); the adapter's own stay here.
export * from '../service/partner-center-port.js';

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
