/**
 * Partner Center webhooks: the signature check and the `POST /partner-center/events/:token` route.
 *
 * Partner Center signs each event's raw body with RSA-SHA256 and names the signing certificate
 * in `X-MS-Certificate-Url`; the signature is in `Authorization: Signature <base64>` and the
 * algorithm in `X-MS-Signature-Algorithm: rsa-sha256`. Microsoft's sample publishes the
 * certificate on `https://3psostorageacct.blob.core.windows.net/cert/…cer`, and says to check the
 * certificate's chain and its organisation ("Microsoft Corporation") before the signature.
 * Nothing else is trusted: the certificate is fetched only from an allowed host, over https,
 * without following redirects, with a size limit and a timeout; the path token in the URL is a
 * second factor, checked before the body is read.
 */
import { createHash, timingSafeEqual, verify as verifySignature, X509Certificate } from 'node:crypto';
import { getCACertificates } from 'node:tls';
import type { Request, Response } from 'restify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Surface } from '../server/server.js';
import { readBody } from '../server/body.js';
import type { Store } from '../../store/store.js';

/** Where Microsoft documents the signing certificate (X-MS-Certificate-Url). */
export const PARTNER_CENTER_CERTIFICATE_HOSTS: readonly string[] = ['3psostorageacct.blob.core.windows.net'];

/** The events that mean a customer accepted the partner: the ones `onEvent` receives. */
export const ACCEPTANCE_EVENTS = [
  'reseller-relationship-accepted-by-customer',
  'indirect-reseller-relationship-accepted-by-customer',
  'granular-admin-relationship-approved',
] as const;
export type AcceptanceEventName = (typeof ACCEPTANCE_EVENTS)[number];

/** The event Partner Center sends for `POST /webhooks/v1/registration/validationEvents`. */
export const VALIDATION_EVENT = 'test-created';

/** How long a handled event's record is kept to drop Partner Center's retries of it. */
export const WEBHOOK_EVENT_RETENTION_MS = 30 * 86_400_000;

const isoDate = z.iso.datetime({ offset: true, local: false });
const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'not an http(s) URL');

/** The event body, `{EventName, ResourceUri, ResourceName, AuditUri, ResourceChangeUtcDate}`. */
export const PartnerCenterEvent = z.object({
  EventName: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._-]+$/),
  ResourceUri: httpUrl,
  ResourceName: z.string().max(512),
  AuditUri: httpUrl.nullable().optional(),
  ResourceChangeUtcDate: isoDate,
});
export type PartnerCenterEvent = z.infer<typeof PartnerCenterEvent>;

/**
 * A refused event, with a short reason for the logs. `status` is what the route answers: 401
 * for anything about the signature or certificate, 400 for a payload that is signed but
 * malformed, 503 when Microsoft's certificate could not be fetched (Partner Center retries).
 */
export class WebhookRejected extends Error {
  override readonly name = 'WebhookRejected';
  constructor(
    readonly reason: string,
    readonly status: 400 | 401 | 503 = 401,
  ) {
    super(`Partner Center webhook rejected: ${reason}`);
  }
}

export interface WebhookVerifierOptions {
  /** Hosts (`host` or `host:port`) the certificate may come from; Microsoft's documented one by default. A host without a port means port 443. */
  allowedCertificateHosts?: readonly string[];
  /** PEM trust roots; the ones Node trusts by default otherwise. */
  trustRoots?: string[];
  /** PEM intermediates to build chains with, beside any the certificate URL serves after the leaf. */
  intermediates?: string[];
  /** The organisation the signing certificate's subject must name; `null` skips the check. */
  subjectOrganization?: string | null;
  fetch?: typeof globalThis.fetch;
  clock: Clock;
  /** How long a fetched certificate is reused; 24 hours by default. */
  cacheMs?: number;
  /** Per certificate download; 5 s by default. */
  timeoutMs?: number;
}

export interface WebhookVerifier {
  /** Resolves with the verified event, or throws WebhookRejected. */
  verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<PartnerCenterEvent>;
}

