/**
 * A stand-in for Microsoft's login (Entra ID device code flow for a public client) and the
 * Partner Center REST API v1, on one https server on 127.0.0.1, so the real
 * `createPartnerCenterAuth` (msal-node) and `createPartnerCenterClient` run against it. The
 * certificate comes from the globalSetup test/setup/microsoft-tls.ts (FAKE_MICROSOFT_TLS_CERT /
 * FAKE_MICROSOFT_TLS_KEY), which also makes every test process trust it.
 *
 * Login: `{tenant}/v2.0/.well-known/openid-configuration`, `POST {tenant}/oauth2/v2.0/devicecode`,
 * `POST {tenant}/oauth2/v2.0/token` for the device code grant (`authorization_pending` until the
 * test calls `completeSignIn`) and the refresh_token grant (a new refresh token each time; the old
 * one stops working). Access tokens are JWT-shaped: `aud` from the scope, `amr` with `mfa` when
 * the sign-in used it; the id token carries the signer's `oid` and `tid` (`completeSignIn` may set
 * both, to sign in as someone else or to another tenant), and the request log says whose token
 * each request carried (`as`).
 *
 * Partner Center: shapes from the REST docs (collections `{totalCount, items, links, attributes}`,
 * `links.next` relative to /v1 with an `MS-ContinuationToken` header, the PascalCase customer
 * answered to a PATCH, errors `{code, description, data, source}`). Token refusals use Entra's
 * bodies: 401 900421 (no MFA), 401 900420 (wrong audience), 403 900329 (app-only token).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export const PARTNER_CENTER_AUDIENCE = 'https://api.partnercenter.microsoft.com';

export interface FakePartnerCenterOptions {
  tenantId?: string;
  /** The public client app allowed to sign in. */
  clientId?: string;
  /** The fake's clock, for every date it writes. */
  now?: () => Date;
  /** Default page size for customers when `size` is absent (Partner Center: 500 at most). */
  customerPageSize?: number;
  /** Users per page (default 100). */
  userPageSize?: number;
  /** Access token lifetime in seconds (default 3599). Under 300, MSAL refreshes on every silent call. */
  accessTokenLifetimeSeconds?: number;
  /** Device code polling interval in seconds (default 1) and lifetime (default 900). */
  deviceCodeInterval?: number;
  deviceCodeExpiresIn?: number;
  /** Extra latency per Partner Center request, in ms (to observe concurrency). */
  latencyMs?: number;
}

export interface FakeSubscription {
  id: string;
  offerId: string;
  offerName: string;
  quantity: number;
  status: 'active' | 'suspended' | 'deleted' | 'expired' | 'pending' | 'disabled';
  autoRenewEnabled: boolean;
  commitmentEndDate: string;
  billingType: 'license' | 'usage';
  termDuration: string;
}

export interface FakeCustomer {
  id: string;
  companyName: string;
  domain: string;
  relationshipToPartner: string;
  users: Array<{ id: string; displayName: string; userPrincipalName: string }>;
  subscriptions: FakeSubscription[];
  /** The indirect providers (ids of `addIndirectProvider`) the customer has a relationship with. */
  providerIds?: string[];
}

export interface PcLoggedRequest {
  method: string;
  url: string;
  path: string;
  /** Lower-case header names; the authorization header is reduced to whether a bearer was sent. */
  headers: Record<string, string>;
  bearer: boolean;
  /** The account whose token this stand-in issued and the request carried; null for none or an unknown one. */
  as: string | null;
  status: number;
  body: unknown;
}

export interface PcFailure {
  status: 429 | 503 | 500 | 502;
  retryAfter?: number;
  times?: number;
  /** Only requests whose "METHOD /path" contains this string (default: any Partner Center route). */
  route?: string;
}

interface IssuedToken {
  aud: string;
  mfa: boolean;
  appOnly: boolean;
  upn: string;
}

