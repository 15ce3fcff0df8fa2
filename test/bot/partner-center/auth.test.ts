import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CacheDecryptionError,
  createPartnerCenterAuth,
  decryptCache,
  encryptCache,
  EncryptionKeyError,
  parseEncryptionKey,
} from '../../../bot/partner-center/auth.js';
import { createPartnerCenterClient } from '../../../bot/partner-center/client.js';
import type { EncryptedCacheStore, SignedIn } from '../../../bot/partner-center/port.js';
import { PartnerCenterError } from '../../../bot/partner-center/port.js';
import { startFakePartnerCenter, type FakePartnerCenter } from '../../fakes/partner-center.js';

const NOW = new Date('2026-05-04T09:00:00Z');
const DAY = 86_400_000;

function memoryStore() {
  const state = { data: null as string | null, signedIn: null as SignedIn | null, saves: [] as string[], clears: 0 };
  const store: EncryptedCacheStore = {
    load: () => state.data,
    async save(encrypted, signedIn) {
      state.data = encrypted;
      state.signedIn = signedIn;
      state.saves.push(encrypted);
    },
    async clear() {
      state.data = null;
      state.signedIn = null;
      state.clears++;
    },
  };
  return { store, state };
}

let fake: FakePartnerCenter;
async function start(options: Parameters<typeof startFakePartnerCenter>[0] = {}) {
  fake = await startFakePartnerCenter({ now: () => NOW, ...options });
  return fake;
}
afterEach(async () => {
  await fake?.close();
});

function auth(store: EncryptedCacheStore, key: Buffer) {
  return createPartnerCenterAuth({
    tenantId: fake.tenantId,
    clientId: fake.clientId,
    authorityHost: fake.url,
    cache: store,
    encryptionKey: key,
    clock: { now: () => NOW },
  });
}

async function refusal(promise: Promise<unknown>): Promise<PartnerCenterError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PartnerCenterError);
  return err as PartnerCenterError;
}

async function signIn(pc: ReturnType<typeof auth>, person: { upn: string; mfa: boolean }) {
  const { prompt, done } = await pc.startSignIn();
  fake.completeSignIn({ ...person, userCode: prompt.userCode });
  return { prompt, done };
}