const MAX_CERTIFICATE_BYTES = 64 * 1024;
const MAX_CHAIN_DEPTH = 6;
const MAX_CACHED_CERTIFICATES = 16;

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function parsePemList(pems: string[]): X509Certificate[] {
  return pems.flatMap(splitPem).map((pem) => new X509Certificate(pem));
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/** The organisation (`O=`) lines of a subject as Node prints it (one attribute per line). */
function organizations(subject: string): string[] {
  return subject
    .split('\n')
    .filter((line) => line.startsWith('O='))
    .map((line) => line.slice(2));
}

interface FetchedCertificate {
  leaf: X509Certificate;
  /** Certificates served after the leaf (a PEM bundle), usable as intermediates. */
  extra: X509Certificate[];
}

export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const allowed = new Set(
    (options.allowedCertificateHosts ?? PARTNER_CENTER_CERTIFICATE_HOSTS).map((h) => h.trim().toLowerCase()).filter(Boolean),
  );
  const roots = parsePemList(options.trustRoots ?? getCACertificates('default'));
  const intermediates = parsePemList(options.intermediates ?? []);
  const organization = options.subjectOrganization === undefined ? 'Microsoft Corporation' : options.subjectOrganization;
  const doFetch = options.fetch ?? globalThis.fetch;
  const cacheMs = options.cacheMs ?? 86_400_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const cache = new Map<string, { at: number; certificate: Promise<FetchedCertificate> }>();

  const hostAllowed = (url: URL) => {
    const host = url.hostname.toLowerCase();
    return url.port === '' ? allowed.has(host) || allowed.has(`${host}:443`) : allowed.has(`${host}:${url.port}`);
  };

  const download = async (url: string): Promise<FetchedCertificate> => {
    let response: globalThis.Response;
    try {
      response = await doFetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { accept: '*/*' } });
    } catch {
      throw new WebhookRejected('certificate download failed', 503);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new WebhookRejected('certificate URL redirects');
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new WebhookRejected(`certificate host answered ${response.status}`, 503);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new WebhookRejected(`certificate host answered ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > MAX_CERTIFICATE_BYTES) {
      await response.body?.cancel();
      throw new WebhookRejected('certificate too large');
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    if (!reader) throw new WebhookRejected('certificate empty');
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_CERTIFICATE_BYTES) {
          await reader.cancel();
          throw new WebhookRejected('certificate too large');
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof WebhookRejected) throw error;
      throw new WebhookRejected('certificate download failed', 503);
    }
    const bytes = Buffer.concat(chunks);
    try {
      const text = bytes.toString('latin1');
      if (text.includes('-----BEGIN CERTIFICATE-----')) {
        const [leaf, ...extra] = splitPem(text).map((pem) => new X509Certificate(pem));
        if (!leaf) throw new Error('no certificate');
        return { leaf, extra };
      }
      return { leaf: new X509Certificate(bytes), extra: [] };
    } catch {
      throw new WebhookRejected('certificate unreadable');
    }
  };

  const certificateFor = (url: string): Promise<FetchedCertificate> => {
    const now = options.clock.now().getTime();
    const hit = cache.get(url);
    if (hit && now - hit.at < cacheMs) return hit.certificate;
    const certificate = download(url);
    cache.set(url, { at: now, certificate });
    // A failed download is not remembered: the next delivery tries again.
    certificate.catch(() => {
      if (cache.get(url)?.certificate === certificate) cache.delete(url);
    });
    while (cache.size > MAX_CACHED_CERTIFICATES) cache.delete(cache.keys().next().value!);
    return certificate;
  };

  const validAt = (cert: X509Certificate, at: Date) =>
    cert.validFromDate.getTime() <= at.getTime() && at.getTime() <= cert.validToDate.getTime();

  const issuedBy = (cert: X509Certificate, issuer: X509Certificate) => {
    try {
      return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
    } catch {
      return false;
    }
  };

  /** Walks from the leaf through CA certificates to a trust root, each valid at `at`. */
  const checkChain = (fetched: FetchedCertificate, at: Date) => {
    if (!validAt(fetched.leaf, at)) throw new WebhookRejected('certificate expired or not yet valid');
    const pool = [...fetched.extra, ...intermediates].filter((c) => c.ca);
    let current = fetched.leaf;
    for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth++) {
      const root = roots.find((r) => issuedBy(current, r));
      if (root) {
        if (!validAt(root, at)) throw new WebhookRejected('trust root expired');
        return;
      }
      const next = pool.find((c) => c !== current && issuedBy(current, c));
      if (!next) break;
      if (!validAt(next, at)) throw new WebhookRejected('intermediate certificate expired');
      current = next;
    }
    throw new WebhookRejected('certificate not chained to a trusted root');
  };

  return {
    async verify(rawBody, headers) {
      const authorization = headerValue(headers, 'authorization');
      const signature = authorization ? /^Signature ([A-Za-z0-9+/]{16,2048}={0,2})$/.exec(authorization)?.[1] : undefined;
      if (!signature) throw new WebhookRejected('missing or malformed signature');
      if (headerValue(headers, 'x-ms-signature-algorithm')?.toLowerCase() !== 'rsa-sha256')
        throw new WebhookRejected('unsupported signature algorithm');
      const certificateUrl = headerValue(headers, 'x-ms-certificate-url');
      let url: URL;
      try {
        url = new URL(certificateUrl ?? '');
      } catch {
        throw new WebhookRejected('missing or malformed certificate URL');
      }
      if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash)
        throw new WebhookRejected('certificate URL refused');
      if (!hostAllowed(url)) throw new WebhookRejected('certificate host not allowed');

      const fetched = await certificateFor(url.href);
      const now = options.clock.now();
      checkChain(fetched, now);
      if (organization !== null && !organizations(fetched.leaf.subject).includes(organization)) {
        throw new WebhookRejected('certificate organisation not accepted');
      }
      const key = fetched.leaf.publicKey;
      if (key.asymmetricKeyType !== 'rsa') throw new WebhookRejected('certificate key is not RSA');
      let valid = false;
      try {
        valid = verifySignature('sha256', rawBody, key, Buffer.from(signature, 'base64'));
      } catch {
        valid = false;
      }
      if (!valid) throw new WebhookRejected('signature does not match the body');

      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new WebhookRejected('payload is not JSON', 400);
      }
      const parsed = PartnerCenterEvent.safeParse(json);
      if (!parsed.success) throw new WebhookRejected('payload does not match the event shape', 400);
      return parsed.data;
    },
  };
}

export interface PartnerCenterWebhookSurfaceOptions {
  verifier: WebhookVerifier;
  /** The secret path segment: `POST /partner-center/events/<secretToken>`. */
  secretToken: string;
  store: Store;
  /**
   * Called once per verified acceptance event (ACCEPTANCE_EVENTS). A rejection answers 500 so
   * Partner Center retries; the event counts as handled only after it resolved. A crash between
   * the two lets a retry call it again, so it must tolerate a repeat (the acceptance path does).
   */
  onEvent(event: PartnerCenterEvent): Promise<void>;
  logger: Logger;
  clock: Clock;
  /** Body limit in bytes; 16 KiB by default (an event is a few hundred bytes). */
  bodyLimit?: number;
}

export const PARTNER_CENTER_EVENTS_PATH = '/partner-center/events';

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();

export function createPartnerCenterWebhookSurface(options: PartnerCenterWebhookSurfaceOptions): Surface {
  const { verifier, store, logger, clock } = options;
  const expected = digest(options.secretToken);
  /** Events being handled now, by id: a concurrent duplicate waits for the first and acts on its outcome. */
  const inFlight = new Map<string, Promise<void>>();

  const send = (res: Response, status: number, body: Record<string, string>) => {
    if (!res.headersSent) res.send(status, body);
  };

  const tokenMatches = (given: string) => timingSafeEqual(digest(given), expected);

  const handle = async (id: string, event: PartnerCenterEvent) => {
    await options.onEvent(event);
    const now = clock.now();
    const cutoff = now.getTime() - WEBHOOK_EVENT_RETENTION_MS;
    await store.transact((tx, read) => {
      if (!read.get('webhookEvents', id)) tx.put('webhookEvents', { id, eventName: event.EventName, receivedAt: now.toISOString() });
      for (const old of read.all('webhookEvents')) if (Date.parse(old.receivedAt) < cutoff) tx.delete('webhookEvents', old.id);
    });
  };

  return {
    name: 'partner-center-webhooks',
    register(server) {
      server.post(
        `${PARTNER_CENTER_EVENTS_PATH}/:token`,
        (req: Request, res: Response, next) => {
          // The second factor comes first: a wrong token never reaches the body or the certificate host.
          if (!tokenMatches(String(req.params.token ?? ''))) {
            res.setHeader('connection', 'close');
            send(res, 404, { error: 'Not found' });
            return next(false);
          }
          next();
        },
        readBody({ types: ['application/json'], limit: options.bodyLimit ?? 16 * 1024 }),
        async (req: Request, res: Response) => {
          const raw: Buffer = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
          let event: PartnerCenterEvent;
          try {
            event = await verifier.verify(raw, req.headers);
          } catch (error) {
            if (error instanceof WebhookRejected) {
              logger.warn({ reason: error.reason, status: error.status }, 'Partner Center webhook rejected');
              if (error.status === 503) res.setHeader('retry-after', '60');
              return send(res, error.status, {
                error: error.status === 400 ? 'Bad event' : error.status === 503 ? 'Try again later' : 'Unauthorized',
              });
            }
            logger.error({ err: error }, 'Partner Center webhook verification failed unexpectedly');
            return send(res, 401, { error: 'Unauthorized' });
          }

          if (!(ACCEPTANCE_EVENTS as readonly string[]).includes(event.EventName)) {
            logger.info({ eventName: event.EventName }, 'Partner Center webhook verified; not an acceptance, nothing to do');
            return send(res, 200, { status: 'ignored' });
          }

          const id = digest(raw).toString('hex');
          const running = inFlight.get(id);
          if (running) {
            try {
              await running;
              return send(res, 200, { status: 'duplicate' });
            } catch {
              return send(res, 500, { error: 'Not handled; retry' });
            }
          }
          if (store.get('webhookEvents', id)) {
            logger.info({ eventName: event.EventName }, 'Partner Center webhook already handled');
            return send(res, 200, { status: 'duplicate' });
          }
          // Set before the first await, so a concurrent duplicate finds it.
          const work = handle(id, event);
          inFlight.set(id, work);
          try {
            await work;
            logger.info({ eventName: event.EventName }, 'Partner Center webhook handled');
            send(res, 200, { status: 'accepted' });
          } catch (error) {
            logger.error({ err: error, eventName: event.EventName }, 'Partner Center webhook event not handled; Partner Center will retry');
            send(res, 500, { error: 'Not handled; retry' });
          } finally {
            inFlight.delete(id);
          }
        },
      );
    },
  };
}
