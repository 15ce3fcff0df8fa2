/**
 * Verifying a Partner Center webhook event, before anything else is done with it.
 *
 * Partner Center signs each event's raw body with RSA-SHA256 and names the signing certificate
 * in `X-MS-Certificate-Url`; the signature is in `Authorization: Signature <base64>` and the
 * algorithm in `X-MS-Signature-Algorithm: rsa-sha256`. Microsoft's sample publishes the
 * certificate on `https://3psostorageacct.blob.core.windows.net/cert/…cer`, and says to check the
 * certificate's chain and its organisation ("Microsoft Corporation") before the signature.
 * Nothing else is trusted: the certificate is fetched only from an allowed host, over https,
 * without following redirects, with a size limit and a timeout.
 */
import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { getCACertificates } from 'node:tls';
import { z } from 'zod';
import type { Clock } from '../clock.js';

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

/**
 * How far a signed event's ResourceChangeUtcDate may lie from now, either way: older (or later)
 * events are refused, so a captured event cannot be replayed once its day has passed. Partner
 * Center posts within seconds and retries for a few hours; a day leaves room for clock skew.
 */
export const WEBHOOK_FRESHNESS_MS = 86_400_000;
/** The body's `error` for an event outside the window (operators see it in Partner Center's delivery log). */
export const STALE_ANSWER = 'Event date outside the accepted window';

/**
 * How long a handled event's record is kept to drop Partner Center's retries of it. An event
 * dated D is accepted while now is within D ± WEBHOOK_FRESHNESS_MS, up to twice the window after
 * it was first received: the record must outlive that, or a replay would act again.
 */
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
 * malformed or dated outside the freshness window, 503 when Microsoft's certificate could not be fetched (Partner Center retries).
 */
export class WebhookRejected extends Error {
  override readonly name = 'WebhookRejected';
  constructor(
    readonly reason: string,
    readonly status: 400 | 401 | 503 = 401,
    /** What the answer's body says; by default one word per status. */
    readonly answer: string = status === 400 ? 'Bad event' : status === 503 ? 'Try again later' : 'Unauthorized',
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
  /** How far ResourceChangeUtcDate may be from now, either way; WEBHOOK_FRESHNESS_MS by default. */
  freshnessMs?: number;
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
  const freshnessMs = options.freshnessMs ?? WEBHOOK_FRESHNESS_MS;
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
      // The date is signed with the rest, so every retry of a stale event is refused the same way.
      const age = now.getTime() - Date.parse(parsed.data.ResourceChangeUtcDate);
      if (!(Math.abs(age) <= freshnessMs)) throw new WebhookRejected(age > 0 ? 'event too old' : 'event dated in the future', 400, STALE_ANSWER);
      return parsed.data;
    },
  };
}
