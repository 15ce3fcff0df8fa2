/**
 * botbuilder's CloudAdapter builds a new ConnectorClient and a new UserTokenClient for every
 * activity it receives, each with its own HTTP pipeline, even for a card action that sends nothing
 * back: about a tenth of a card action's time (bench/RESULTS.md). Both are stateless clients of one
 * app against one service URL (their credentials get and cache tokens themselves), so one of each
 * is kept per app, service URL and audience, as botbuilder's older BotFrameworkAdapter kept its
 * connector clients.
 */
import { AuthenticationConstants, type ClaimsIdentity, type ConnectorClient, type ConnectorFactory } from 'botframework-connector';

/** Teams uses a handful of service URLs; past this many (a local client inventing them), start over. */
const KEPT = 64;

/** Promises of clients by key; a failed one is forgotten, so the next turn tries again. */
export class ClientCache<T> {
  private readonly clients = new Map<string, Promise<T>>();

  get(key: string, create: () => Promise<T>): Promise<T> {
    const known = this.clients.get(key);
    if (known) return known;
    if (this.clients.size >= KEPT) this.clients.clear();
    const made = create();
    this.clients.set(key, made);
    made.catch(() => {
      if (this.clients.get(key) === made) this.clients.delete(key);
    });
    return made;
  }
}

/** The app a turn's outbound calls act as: what botbuilder's own factories read from the claims. */
export function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** `factory`, handing out the connector client it made before for the same service URL and audience. */
export function cachedConnectorFactory(factory: ConnectorFactory, appId: string, cache: ClientCache<ConnectorClient>): ConnectorFactory {
  return {
    create: (serviceUrl: string, audience?: string) =>
      cache.get(JSON.stringify([appId, serviceUrl, audience ?? null]), () => factory.create(serviceUrl, audience)),
  };
}