describe('parseEncryptionKey', () => {
  it('accepts 32 bytes as base64 or hex', () => {
    const bytes = randomBytes(32);
    expect(parseEncryptionKey(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(parseEncryptionKey(` ${bytes.toString('hex')}\n`).equals(bytes)).toBe(true);
  });

  it('says how to generate one otherwise', () => {
    for (const bad of [undefined, '', 'short', randomBytes(16).toString('base64'), randomBytes(32).toString('hex').slice(1)]) {
      let error: unknown;
      try {
        parseEncryptionKey(bad);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(EncryptionKeyError);
      expect((error as Error).message).toContain('openssl rand -base64 32');
      expect((error as Error).message).toContain("require('crypto').randomBytes(32).toString('base64')");
    }
  });
});

describe('encryptCache / decryptCache', () => {
  it('round-trips with a random iv, and refuses another key or altered data with a clear error', () => {
    const key = randomBytes(32);
    const a = encryptCache(key, '{"secret":"value"}');
    const b = encryptCache(key, '{"secret":"value"}');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(decryptCache(key, a)).toBe('{"secret":"value"}');
    expect(() => decryptCache(randomBytes(32), a)).toThrow(CacheDecryptionError);
    expect(() => decryptCache(randomBytes(32), a)).toThrow(/not the key it was saved with, or the data was altered/);
    const parts = a.split('.');
    const sealed = Buffer.from(parts[4]!, 'base64');
    sealed[0]! ^= 1;
    parts[4] = sealed.toString('base64');
    expect(() => decryptCache(key, parts.join('.'))).toThrow(CacheDecryptionError);
    expect(() => decryptCache(key, 'garbage')).toThrow(CacheDecryptionError);
    expect(() => decryptCache(key, '{"AccessToken":{}}')).toThrow(/expected encrypted format/);
  });
});

describe('Partner Center sign-in with the device code, against the stand-in', () => {
  beforeEach(async () => {
    await start();
  });

  it('shows the code, finishes when the person signed in with MFA, and gives Partner Center tokens', async () => {
    const { store, state } = memoryStore();
    const key = randomBytes(32);
    const pc = auth(store, key);
    const { prompt, done } = await pc.startSignIn();
    expect(fake.pendingUserCodes()).toEqual([prompt.userCode]);
    expect(prompt.verificationUri).toBe('https://microsoft.com/devicelogin');
    expect(prompt.expiresAt).toBe(new Date(NOW.getTime() + 900_000).toISOString());
    expect(prompt.message).toContain(prompt.userCode);

    // Polling says authorization_pending until the person finishes: the sign-in keeps polling
    // (two pending answers seen by the stand-in) and has not settled.
    let settled = false;
    void done.then(
      () => (settled = true),
      () => (settled = true),
    );
    const pendingAnswers = () => fake.requests().filter((r) => r.path.endsWith('/oauth2/v2.0/token') && r.status === 400).length;
    await expect.poll(pendingAnswers, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(settled).toBe(false);

    fake.completeSignIn({ upn: 'admin@partner.example', mfa: true });
    const signedIn = await done;
    expect(signedIn).toEqual({ account: 'admin@partner.example', refreshExpiresAt: new Date(NOW.getTime() + 90 * DAY).toISOString() });
    expect(state.signedIn).toEqual(signedIn);

    const token = await pc.accessToken();
    expect(fake.tokenInfo(token)).toMatchObject({ aud: 'https://api.partnercenter.microsoft.com', mfa: true, appOnly: false });
    fake.addCustomer({ companyName: 'Contoso' });
    const client = createPartnerCenterClient({ baseUrl: fake.url, accessToken: () => pc.accessToken() });
    expect(await client.listCustomers()).toHaveLength(1);

    // The saved cache holds the tokens, but never in clear.
    expect(state.data).toBeTruthy();
    const clear = decryptCache(key, state.data!);
    expect(clear).toContain(token);
    const refreshTokens = fake.refreshTokenStates().map((r) => r.token);
    expect(refreshTokens.length).toBeGreaterThan(0);
    for (const saved of state.saves) {
      expect(saved).not.toContain(token);
      expect(saved).not.toContain(token.split('.')[1]!);
      for (const rt of refreshTokens) expect(saved).not.toContain(rt);
      expect(saved).not.toContain('admin@partner.example');
      expect(saved).not.toContain('AccessToken');
    }
  });

  it('refuses a sign-in without MFA with 900421 and keeps nothing', async () => {
    const { store, state } = memoryStore();
    const pc = auth(store, randomBytes(32));
    const { done } = await signIn(pc, { upn: 'nomfa@partner.example', mfa: false });
    const err = await refusal(done);
    expect(err).toMatchObject({ status: 401, code: '900421' });
    expect(err.description).toMatch(/multi-factor authentication/);
    expect(state.data).toBeNull();
    expect((await refusal(pc.accessToken())).code).toBe('not-connected');
  });

  it('is not connected before any sign-in', async () => {
    const { store } = memoryStore();
    expect((await refusal(auth(store, randomBytes(32)).accessToken())).code).toBe('not-connected');
  });

  it('with the wrong key, the saved sign-in is a clear not-connected error, and a new sign-in replaces it', async () => {
    const { store, state } = memoryStore();
    const { done } = await signIn(auth(store, randomBytes(32)), { upn: 'admin@partner.example', mfa: true });
    await done;
    const other = auth(store, randomBytes(32));
    const err = await refusal(other.accessToken());
    expect(err.code).toBe('not-connected');
    expect(err.description).toMatch(/TOKEN_ENCRYPTION_KEY is not the key it was saved with/);

    const again = await signIn(other, { upn: 'admin@partner.example', mfa: true });
    await again.done;
    expect(fake.tokenInfo(await other.accessToken())).toMatchObject({ mfa: true });
    expect(state.data).toBeTruthy();
  });

  it('hands the signer (tid, oid, account) to approve before keeping anything; a refusal keeps nothing and leaves the stored sign-in working', async () => {
    const { store, state } = memoryStore();
    const pc = auth(store, randomBytes(32));
    await (
      await signIn(pc, { upn: 'admin@partner.example', mfa: true })
    ).done;
    const saved = state.data;
    const before = await pc.accessToken();

    const seen: unknown[] = [];
    const { prompt, done } = await pc.startSignIn({
      approve: async (signer) => {
        seen.push(signer);
        throw new Error('not this one');
      },
    });
    fake.completeSignIn({ upn: 'sales@partner.example', mfa: true, oid: '11111111-2222-4333-8444-555555555555', userCode: prompt.userCode });
    await expect(done).rejects.toThrow('not this one');
    expect(seen).toEqual([{ account: 'sales@partner.example', tenantId: fake.tenantId, objectId: '11111111-2222-4333-8444-555555555555' }]);
    expect(state.data).toBe(saved);
    expect(state.signedIn?.account).toBe('admin@partner.example');
    const after = await pc.accessToken();
    expect(after).toBe(before);
    expect(fake.tokenInfo(after)).toMatchObject({ upn: 'admin@partner.example' });
  });

  it('says whether the stored cache can be read with its key', async () => {
    const { store } = memoryStore();
    const first = auth(store, randomBytes(32));
    expect(first.canReadCache()).toBe(true);
    await (
      await signIn(first, { upn: 'admin@partner.example', mfa: true })
    ).done;
    expect(first.canReadCache()).toBe(true);
    expect(auth(store, randomBytes(32)).canReadCache()).toBe(false);
  });

  it('signOut forgets every token', async () => {
    const { store, state } = memoryStore();
    const pc = auth(store, randomBytes(32));
    await (
      await signIn(pc, { upn: 'admin@partner.example', mfa: true })
    ).done;
    await pc.accessToken();
    await pc.signOut();
    expect(state.data).toBeNull();
    expect(state.clears).toBe(1);
    expect((await refusal(pc.accessToken())).code).toBe('not-connected');
  });
});

describe('silent refresh', () => {
  it('refreshes with the refresh token, which rotates, and survives a restart from the encrypted cache', async () => {
    // Tokens shorter than MSAL's 5-minute renewal margin: every silent call refreshes.
    await start({ accessTokenLifetimeSeconds: 120 });
    const { store, state } = memoryStore();
    const key = randomBytes(32);
    const pc = auth(store, key);
    await (
      await signIn(pc, { upn: 'admin@partner.example', mfa: true })
    ).done;
    const first = fake.refreshTokenStates();
    expect(first).toHaveLength(1);

    const a = await pc.accessToken();
    expect(fake.refreshGrants()).toBe(1);
    const afterOne = fake.refreshTokenStates();
    expect(afterOne).toHaveLength(2);
    expect(afterOne[0]!.valid).toBe(false);
    expect(afterOne[1]!.valid).toBe(true);
    expect(decryptCache(key, state.data!)).toContain(afterOne[1]!.token);
    expect(decryptCache(key, state.data!)).not.toContain(afterOne[0]!.token);

    // A restarted bot (a new auth on the same store and key) refreshes with the rotated token.
    const restarted = auth(store, key);
    const b = await restarted.accessToken();
    expect(b).not.toBe(a);
    expect(fake.refreshGrants()).toBe(2);
    expect(fake.tokenInfo(b)).toMatchObject({ aud: 'https://api.partnercenter.microsoft.com', mfa: true });
    expect(state.signedIn?.account).toBe('admin@partner.example');

    fake.expireRefreshTokens();
    const lapsed = await refusal(restarted.accessToken());
    expect(lapsed.code).toBe('refresh-expired');
    expect(lapsed.description).toContain('AADSTS700082');
  });

  it('uses the cached access token while it is fresh', async () => {
    await start();
    const { store } = memoryStore();
    const pc = auth(store, randomBytes(32));
    await (
      await signIn(pc, { upn: 'admin@partner.example', mfa: true })
    ).done;
    const a = await pc.accessToken();
    expect(await pc.accessToken()).toBe(a);
    expect(fake.refreshGrants()).toBe(0);
  });
});
