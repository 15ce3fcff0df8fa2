/**
 * Partner Center's JSON as the API sends it, and what the client makes of it: customers,
 * subscriptions, error bodies (Partner Center's `{code, description}` or Entra's), the headers a
 * `links.next` may carry, and the limiter that bounds requests in flight.
 */
import type { PcCustomer, PcSubscription } from './port.js';

/** Partner Center's largest page for GET /v1/customers. */
export const MAX_PAGE_SIZE = 500;
/** Headers a `links.next` may not set: ours, or the transport's. */
export const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-length',
  'cookie',
  'ms-requestid',
  'ms-correlationid',
  'accept',
  'content-type',
  'transfer-encoding',
  'connection',
]);

export interface Link {
  uri?: string;
  method?: string;
  headers?: Array<{ key?: string; value?: string }> | Record<string, string>;
}

export interface Collection<T> {
  totalCount?: number;
  items?: T[];
  links?: { next?: Link | null; self?: Link | null } | null;
}

export interface CustomerJson {
  id?: string;
  companyProfile?: { tenantId?: string; domain?: string; companyName?: string } | null;
  relationshipToPartner?: string;
}

export interface SubscriptionJson {
  id: string;
  offerName?: string;
  friendlyName?: string;
  quantity?: number;
  status?: string;
  autoRenewEnabled?: boolean;
  commitmentEndDate?: string | null;
  billingType?: string | null;
  termDuration?: string | null;
}

export interface UserJson {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
}

export interface SubscribedSkuJson {
  productSku?: { id?: string; name?: string } | null;
  consumedUnits?: number;
  activeUnits?: number;
}

export interface RelationshipJson {
  id: string;
  name?: string;
  relationshipType?: string;
  state?: string;
}

export function toCustomer(json: CustomerJson): PcCustomer {
  const profile = json.companyProfile ?? {};
  const id = json.id ?? profile.tenantId ?? '';
  return {
    id,
    tenantId: profile.tenantId ?? id,
    domain: profile.domain ?? '',
    companyName: profile.companyName ?? '',
    relationshipToPartner: json.relationshipToPartner ?? 'none',
  };
}

export function toSubscription(json: SubscriptionJson): PcSubscription {
  return {
    id: json.id,
    offerName: json.offerName || json.friendlyName || '',
    quantity: typeof json.quantity === 'number' ? json.quantity : 0,
    status: (json.status ?? '').toLowerCase(),
    autoRenewEnabled: json.autoRenewEnabled === true,
    commitmentEndDate: json.commitmentEndDate || null,
    billingType: json.billingType || null,
    termDuration: json.termDuration || null,
  };
}

/** A FIFO semaphore: `run` waits for one of `size` slots. */
export function createLimiter(size: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active >= size) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else active--;
      }
    },
  };
}

/**
 * The code and description of a refusal: Partner Center's `{code, description, data[], source}`,
 * or Entra's `{error, error_description: "AADSTS900421: …", error_codes: [900421]}` that Partner
 * Center passes on for token problems.
 */
export function errorFromBody(status: number, json: unknown, statusText: string): { code: string; description: string } {
  const body = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  if ((typeof body.code === 'number' || typeof body.code === 'string') && String(body.code) !== '') {
    return { code: String(body.code), description: text(body.description) || text(body.message) || statusText };
  }
  const entraDescription = text(body.error_description);
  const codes = body.error_codes;
  const aadsts = /AADSTS(\d+)/.exec(entraDescription)?.[1];
  const entraCode = Array.isArray(codes) && codes.length > 0 ? String(codes[0]) : aadsts;
  if (entraCode) {
    const description = /^[^\r\n]*?(?=\s+Trace ID:|\r|\n|$)/.exec(entraDescription)?.[0] || text(body.error) || statusText;
    return { code: entraCode, description };
  }
  const nested = body.error as { code?: unknown; message?: unknown } | undefined;
  if (nested && typeof nested === 'object' && typeof nested.code === 'string') {
    return { code: nested.code, description: text(nested.message) || statusText };
  }
  return { code: `http_${status}`, description: text(body.error) || statusText || 'HTTP error' };
}

export function linkHeaders(link: Link): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = link.headers;
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? raw.flatMap((h) => (typeof h?.key === 'string' && typeof h.value === 'string' ? [[h.key, h.value] as [string, string]] : []))
    : raw && typeof raw === 'object'
      ? Object.entries(raw).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      : [];
  for (const [key, value] of entries) {
    if (!/^[A-Za-z0-9-]+$/.test(key) || RESERVED_HEADERS.has(key.toLowerCase())) continue;
    out[key] = value;
  }
  return out;
}
