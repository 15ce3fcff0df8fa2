/**
 * The Partner Center REST client behind the `PartnerCenterClient` port (port.ts): App+User
 * tokens from `accessToken` (auth.ts), the v1 API over fetch with `MS-RequestId` (one per HTTP
 * request) and `MS-CorrelationId` (one per logical operation: every page and retry of a list
 * shares it), paging through `links.next` with the headers it names (`MS-ContinuationToken`),
 * bounded retries (429/503 after Retry-After, other 5xx and network failures with exponential
 * backoff on GET only) and a concurrency limit shared by every call of the client.
 *
 * Tokens are never logged; logged paths leave out query strings (a filter carries a company name).
 */
import { randomUUID } from 'node:crypto';
import type { PartnerCenterClient, PcCustomer, PcIndirectProvider, PcPartnerRelationship, PcSubscribedSku, PcUser } from './port.js';
import { PartnerCenterError } from './port.js';
import {
  MAX_PAGE_SIZE,
  createLimiter,
  errorFromBody,
  linkHeaders,
  toCustomer,
  toSubscription,
  type Collection,
  type CustomerJson,
  type RelationshipJson,
  type SubscribedSkuJson,
  type SubscriptionJson,
  type UserJson,
} from './wire.js';
export { MAX_PAGE_SIZE, createLimiter, errorFromBody, toCustomer } from './wire.js';
import { MAX_PAGES, attemptJson } from '../http/microsoft.js';
import { trimSlash } from '../server/url.js';
export { MAX_RETRY_AFTER_SECONDS, BACKOFF_BASE_MS, BACKOFF_MAX_MS, MAX_PAGES } from '../http/microsoft.js';

export const PARTNER_CENTER_API = 'https://api.partnercenter.microsoft.com';

export interface PartnerCenterClientOptions {
  /** Default https://api.partnercenter.microsoft.com (routes are under `/v1`). */
  baseUrl?: string;
  /** An App+User token for Partner Center (auth.ts `accessToken`). */
  accessToken: () => Promise<string>;
  fetch?: typeof globalThis.fetch;
  /** Waits between attempts; tests pass one that records the delay and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** Requests in flight at most, across every call of this client (default 4). */
  concurrency?: number;
  /** Customers per page, 1..500 (default 500). */
  pageSize?: number;
  logger?: { warn(obj: object, msg: string): void; debug?(obj: object, msg: string): void };
}

