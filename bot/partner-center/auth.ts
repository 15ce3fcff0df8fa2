/**
 * App+User tokens for Partner Center through msal-node's device code flow (a public client),
 * behind the `PartnerCenterAuth` port (port.ts). MSAL's token cache goes through a cache plugin
 * that keeps it only encrypted (AES-256-GCM with TOKEN_ENCRYPTION_KEY) in an EncryptedCacheStore;
 * `accessToken` uses `acquireTokenSilent` with the cached account, so MSAL refreshes (and rotates)
 * the refresh token when the access token is near its end.
 *
 * Tokens, device codes and the key are never logged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
  type ICachePlugin,
  type TokenCacheContext,
} from '@azure/msal-node';
import type { DeviceCodePrompt, EncryptedCacheStore, PartnerCenterAuth, SignedIn, Signer } from './port.js';
import { PartnerCenterError } from './port.js';
import { tokenClaims } from '../http/microsoft.js';
import { trimSlash } from '../server/url.js';

export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/.default';
/** Entra's refresh tokens for Partner Center live 90 days (each use gives a new one). */
export const REFRESH_TOKEN_DAYS = 90;
const DAY_MS = 86_400_000;

export interface PartnerCenterAuthOptions {
  tenantId: string;
  /** A public client app registration (device code flow allowed). */
  clientId: string;
  /** Default https://login.microsoftonline.com. */
  authorityHost?: string;
  /** Default https://api.partnercenter.microsoft.com/.default. */
  scope?: string;
  cache: EncryptedCacheStore;
  /** 32 bytes (parseEncryptionKey). */
  encryptionKey: Buffer;
  clock: { now(): Date };
  logger?: { warn(obj: object, msg: string): void; debug?(obj: object, msg: string): void };
}

// ---- the key and the encrypted cache ----

