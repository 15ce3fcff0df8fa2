/**
 * The Partner Center webhook route on a real server, for the route and verifier tests: the real
 * verifier (its certificate fetches counted) in front of the real surface, on a temp store, with
 * the acceptance handler the test sets.
 */
import { startServer, type RunningServer } from '../../../bot/server/server.js';
import { createLogger } from '../../../bot/logger.js';
import {
  createPartnerCenterWebhookSurface,
  createWebhookVerifier,
  type PartnerCenterEvent,
  type WebhookVerifierOptions,
} from '../../../bot/partner-center/webhooks.js';
import { tempStore } from '../../helpers.js';
import type { Store } from '../../../store/store.js';

export const TOKEN = 'pc-webhook-token-0123456789abcdefghijklmnop';

export interface WebhookRoute {
  server: RunningServer;
  store: Store;
  calls: PartnerCenterEvent[];
  fetches: string[];
  /** Requests whose event the verifier accepted: the route goes on with them at once (no await before its duplicate check). */
  verified(): number;
  /** The route's answer: its status and its body (parsed when JSON). */
  post(body: Buffer | string, headers: Record<string, string>, token?: string): Promise<{ status: number; json: unknown }>;
  /** The route's answer as fetch gives it (its headers too). */
  send(body: Buffer | string, headers: Record<string, string>, token?: string): Promise<Response>;
  setOnEvent(fn: (e: PartnerCenterEvent) => Promise<void>): void;
}

/** The route, its certificates from `verifier.allowedCertificateHosts` chained to `verifier.trustRoots`; closed by `close()` of the server. */
export async function startWebhookRoute(verifier: WebhookVerifierOptions): Promise<WebhookRoute> {
  const { store } = await tempStore();
  const calls: PartnerCenterEvent[] = [];
  const fetches: string[] = [];
  let onEvent = async (_e: PartnerCenterEvent) => {};
  let verified = 0;
  const real = createWebhookVerifier({
    ...verifier,
    fetch: (input, init) => {
      fetches.push(String(input));
      return (verifier.fetch ?? fetch)(input, init);
    },
  });
  const surface = createPartnerCenterWebhookSurface({
    verifier: {
      ...real,
      verify: async (raw, headers) => {
        const event = await real.verify(raw, headers);
        verified++;
        return event;
      },
    },
    secretToken: TOKEN,
    store,
    clock: verifier.clock,
    logger: createLogger('silent'),
    onEvent: async (e) => {
      calls.push(e);
      await onEvent(e);
    },
  });
  const server = await startServer({ port: 0, host: '127.0.0.1', store, logger: createLogger('silent'), surfaces: [surface] });
  const send = (body: Buffer | string, headers: Record<string, string>, token = TOKEN) =>
    fetch(`${server.url}/partner-center/events/${token}`, {
      method: 'POST',
      headers,
      body: Buffer.isBuffer(body) ? new Uint8Array(body) : body,
    });
  return {
    server,
    store,
    calls,
    fetches,
    verified: () => verified,
    setOnEvent: (fn) => (onEvent = fn),
    send,
    async post(body, headers, token) {
      const res = await send(body, headers, token);
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json };
    },
  };
}