export function createPartnerCenterClient(options: PartnerCenterClientOptions): PartnerCenterClient {
  const baseUrl = trimSlash(options.baseUrl ?? PARTNER_CENTER_API);
  const origin = new URL(baseUrl).origin;
  const apiRoot = `${baseUrl}/v1`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetries = Math.max(0, options.maxRetries ?? 4);
  const limiter = createLimiter(Math.max(1, Math.floor(options.concurrency ?? 4)));
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(options.pageSize ?? MAX_PAGE_SIZE)));
  const logger = options.logger;

  interface CallOptions {
    correlationId: string;
    body?: unknown;
    headers?: Record<string, string>;
  }

  /**
   * One Partner Center call with retries, each attempt holding one of the limiter's slots (the
   * waits between attempts do not). 429 and 503 say the call was not processed, so every method
   * retries them after Retry-After; other 5xx and network failures leave a PATCH's outcome
   * unknown, so only GET retries those.
   */
  async function call(method: 'GET' | 'PATCH', url: string, callOptions: CallOptions): Promise<{ status: number; json: unknown }> {
    const target = new URL(url);
    if (target.origin !== origin)
      throw new PartnerCenterError(0, 'foreign_url', `Refusing to send the Partner Center token to ${target.origin}`);
    const logPath = target.pathname;
    const idempotent = method === 'GET';
    for (let attempt = 0; ; attempt++) {
      const token = await options.accessToken();
      type Outcome =
        { kind: 'done'; status: number; json: unknown } | { kind: 'retry'; delay: number } | { kind: 'error'; error: PartnerCenterError };
      const outcome = await limiter.run<Outcome>(async () => {
        const headers: Record<string, string> = {
          ...callOptions.headers,
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'MS-RequestId': randomUUID(),
          'MS-CorrelationId': callOptions.correlationId,
        };
        if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
        const attempted = await attemptJson(
          doFetch,
          target,
          { method, headers, body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body) },
          { service: 'Partner Center', method, logPath, attempt, maxRetries, idempotent, logger },
        );
        if (attempted.kind === 'unreachable')
          return {
            kind: 'error',
            error: new PartnerCenterError(0, attempted.code, `Could not reach Partner Center (${method} ${logPath}): ${attempted.code}`),
          };
        if (attempted.kind !== 'failed') return attempted;
        const { code, description } = errorFromBody(attempted.status, attempted.json, attempted.statusText);
        return { kind: 'error', error: new PartnerCenterError(attempted.status, code, description) };
      });
      if (outcome.kind === 'done') return { status: outcome.status, json: outcome.json };
      if (outcome.kind === 'error') throw outcome.error;
      await sleep(outcome.delay);
    }
  }

  /** Every item of a collection, following `links.next` and its headers (at most MAX_PAGES pages). */
  async function all<T>(firstUrl: string, correlationId: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | null = firstUrl;
    let headers: Record<string, string> = {};
    for (let pages = 0; url; pages++) {
      if (pages >= MAX_PAGES)
        throw new PartnerCenterError(0, 'too_many_pages', `Partner Center list ${new URL(firstUrl).pathname} went past ${MAX_PAGES} pages`);
      const { json } = await call('GET', url, { correlationId, headers });
      const body = (json ?? {}) as Collection<T>;
      items.push(...(Array.isArray(body.items) ? body.items : []));
      const next = body.links?.next;
      if (next && typeof next.uri === 'string' && next.uri !== '') {
        // `links.next.uri` is relative to /v1 ("/customers?size=500&seek_operation=next").
        const relative = next.uri.startsWith('/') ? next.uri : `/${next.uri}`;
        url = `${apiRoot}${relative}`;
        headers = linkHeaders(next);
      } else {
        url = null;
      }
    }
    return items;
  }

  const customerUrl = (id: string) => `${apiRoot}/customers/${encodeURIComponent(id)}`;

  async function getCustomer(customerId: string, correlationId = randomUUID()): Promise<PcCustomer | null> {
    try {
      const { json } = await call('GET', customerUrl(customerId), { correlationId });
      return toCustomer((json ?? {}) as CustomerJson);
    } catch (err) {
      if (err instanceof PartnerCenterError && err.status === 404) return null;
      throw err;
    }
  }

  /** Accepted webhook ResourceUri hosts: Partner Center's, and the configured base's. */
  const resourceOrigins = new Set([new URL(PARTNER_CENTER_API).origin, origin]);

  return {
    async resellerLink(linkOptions = {}) {
      const query = new URLSearchParams();
      const provider = linkOptions.indirectProviderTenantId;
      if (provider) query.set('indirectCloudSolutionProviderId', provider);
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      const { json } = await call('GET', `${apiRoot}/customers/relationshiprequests${suffix}`, { correlationId: randomUUID() });
      const url = (json as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string' || url === '')
        throw new PartnerCenterError(200, 'no_url', 'Partner Center answered the relationship request without a url');
      return url;
    },

    async listCustomers(listOptions = {}) {
      const query = new URLSearchParams({ size: String(pageSize) });
      if (listOptions.companyNameStartsWith !== undefined && listOptions.companyNameStartsWith !== '') {
        query.set('filter', JSON.stringify({ Field: 'CompanyName', Value: listOptions.companyNameStartsWith, Operator: 'starts_with' }));
      }
      const items = await all<CustomerJson>(`${apiRoot}/customers?${query.toString()}`, randomUUID());
      return items.map(toCustomer);
    },

    getCustomer: (customerId) => getCustomer(customerId),

    async subscriptions(customerId) {
      const items = await all<SubscriptionJson>(`${customerUrl(customerId)}/subscriptions`, randomUUID());
      return items.map(toSubscription);
    },

    async users(customerId) {
      const items = await all<UserJson>(`${customerUrl(customerId)}/users`, randomUUID());
      return items.map(
        (u) => ({ id: u.id, displayName: u.displayName ?? '', userPrincipalName: u.userPrincipalName ?? '' }) satisfies PcUser,
      );
    },

    async subscribedSkus(customerId) {
      const items = await all<SubscribedSkuJson>(`${customerUrl(customerId)}/subscribedskus`, randomUUID());
      return items.map(
        (s) =>
          ({
            skuId: s.productSku?.id ?? '',
            skuName: s.productSku?.name ?? '',
            consumedUnits: s.consumedUnits ?? 0,
            activeUnits: s.activeUnits ?? 0,
          }) satisfies PcSubscribedSku,
      );
    },

    async indirectProviders() {
      const items = await all<RelationshipJson>(`${apiRoot}/relationships?relationship_type=IsIndirectResellerOf`, randomUUID());
      return items.map((r) => ({ tenantId: r.id, name: r.name ?? '' }) satisfies PcIndirectProvider);
    },

    async removeResellerRelationship(customerId) {
      const { status, json } = await call('PATCH', customerUrl(customerId), {
        correlationId: randomUUID(),
        body: { relationshipToPartner: 'none', attributes: { objectType: 'Customer' } },
      });
      // Partner Center answers the customer in PascalCase; only "none" there confirms the removal.
      const body = (json ?? {}) as { RelationshipToPartner?: unknown; relationshipToPartner?: unknown };
      const relationship = body.RelationshipToPartner ?? body.relationshipToPartner;
      if (typeof relationship !== 'string' || relationship.toLowerCase() !== 'none') {
        throw new PartnerCenterError(
          status,
          'not-confirmed',
          `Partner Center did not confirm the removal (RelationshipToPartner is ${typeof relationship === 'string' ? relationship : 'missing'})`,
        );
      }
    },

    async customerFromResourceUri(resourceUri) {
      let url: URL;
      try {
        url = new URL(resourceUri);
      } catch {
        throw new PartnerCenterError(0, 'foreign_url', 'The ResourceUri is not a URL');
      }
      if (url.protocol !== 'https:' || !resourceOrigins.has(url.origin) || url.username || url.password) {
        throw new PartnerCenterError(
          0,
          'foreign_url',
          `Refusing a ResourceUri outside Partner Center's API host (${url.protocol}//${url.host})`,
        );
      }
      const match = /^\/v1\/customers\/([0-9A-Za-z-]{1,64})\/?$/.exec(url.pathname);
      if (!match) throw new PartnerCenterError(0, 'foreign_url', 'The ResourceUri does not name a customer (/v1/customers/{id})');
      const customer = await getCustomer(match[1]!);
      if (!customer) throw new PartnerCenterError(404, 'not_found', `Partner Center has no customer ${match[1]}`);
      return customer;
    },

    async customerRelationships(customerId) {
      const items = await all<RelationshipJson>(`${customerUrl(customerId)}/relationships`, randomUUID());
      return items.map(
        (r) =>
          ({
            tenantId: r.id,
            name: r.name ?? '',
            relationshipType: r.relationshipType ?? '',
            state: r.state ?? '',
          }) satisfies PcPartnerRelationship,
      );
    },
  };
}
