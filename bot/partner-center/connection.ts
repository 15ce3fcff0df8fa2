/**
 * The Partner Center connection of the `microsoft` directory: one admin's device-code sign-in,
 * its MSAL token cache kept in the store's `connections` record (encrypted: see auth.ts), the
 * client on top of it, and which calls Partner Center allows this partner.
 */
import type { Store } from '../../store/store.js';
import type { ActorRef, Connection } from '../../store/schema.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { PartnerCenterError, type EncryptedCacheStore, type PartnerCenterAuth, type PartnerCenterClient } from './port.js';
import { CONNECTION_ID, KEY_CHANGED, type Capabilities, type PartnerCenterLink } from '../service/partner-center-port.js';

export { CAPABILITIES, CONNECTION_ID, KEY_CHANGED, type Capabilities, type Capability, type ConnectionLost, type PartnerCenterLink } from '../service/partner-center-port.js';

/** The `connections` record as the token cache's home: the cache is written encrypted, in a transaction. */
export function storedCache(store: Store, clock: Clock, signingIn: () => ActorRef | null): EncryptedCacheStore {
  return {
    load: () => store.get('connections', CONNECTION_ID)?.encryptedCache ?? null,
    async save(encrypted, signedIn) {
      await store.transact((tx, read) => {
        const current = read.get('connections', CONNECTION_ID);
        const by = signingIn();
        if (!current && !by) return; // signed out meanwhile: nothing to keep
        const now = clock.now().toISOString();
        const next: Connection = current
          ? {
              ...current,
              encryptedCache: encrypted,
              ...(signedIn ? { account: signedIn.account, refreshExpiresAt: signedIn.refreshExpiresAt, lostAt: null, nudgedAt: null } : {}),
            }
          : {
              id: CONNECTION_ID,
              encryptedCache: encrypted,
              account: signedIn?.account ?? null,
              connectedBy: by!,
              connectedAt: now,
              refreshExpiresAt: signedIn?.refreshExpiresAt ?? null,
              capabilities: {},
              nudgedAt: null,
              lostAt: null,
              announceTo: null,
            };
        tx.put('connections', next);
      });
    },
    async clear() {
      await store.transact((tx, read) => {
        if (read.get('connections', CONNECTION_ID)) tx.delete('connections', CONNECTION_ID);
      });
    },
  };
}

/** A probe's outcome: allowed, or refused with Partner Center's code. Anything else is a failure to report. */
async function probe(call: () => Promise<unknown>): Promise<{ allowed: boolean; code: string | null }> {
  try {
    await call();
    return { allowed: true, code: null };
  } catch (error) {
    if (error instanceof PartnerCenterError && (error.status === 401 || error.status === 403))
      return { allowed: false, code: error.code || String(error.status) };
    throw error;
  }
}

export function createPartnerCenterLink(options: {
  store: Store;
  /** Null when TOKEN_ENCRYPTION_KEY is missing. */
  auth: PartnerCenterAuth | null;
  client: PartnerCenterClient | null;
  logger: Logger;
}): PartnerCenterLink & { setSigningIn(by: ActorRef | null): void; signingIn(): ActorRef | null } {
  const { store, auth, client, logger } = options;
  let signingIn: ActorRef | null = null;
  const connection = () => store.get('connections', CONNECTION_ID);
  const keyChanged = () => Boolean(auth && connection() && !auth.canReadCache());
  return {
    ready: auth !== null && client !== null,
    setSigningIn(by) {
      signingIn = by;
    },
    signingIn: () => signingIn,
    keyChanged,
    async startSignIn(by, approve) {
      if (!auth) throw new Error('Partner Center sign-in needs TOKEN_ENCRYPTION_KEY');
      signingIn = by;
      const started = await auth.startSignIn({ approve });
      return {
        prompt: started.prompt,
        done: started.done.finally(() => {
          signingIn = null;
        }),
      };
    },
    async signOut() {
      await auth?.signOut();
    },
    async checkCapabilities() {
      if (!client) throw new Error('not connected');
      const unknownCustomer = '00000000-0000-0000-0000-000000000000';
      const capabilities: Capabilities = {
        customers: await probe(() => client.getCustomer(unknownCustomer)),
        relationshipRequests: await probe(() => client.resellerLink()),
        providers: await probe(() => client.indirectProviders()),
      };
      logger.info({ capabilities }, 'Partner Center capabilities checked');
      return capabilities;
    },
    async checkConnection() {
      const current = connection();
      if (!auth || !current || current.lostAt) return null;
      // Not a failure to retry: no token can come out of this cache until someone signs in again.
      if (keyChanged()) return { code: KEY_CHANGED, cache: current.encryptedCache };
      try {
        await auth.accessToken();
        return null;
      } catch (error) {
        // Only a refusal means the connection is gone; Entra being unreachable is not.
        if (error instanceof PartnerCenterError && error.status !== 0 && error.status < 500) return { code: error.code, cache: current.encryptedCache };
        logger.warn({ err: error }, 'could not refresh the Partner Center token; will try again');
        return null;
      }
    },
    clientFor(capability) {
      const current = connection();
      if (!client || !current || current.lostAt || keyChanged()) return null;
      return current.capabilities[capability]?.allowed ? client : null;
    },
  };
}