/** Who signs in at "Microsoft's page": `oid` defaults to `oid-<upn>`, `tenantId` to the partner tenant. */
interface Person {
  upn: string;
  mfa: boolean;
  oid?: string;
  tenantId?: string;
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

class PcHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export async function startFakePartnerCenter(options: FakePartnerCenterOptions = {}) {
  const certPath = process.env.FAKE_MICROSOFT_TLS_CERT;
  const keyPath = process.env.FAKE_MICROSOFT_TLS_KEY;
  if (!certPath || !keyPath)
    throw new Error('FAKE_MICROSOFT_TLS_CERT/KEY are unset: run under vitest (globalSetup test/setup/microsoft-tls.ts)');

  const tenantId = options.tenantId ?? randomUUID();
  const clientId = options.clientId ?? randomUUID();
  const now = options.now ?? (() => new Date());
  const customerPageSize = options.customerPageSize ?? 500;
  const userPageSize = options.userPageSize ?? 100;
  const tokenLifetime = options.accessTokenLifetimeSeconds ?? 3599;
  const interval = options.deviceCodeInterval ?? 1;
  const deviceExpiresIn = options.deviceCodeExpiresIn ?? 900;
  let latencyMs = options.latencyMs ?? 0;

  const customers = new Map<string, FakeCustomer>();
  const providers: Array<{ id: string; name: string; mpnId: string }> = [];
  const deviceCodes = new Map<
    string,
    { userCode: string; scope: string; expiresAtMs: number; completed: Person | null }
  >();
  const refreshTokens = new Map<string, Person & { scope: string; valid: boolean }>();
  const accessTokens = new Map<string, IssuedToken>();
  const continuations = new Map<string, { kind: string; offset: number; key: string }>();
  const failures: Array<PcFailure & { left: number }> = [];
  const log: PcLoggedRequest[] = [];
  let refusingApi = false;
  let inFlight = 0;
  let maxInFlight = 0;
  let refreshGrants = 0;

  const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const iso = (date: Date) => date.toISOString();

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  const pcError = (status: number, code: number, description: string, headers: Record<string, string> = {}) =>
    new PcHttpError(status, { code, description, data: [], source: 'PartnerFD' }, headers);