const GENERATE_KEY =
  "Generate one with `openssl rand -base64 32` (or `node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"`) and set it as TOKEN_ENCRYPTION_KEY.";

export class EncryptionKeyError extends Error {
  override readonly name = 'EncryptionKeyError';
}

/**
 * TOKEN_ENCRYPTION_KEY as 32 bytes: base64 (44 characters) or 64 hex characters. Anything else
 * throws an EncryptionKeyError whose message says how to generate one.
 */
export function parseEncryptionKey(text: string | undefined | null): Buffer {
  const value = (text ?? '').trim();
  if (value === '') throw new EncryptionKeyError(`TOKEN_ENCRYPTION_KEY is not set. ${GENERATE_KEY}`);
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new EncryptionKeyError(`TOKEN_ENCRYPTION_KEY must be 32 random bytes, as base64 or 64 hex characters. ${GENERATE_KEY}`);
}

export class CacheDecryptionError extends Error {
  override readonly name = 'CacheDecryptionError';
}

const CACHE_FORMAT = 'aes256gcm.v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function checkKey(key: Buffer) {
  if (!Buffer.isBuffer(key) || key.length !== 32)
    throw new EncryptionKeyError(`The token encryption key must be 32 bytes. ${GENERATE_KEY}`);
}

/** `aes256gcm.v1.<base64 iv>.<base64 tag>.<base64 ciphertext>`, with a fresh random iv each time. */
export function encryptCache(key: Buffer, text: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [CACHE_FORMAT, iv.toString('base64'), tag.toString('base64'), sealed.toString('base64')].join('.');
}

/** The text `encryptCache` sealed; a CacheDecryptionError for another key, altered data or another format. */
export function decryptCache(key: Buffer, data: string): string {
  checkKey(key);
  const parts = typeof data === 'string' ? data.split('.') : [];
  const [f1, f2, iv64, tag64, sealed64] = parts;
  if (parts.length !== 5 || `${f1}.${f2}` !== CACHE_FORMAT || !iv64 || !tag64 || sealed64 === undefined) {
    throw new CacheDecryptionError('The saved Partner Center sign-in is not in the expected encrypted format.');
  }
  const iv = Buffer.from(iv64, 'base64');
  const tag = Buffer.from(tag64, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new CacheDecryptionError('The saved Partner Center sign-in is not in the expected encrypted format.');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed64, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new CacheDecryptionError(
      'The saved Partner Center sign-in cannot be decrypted: TOKEN_ENCRYPTION_KEY is not the key it was saved with, or the data was altered.',
    );
  }
}

// ---- errors ----

function firstLine(text: string) {
  return (/^[^\r\n]*?(?=\s+Trace ID:|\r|\n|$)/.exec(text)?.[0] ?? text).slice(0, 300);
}

/** The AADSTS number in an MSAL error, when Entra gave one. */
function aadsts(err: unknown): string | null {
  const e = err as { errorMessage?: unknown; message?: unknown; subError?: unknown };
  const text = `${typeof e?.errorMessage === 'string' ? e.errorMessage : ''} ${typeof e?.message === 'string' ? e.message : ''}`;
  return /AADSTS(\d+)/.exec(text)?.[1] ?? null;
}

function loginError(err: unknown, fallbackCode: string): PartnerCenterError {
  if (err instanceof PartnerCenterError) return err;
  if (err instanceof CacheDecryptionError)
    return new PartnerCenterError(0, 'not-connected', `${err.message} Connect Partner Center again.`);
  const e = err as { errorCode?: unknown; errorMessage?: unknown; message?: unknown };
  const code = aadsts(err) ?? (typeof e?.errorCode === 'string' && e.errorCode ? e.errorCode : fallbackCode);
  const message = typeof e?.errorMessage === 'string' && e.errorMessage ? e.errorMessage : err instanceof Error ? err.message : String(err);
  return new PartnerCenterError(0, code, `Microsoft sign-in failed: ${firstLine(message)}`);
}


// ---- the auth ----

export function createPartnerCenterAuth(options: PartnerCenterAuthOptions): PartnerCenterAuth {
  checkKey(options.encryptionKey);
  const key = options.encryptionKey;
  const authorityHost = trimSlash(options.authorityHost ?? 'https://login.microsoftonline.com');
  const scope = options.scope ?? PARTNER_CENTER_SCOPE;
  const { cache, clock, logger } = options;
  /** What the store records next to the cache; kept fresh on every token grant. */
  let signedIn: SignedIn | null = null;
  /** Set while a sign-out empties the cache: the store is not read back into it. */
  let replacing = false;

  const cachePlugin: ICachePlugin = {
    async beforeCacheAccess(context: TokenCacheContext) {
      if (replacing) return;
      const data = cache.load();
      if (data) context.tokenCache.deserialize(decryptCache(key, data));
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (!context.cacheHasChanged) return;
      const text = context.tokenCache.serialize();
      const accounts = Object.values((JSON.parse(text) as { Account?: Record<string, { username?: string }> }).Account ?? {});
      if (accounts.length === 0) return;
      // A changed cache means a token grant (sign-in or refresh), which brings a new refresh token.
      signedIn = {
        account: accounts[0]?.username ?? signedIn?.account ?? '',
        refreshExpiresAt: new Date(clock.now().getTime() + REFRESH_TOKEN_DAYS * DAY_MS).toISOString(),
      };
      await cache.save(encryptCache(key, text), signedIn);
    },
  };

  /** One configuration for the connection's app (with the encrypted cache) and each sign-in's (in memory). */
  const appConfiguration = (plugin: ICachePlugin | null): Configuration => ({
    auth: {
      clientId: options.clientId,
      authority: `${authorityHost}/${options.tenantId}`,
      // Trusted as is: no instance discovery call (the local stand-in is not a Microsoft cloud).
      knownAuthorities: [new URL(authorityHost).host],
    },
    ...(plugin ? { cache: { cachePlugin: plugin } } : {}),
    system: {
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message, containsPii) => {
          if (containsPii || level > LogLevel.Warning) return;
          logger?.debug?.({ level }, `msal: ${message}`);
        },
      },
    },
  });
  const app = new PublicClientApplication(appConfiguration(cachePlugin));
  /** The last stored cache checked by `canReadCache`, and whether the key opened it. */
  let checked: { data: string; readable: boolean } | null = null;

  async function accounts(): Promise<AccountInfo[]> {
    return app.getTokenCache().getAllAccounts();
  }

  async function forgetAll() {
    replacing = true;
    try {
      for (const account of await accounts()) await app.getTokenCache().removeAccount(account);
    } finally {
      replacing = false;
    }
    signedIn = null;
    await cache.clear();
  }

  return {
    async startSignIn(signInOptions = {}) {
      let showPrompt!: (prompt: DeviceCodePrompt) => void;
      const promptShown = new Promise<DeviceCodePrompt>((resolve) => (showPrompt = resolve));
      // Its own in-memory cache: the new tokens reach neither the store nor the connection's
      // cache until the signer is approved, so a refused sign-in is never used and leaves the
      // current connection as it was.
      const signInApp = new PublicClientApplication(appConfiguration(null));
      const grant = (async (): Promise<SignedIn> => {
        let result: AuthenticationResult | null;
        try {
          result = await signInApp.acquireTokenByDeviceCode({
            scopes: [scope],
            deviceCodeCallback: (response) => {
              showPrompt({
                userCode: response.userCode,
                verificationUri: response.verificationUri,
                expiresAt: new Date(clock.now().getTime() + response.expiresIn * 1000).toISOString(),
                message: response.message,
              });
            },
          });
        } catch (err) {
          throw loginError(err, 'sign-in-failed');
        }
        if (!result?.accessToken || !result.account)
          throw new PartnerCenterError(0, 'sign-in-failed', 'Microsoft sign-in returned no token');
        const amr = tokenClaims(result.accessToken).amr;
        if (Array.isArray(amr) && !amr.includes('mfa')) {
          // Partner Center would refuse every call with 900421: keep nothing, and say why.
          throw new PartnerCenterError(
            401,
            '900421',
            'The sign-in did not use multi-factor authentication, which Partner Center requires. Sign in again with MFA.',
          );
        }
        const claims = (result.idTokenClaims ?? {}) as { tid?: unknown; oid?: unknown };
        const signer: Signer = {
          account: result.account.username,
          tenantId: typeof claims.tid === 'string' ? claims.tid : result.account.tenantId,
          objectId: typeof claims.oid === 'string' ? claims.oid : result.account.localAccountId,
        };
        await signInOptions.approve?.(signer);
        signedIn = { account: signer.account, refreshExpiresAt: new Date(clock.now().getTime() + REFRESH_TOKEN_DAYS * DAY_MS).toISOString() };
        // Approved: this sign-in replaces whatever was stored (another account, an unreadable cache).
        await cache.save(encryptCache(key, signInApp.getTokenCache().serialize()), signedIn);
        return signedIn;
      })();
      // Either the prompt comes first, or the grant failed before Entra gave a code.
      const prompt = await Promise.race([promptShown, grant.then(() => null)]);
      if (prompt === null) throw new PartnerCenterError(0, 'sign-in-failed', 'Microsoft sign-in finished without showing a device code');
      return { prompt, done: grant };
    },

    canReadCache() {
      const data = cache.load();
      if (!data) return true;
      if (data !== checked?.data) {
        let readable = true;
        try {
          decryptCache(key, data);
        } catch {
          readable = false;
        }
        checked = { data, readable };
      }
      return checked.readable;
    },

    async accessToken() {
      let account: AccountInfo | undefined;
      try {
        account = (await accounts())[0];
      } catch (err) {
        throw loginError(err, 'not-connected');
      }
      if (!account)
        throw new PartnerCenterError(0, 'not-connected', 'Partner Center is not connected: an admin can type "connect partner center".');
      try {
        const result = await app.acquireTokenSilent({ account, scopes: [scope] });
        if (!result?.accessToken) throw new PartnerCenterError(0, 'not-connected', 'Microsoft sign-in returned no token');
        return result.accessToken;
      } catch (err) {
        // Entra answers a lapsed or revoked refresh token with invalid_grant (AADSTS700082,
        // AADSTS70008, AADSTS50173…); MSAL reports most as InteractionRequiredAuthError.
        const errorCode = (err as { errorCode?: unknown }).errorCode;
        if (err instanceof InteractionRequiredAuthError || errorCode === 'invalid_grant') {
          throw new PartnerCenterError(
            401,
            'refresh-expired',
            `The Partner Center sign-in has lapsed (${aadsts(err) ? `AADSTS${aadsts(err)}` : String(errorCode)}): an admin must connect again.`,
          );
        }
        throw loginError(err, 'login_failed');
      }
    },

    async signOut() {
      await forgetAll();
    },
  };
}