  function entraBody(error: string, aadsts: number, description: string) {
    const stamp = `${iso(now()).replace('T', ' ').slice(0, 19)}Z`;
    return {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${stamp}`,
      error_codes: [aadsts],
      timestamp: stamp,
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name === 'authorization' || value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const authorization = req.headers.authorization ?? '';
    const entry: PcLoggedRequest = {
      method,
      url: req.url ?? '/',
      path: url.pathname,
      headers,
      bearer: authorization.startsWith('Bearer '),
      as: accessTokens.get(authorization.replace(/^Bearer /, ''))?.upn ?? null,
      status: 0,
      body: undefined,
    };
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      entry.status = status;
      send(res, status, body, extra);
    };
    if (!url.pathname.startsWith('/v1/')) {
      log.push(entry);
      const result = login(method, url, text);
      return reply(result.status, result.body);
    }
    log.push(entry);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      entry.body = text ? JSON.parse(text) : undefined;
      const key = `${method} ${url.pathname}`;
      const index = failures.findIndex((f) => f.route === undefined || key.includes(f.route));
      if (index >= 0) {
        const failure = failures[index]!;
        if (--failure.left <= 0) failures.splice(index, 1);
        const extra: Record<string, string> = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
        const description = failure.status === 429 ? 'Too many requests. Please retry after some time.' : 'Service unavailable.';
        return reply(failure.status, { code: failure.status === 429 ? 429 : 503, description, data: [], source: 'PartnerFD' }, extra);
      }
      checkToken(authorization);
      if (refusingApi) throw pcError(403, 1002, 'Authorization Failed');
      const result = partnerCenter(method, url, entry.body, req.headers['ms-continuationtoken'] as string | undefined);
      return reply(result.status, result.body);
    } catch (err) {
      if (err instanceof PcHttpError) return reply(err.status, err.body, err.headers);
      if (err instanceof SyntaxError) return reply(400, { code: 400, description: 'Invalid JSON payload.', data: [], source: 'PartnerFD' });
      return reply(500, { code: 500, description: String(err), data: [], source: 'PartnerFD' });
    } finally {
      inFlight--;
    }
  }

  // ---- login.microsoftonline.com ----

  function issueAccessToken(claims: { upn: string; mfa: boolean; aud: string; appOnly?: boolean; oid?: string; tid?: string }): string {
    const issuedAt = Math.floor(now().getTime() / 1000);
    const appOnly = claims.appOnly === true;
    const token = [
      b64url({ typ: 'JWT', alg: 'RS256', kid: 'fake-partner-center' }),
      b64url({
        aud: claims.aud,
        iss: `https://sts.windows.net/${tenantId}/`,
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + tokenLifetime,
        appid: clientId,
        tid: claims.tid ?? tenantId,
        ver: '1.0',
        ...(appOnly
          ? { idtyp: 'app', roles: [] }
          : { idtyp: 'user', amr: claims.mfa ? ['pwd', 'mfa'] : ['pwd'], upn: claims.upn, scp: 'user_impersonation', oid: claims.oid ?? randomUUID() }),
      }),
      randomBytes(48).toString('base64url'),
    ].join('.');
    accessTokens.set(token, { aud: claims.aud, mfa: claims.mfa, appOnly, upn: claims.upn });
    return token;
  }

  function audienceOf(scope: string): string {
    const resource = scope.split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s))[0];
    if (!resource) return '';
    return resource.replace(/\/(\.default|user_impersonation)$/, '');
  }

  function tokenResponse(person: Person, scope: string) {
    const { upn, mfa } = person;
    const aud = audienceOf(scope);
    const refreshToken = `rt.${randomBytes(32).toString('base64url')}`;
    refreshTokens.set(refreshToken, { ...person, scope, valid: true });
    const oid = person.oid ?? `oid-${upn}`;
    const tid = person.tenantId ?? tenantId;
    const issuedAt = Math.floor(now().getTime() / 1000);
    const idToken = [
      b64url({ typ: 'JWT', alg: 'RS256', kid: 'fake-partner-center' }),
      b64url({
        aud: clientId,
        iss: `${base}/${tenantId}/v2.0`,
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + 3600,
        name: upn.split('@')[0],
        oid,
        preferred_username: upn,
        sub: `sub-${upn}`,
        tid,
        ver: '2.0',
      }),
      randomBytes(32).toString('base64url'),
    ].join('.');
    return {
      token_type: 'Bearer',
      scope: scope
        .split(' ')
        .filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s))
        .join(' '),
      expires_in: tokenLifetime,
      ext_expires_in: tokenLifetime,
      refresh_token_expires_in: 90 * 86_400,
      access_token: issueAccessToken({ upn, mfa, aud, oid, tid }),
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: b64url({ uid: oid, utid: tid }),
    };
  }

  function login(method: string, url: URL, text: string): { status: number; body: unknown } {
    const [, tenant, ...rest] = url.pathname.split('/');
    const path = rest.join('/');
    const authority = `${base}/${tenant}`;
    if (tenant !== tenantId && tenant !== 'organizations' && tenant !== 'common') {
      return { status: 400, body: entraBody('invalid_tenant', 90002, `Tenant '${tenant}' not found.`) };
    }
    if (method === 'GET' && (path === 'v2.0/.well-known/openid-configuration' || path === '.well-known/openid-configuration')) {
      return {
        status: 200,
        body: {
          token_endpoint: `${authority}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          jwks_uri: `${authority}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer: `${base}/${tenant}/v2.0`,
          request_uri_parameter_supported: false,
          userinfo_endpoint: `${base}/oidc/userinfo`,
          authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
          claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'amr', 'preferred_username'],
          tenant_region_scope: 'EU',
          cloud_instance_name: 'microsoftonline.com',
        },
      };
    }
    const form = new URLSearchParams(text);
    if (method === 'POST' && (path === 'oauth2/v2.0/devicecode' || path === 'oauth2/v2.0/token') && form.get('client_id') !== clientId) {
      return {
        status: 400,
        body: entraBody(
          'unauthorized_client',
          700016,
          `Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'.`,
        ),
      };
    }
    if (method === 'POST' && path === 'oauth2/v2.0/devicecode') {
      const deviceCode = `dc.${randomBytes(24).toString('base64url')}`;
      const userCode = randomBytes(6).toString('hex').slice(0, 9).toUpperCase();
      deviceCodes.set(deviceCode, {
        userCode,
        scope: form.get('scope') ?? '',
        expiresAtMs: now().getTime() + deviceExpiresIn * 1000,
        completed: null,
      });
      return {
        status: 200,
        body: {
          user_code: userCode,
          device_code: deviceCode,
          verification_uri: 'https://microsoft.com/devicelogin',
          expires_in: deviceExpiresIn,
          interval,
          message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${userCode} to authenticate.`,
        },
      };
    }
    if (method === 'POST' && path === 'oauth2/v2.0/token') {
      const grant = form.get('grant_type');
      if (grant === 'urn:ietf:params:oauth:grant-type:device_code' || grant === 'device_code') {
        const pending = deviceCodes.get(form.get('device_code') ?? '');
        if (!pending)
          return {
            status: 400,
            body: entraBody('invalid_grant', 70000, 'The provided value for the input parameter device_code is not valid.'),
          };
        if (now().getTime() > pending.expiresAtMs) {
          deviceCodes.delete(form.get('device_code') ?? '');
          return {
            status: 400,
            body: entraBody('expired_token', 70020, 'The provided value for the input parameter device_code has expired.'),
          };
        }
        if (!pending.completed) {
          return {
            status: 400,
            body: entraBody('authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'),
          };
        }
        deviceCodes.delete(form.get('device_code') ?? '');
        return { status: 200, body: tokenResponse(pending.completed, form.get('scope') ?? pending.scope) };
      }
      if (grant === 'refresh_token') {
        const old = refreshTokens.get(form.get('refresh_token') ?? '');
        if (!old || !old.valid) {
          return {
            status: 400,
            body: {
              ...entraBody('invalid_grant', 700082, 'The refresh token has expired due to inactivity or was revoked.'),
              suberror: 'bad_token',
            },
          };
        }
        old.valid = false;
        refreshGrants++;
        return { status: 200, body: tokenResponse(old, form.get('scope') ?? old.scope) };
      }
      return { status: 400, body: entraBody('unsupported_grant_type', 70003, 'The app requested an unsupported grant type.') };
    }
    return { status: 404, body: { error: 'not_found', error_description: `No such login route: ${method} ${url.pathname}` } };
  }

  // ---- api.partnercenter.microsoft.com ----

  function checkToken(authorization: string) {
    const token = accessTokens.get(authorization.startsWith('Bearer ') ? authorization.slice(7) : '');
    if (!token)
      throw new PcHttpError(401, entraBody('invalid_token', 50053, 'The access token is missing or was not issued for this API.'));
    if (token.appOnly) {
      throw new PcHttpError(403, entraBody('invalid_token', 900329, 'App-only tokens are not supported on this App+User route.'));
    }
    if (token.aud !== PARTNER_CENTER_AUDIENCE) {
      throw new PcHttpError(401, entraBody('invalid_token', 900420, `The token's audience '${token.aud}' is not Partner Center.`));
    }
    if (!token.mfa) {
      throw new PcHttpError(
        401,
        entraBody('invalid_token', 900421, 'Multi-factor authentication is required: the token has no mfa claim in amr.'),
      );
    }
  }

  const link = (uri: string, headers: Array<{ key: string; value: string }> = []) => ({ uri, method: 'GET', headers });

  function collection(items: unknown[], links: Record<string, unknown> = {}, totalCount = items.length) {
    return { totalCount, items, links, attributes: { objectType: 'Collection' } };
  }

  /** One page of `all`, with `links.next` + a continuation token bound to the same query. */
  function paged(kind: string, key: string, all: unknown[], size: number, selfUri: string, continuation: string | undefined) {
    let offset = 0;
    if (continuation !== undefined) {
      const state = continuations.get(continuation);
      if (!state || state.kind !== kind || state.key !== key) throw pcError(400, 400, 'The continuation token is invalid or expired.');
      continuations.delete(continuation);
      offset = state.offset;
    }
    const items = all.slice(offset, offset + size);
    const links: Record<string, unknown> = { self: link(selfUri) };
    if (offset + size < all.length) {
      const token = randomBytes(16).toString('base64');
      continuations.set(token, { kind, offset: offset + size, key });
      const separator = selfUri.includes('?') ? '&' : '?';
      links.next = link(`${selfUri}${separator}seek_operation=Next`, [{ key: 'MS-ContinuationToken', value: token }]);
    }
    return collection(items, links, all.length);
  }

  function customerJson(c: FakeCustomer) {
    return {
      id: c.id,
      commerceId: c.id,
      companyProfile: {
        tenantId: c.id,
        domain: c.domain,
        companyName: c.companyName,
        attributes: { objectType: 'CustomerCompanyProfile' },
      },
      relationshipToPartner: c.relationshipToPartner,
      allowDelegatedAccess: false,
      links: { self: link(`customers/${c.id}`) },
      attributes: { objectType: 'Customer' },
    };
  }

  function customerPascal(c: FakeCustomer) {
    return {
      Id: c.id,
      CommerceId: c.id,
      CompanyProfile: {
        TenantId: c.id,
        Domain: c.domain,
        CompanyName: c.companyName,
        Address: null,
        Email: null,
        Attributes: { ObjectType: 'CustomerCompanyProfile' },
      },
      BillingProfile: null,
      RelationshipToPartner: c.relationshipToPartner,
      AllowDelegatedAccess: null,
      UserCredentials: null,
      CustomDomains: null,
      AssociatedPartnerId: null,
      Links: { Self: { Uri: `/customers/${c.id}`, Method: 'GET', Headers: [] } },
      Attributes: { Etag: randomUUID(), ObjectType: 'Customer' },
    };
  }

  function findCustomer(id: string): FakeCustomer {
    const customer = customers.get(id);
    if (!customer || customer.relationshipToPartner === 'none') throw pcError(404, 600008, `The requested customer '${id}' was not found.`);
    return customer;
  }

  function partnerCenter(method: string, url: URL, body: unknown, continuation: string | undefined): { status: number; body: unknown } {
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent).slice(1);
    const query = url.searchParams;
    if (segments[0] === 'customers' && segments[1] === 'relationshiprequests' && segments.length === 2 && method === 'GET') {
      const params = new URLSearchParams({ invType: 'ResellerRelationship', partnerId: tenantId, msppId: '0', DAP: 'false' });
      const provider = query.get('indirectCloudSolutionProviderId');
      if (provider) params.set('indirectCSPId', provider);
      return {
        status: 200,
        body: {
          url: `https://admin.microsoft.com/Adminportal/Home?${params.toString()}#/BillingAccounts/partner-invitation`,
          attributes: { objectType: 'RelationshipRequest' },
        },
      };
    }
    if (segments[0] === 'customers' && segments.length === 1 && method === 'GET') {
      const size = query.has('size') ? Number(query.get('size')) : customerPageSize;
      if (!Number.isInteger(size) || size < 1 || size > 500) throw pcError(400, 400, 'The size must be between 1 and 500.');
      let all = [...customers.values()].filter((c) => c.relationshipToPartner !== 'none');
      const filterText = query.get('filter');
      if (filterText !== null) {
        let filter: { Field?: unknown; Value?: unknown; Operator?: unknown };
        try {
          filter = JSON.parse(filterText) as typeof filter;
        } catch {
          throw pcError(400, 400, 'The filter is not valid JSON.');
        }
        if (
          (filter.Field !== 'CompanyName' && filter.Field !== 'Domain') ||
          filter.Operator !== 'starts_with' ||
          typeof filter.Value !== 'string'
        ) {
          throw pcError(400, 400, 'The filter is not supported.');
        }
        const value = filter.Value.toLowerCase();
        all = all.filter((c) => (filter.Field === 'Domain' ? c.domain : c.companyName).toLowerCase().startsWith(value));
      }
      const selfUri = `/customers?size=${size}${filterText === null ? '' : `&filter=${encodeURIComponent(filterText)}`}`;
      return { status: 200, body: paged('customers', `${size}|${filterText ?? ''}`, all.map(customerJson), size, selfUri, continuation) };
    }
    if (segments[0] === 'customers' && segments.length >= 2) {
      const customer = findCustomer(segments[1]!);
      const sub = segments[2];
      if (segments.length === 2 && method === 'GET') return { status: 200, body: customerJson(customer) };
      if (segments.length === 2 && method === 'PATCH') {
        const patch = (body ?? {}) as { relationshipToPartner?: unknown; attributes?: { objectType?: unknown } };
        if (String(patch.relationshipToPartner).toLowerCase() !== 'none')
          throw pcError(400, 400, 'Only relationshipToPartner "none" can be set.');
        const active = customer.subscriptions.filter((s) => s.status === 'active');
        if (active.length > 0) {
          throw pcError(
            400,
            3000,
            `Customer relationship cannot be removed due to active subscriptions. Please cancel the following subscriptions: ${active.map((s) => s.id).join(', ')}`,
          );
        }
        customer.relationshipToPartner = 'none';
        return { status: 200, body: customerPascal(customer) };
      }
      if (sub === 'subscriptions' && segments.length === 3 && method === 'GET') {
        return {
          status: 200,
          body: collection(
            customer.subscriptions.map((s) => ({
              id: s.id,
              offerId: s.offerId,
              offerName: s.offerName,
              friendlyName: s.offerName,
              quantity: s.quantity,
              unitType: 'Licenses',
              creationDate: iso(now()),
              effectiveStartDate: iso(now()),
              commitmentEndDate: s.commitmentEndDate,
              status: s.status,
              autoRenewEnabled: s.autoRenewEnabled,
              isTrial: false,
              billingType: s.billingType,
              billingCycle: 'monthly',
              termDuration: s.termDuration,
              contractType: 'subscription',
              orderId: `order-${s.id}`,
              attributes: { etag: randomUUID(), objectType: 'Subscription' },
            })),
            { self: link(`/customers/${customer.id}/subscriptions`) },
          ),
        };
      }
      if (sub === 'users' && segments.length === 3 && method === 'GET') {
        const size = query.has('size') ? Math.min(Number(query.get('size')) || userPageSize, 500) : userPageSize;
        const users = customer.users.map((u) => ({
          usageLocation: 'US',
          id: u.id,
          userPrincipalName: u.userPrincipalName,
          displayName: u.displayName,
          userDomainType: 'none',
          state: 'active',
          attributes: { objectType: 'CustomerUser' },
        }));
        return {
          status: 200,
          body: paged('users', customer.id, users, size, `/customers/${customer.id}/users?size=${size}`, continuation),
        };
      }
      if (sub === 'subscribedskus' && segments.length === 3 && method === 'GET') {
        const bySku = new Map<string, { name: string; active: number }>();
        for (const s of customer.subscriptions) {
          if (s.status !== 'active') continue;
          const entry = bySku.get(s.offerId) ?? { name: s.offerName, active: 0 };
          entry.active += s.quantity;
          bySku.set(s.offerId, entry);
        }
        let unassigned = customer.users.length;
        const items = [...bySku.entries()].map(([id, sku]) => {
          const consumed = Math.min(sku.active, unassigned);
          unassigned -= consumed;
          return {
            availableUnits: sku.active - consumed,
            activeUnits: sku.active,
            consumedUnits: consumed,
            suspendedUnits: 0,
            totalUnits: sku.active,
            warningUnits: 0,
            productSku: { id, name: sku.name, targetType: 'User', licenseGroupId: 'group1' },
            servicePlans: [],
            capabilityStatus: 'Enabled',
            attributes: { objectType: 'SubscribedSku' },
          };
        });
        return { status: 200, body: collection(items) };
      }
      if (sub === 'relationships' && segments.length === 3 && method === 'GET') {
        // The customer's partners as the signed-in partner sees them (documented for indirect resellers too).
        const linked = providers.filter((p) => customer.providerIds?.includes(p.id));
        return {
          status: 200,
          body: collection(
            linked.map((p) => ({
              id: p.id,
              name: p.name,
              relationshipType: 'IsIndirectCloudSolutionProviderOf',
              state: 'active',
              mpnId: p.mpnId,
              location: 'US',
              attributes: { objectType: 'PartnerRelationship' },
            })),
            { self: link(`/customers/${customer.id}/relationships`) },
          ),
        };
      }
    }
    if (segments[0] === 'relationships' && segments.length === 1 && method === 'GET') {
      if (query.get('relationship_type') !== 'IsIndirectResellerOf') throw pcError(400, 400, 'relationship_type is required.');
      return {
        status: 200,
        body: collection(
          providers.map((p) => ({
            id: p.id,
            name: p.name,
            // The query says IsIndirectResellerOf; the documented answer names the relationship from the provider's side.
            relationshipType: 'is_indirect_cloud_solution_provider_of',
            state: 'Active',
            mpnId: p.mpnId,
            location: 'US',
            attributes: { objectType: 'PartnerRelationship' },
          })),
        ),
      };
    }
    throw pcError(404, 404, `No such route: ${method} ${url.pathname}`);
  }

  // ---- control ----

  let counter = 0;
  function addCustomer(input: {
    companyName: string;
    domain?: string;
    id?: string;
    relationshipToPartner?: string;
    users?: number;
    subscriptions?: number;
  }): FakeCustomer {
    const id = input.id ?? randomUUID();
    const domain = input.domain ?? `${input.companyName.toLowerCase().replace(/[^a-z0-9]+/g, '')}${++counter}.onmicrosoft.com`;
    const term = new Date(now().getTime() + 365 * 86_400_000);
    const customer: FakeCustomer = {
      id,
      companyName: input.companyName,
      domain,
      relationshipToPartner: input.relationshipToPartner ?? 'reseller',
      users: Array.from({ length: input.users ?? 0 }, (_, i) => ({
        id: randomUUID(),
        displayName: `User ${i + 1}`,
        userPrincipalName: `user${i + 1}@${domain}`,
      })),
      subscriptions: Array.from({ length: input.subscriptions ?? 0 }, (_, i) => ({
        id: randomUUID(),
        offerId: `CFQ7TTC0LH${String(i).padStart(2, '0')}:0001`,
        offerName: `Microsoft 365 Plan ${i + 1}`,
        quantity: 10 + i,
        status: 'active',
        autoRenewEnabled: true,
        commitmentEndDate: iso(term),
        billingType: 'license',
        termDuration: 'P1Y',
      })),
    };
    customers.set(id, customer);
    return customer;
  }

  return {
    url: base,
    tenantId,
    clientId,
    /** The device codes handed out so far (for `completeSignIn`). */
    pendingUserCodes: () => [...deviceCodes.values()].filter((d) => !d.completed).map((d) => d.userCode),
    /** The person at Microsoft's page finishes the sign-in of the latest (or the given) pending device code. */
    completeSignIn(person: Person & { userCode?: string }) {
      const pending = [...deviceCodes.values()].filter(
        (d) => !d.completed && (person.userCode === undefined || d.userCode === person.userCode),
      );
      const target = pending.at(-1);
      if (!target) throw new Error('No device code is waiting for a sign-in');
      target.completed = { upn: person.upn, mfa: person.mfa, oid: person.oid, tenantId: person.tenantId };
    },
    /** A token as Entra would issue it, for client tests that need no sign-in. */
    issueToken(claims: { upn?: string; mfa?: boolean; audience?: string; appOnly?: boolean } = {}) {
      return issueAccessToken({
        upn: claims.upn ?? 'admin@partner.example',
        mfa: claims.mfa ?? true,
        aud: claims.audience ?? PARTNER_CENTER_AUDIENCE,
        appOnly: claims.appOnly,
      });
    },
    /** Claims of a token this stand-in issued (null for an unknown one). */
    tokenInfo: (token: string): IssuedToken | null => accessTokens.get(token) ?? null,
    /** Every refresh token issued, and whether it still works. */
    refreshTokenStates: () => [...refreshTokens.entries()].map(([token, state]) => ({ token, valid: state.valid })),
    refreshGrants: () => refreshGrants,
    /** Makes every refresh token unusable (as after 90 days of inactivity). */
    expireRefreshTokens() {
      for (const state of refreshTokens.values()) state.valid = false;
    },
    addCustomer,
    addCustomers(count: number, name: (i: number) => string = (i) => `Customer ${String(i).padStart(5, '0')}`) {
      for (let i = 0; i < count; i++) addCustomer({ companyName: name(i) });
    },
    customer: (id: string) => customers.get(id) ?? null,
    cancelSubscription(customerId: string, subscriptionId?: string) {
      const customer = customers.get(customerId);
      if (!customer) throw new Error(`No customer ${customerId}`);
      for (const s of customer.subscriptions) if (subscriptionId === undefined || s.id === subscriptionId) s.status = 'suspended';
    },
    addIndirectProvider(provider: { id?: string; name: string; mpnId?: string }) {
      const entry = { id: provider.id ?? randomUUID(), name: provider.name, mpnId: provider.mpnId ?? String(1_000_000 + providers.length) };
      providers.push(entry);
      return entry;
    },
    /** The customer accepted the indirect provider's relationship (GET /v1/customers/{id}/relationships lists it). */
    linkProvider(customerId: string, providerId: string) {
      const customer = customers.get(customerId);
      if (!customer) throw new Error(`No customer ${customerId}`);
      customer.providerIds = [...(customer.providerIds ?? []), providerId];
    },
    /** Every Partner Center route answers 403 1002 (a tenant Partner Center gives no API access), until `allowApiAccess`. */
    refuseApiAccess() {
      refusingApi = true;
    },
    allowApiAccess() {
      refusingApi = false;
    },
    /** The next matching Partner Center requests fail with this status (and Retry-After). */
    failNext(failure: PcFailure) {
      failures.push({ ...failure, left: failure.times ?? 1 });
    },
    setLatency(ms: number) {
      latencyMs = ms;
    },
    /** The most Partner Center requests in flight at once since the start (or the last reset). */
    maxInFlight: () => maxInFlight,
    requests: (filter?: { pathStartsWith?: string }) =>
      log.filter((r) => filter?.pathStartsWith === undefined || r.path.startsWith(filter.pathStartsWith)).map((r) => ({ ...r })),
    resetRequests() {
      log.length = 0;
      maxInFlight = inFlight;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakePartnerCenter = Awaited<ReturnType<typeof startFakePartnerCenter>>;
