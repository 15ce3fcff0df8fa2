/**
 * A stand-in for Microsoft's login (Entra ID, client credentials) and Microsoft Graph, on one
 * https server on 127.0.0.1, so the real `createGraphClient` (with @azure/identity underneath)
 * runs against it. The certificate comes from the globalSetup test/setup/microsoft-tls.ts
 * (FAKE_MICROSOFT_TLS_CERT / FAKE_MICROSOFT_TLS_KEY), which also makes every test process trust it.
 *
 * Shapes follow the Graph v1.0 documentation, typed by `@microsoft/microsoft-graph-types` (graph-shapes.ts): delegatedAdminRelationship (with `@odata.etag`,
 * If-Match on requests, updates and deletes: 400 without it, 412 when stale), delegatedAdminCustomer, user, group, directoryRole, the
 * `{"error":{"code","message"}}` error body, `@odata.nextLink` paging, and Entra's OAuth error body
 * (`error`, `error_description` with an AADSTS code, `error_codes`…). Every Graph call needs a
 * bearer token this stand-in issued, and the application permissions its `roles` claim lists.
 *
 * Tokens keep the roles they were issued with (as Entra's do): after `setGrantedRoles`, use a new
 * client (a new credential) to see the change.
 *
 * Besides the client secret, the token endpoint takes a client assertion (client-assertions.ts):
 * a JWT signed with a certificate registered with `addCertificate`, or a federated token the test
 * trusts (`trustFederatedToken`), or one issued by the managed identity endpoint
 * (`GET /msi/token`, App Service's 2019-08-01 protocol) to an identity `addManagedIdentity` made.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { GdapStatus } from '../../bot/microsoft/graph.js';
import { createAssertionChecker } from './client-assertions.js';
import type {
  GraphAccessAssignment,
  GraphCustomer,
  GraphDirectoryRole,
  GraphErrorJson,
  GraphGroup,
  GraphPage,
  GraphRelationship,
  GraphRelationshipRequest,
  GraphUser,
} from './graph-shapes.js';

export const ALL_ROLES = [
  'DelegatedAdminRelationship.ReadWrite.All',
  'User.Read.All',
  'GroupMember.Read.All',
  'RoleManagement.Read.Directory',
] as const;

/** Which application permissions let an app do what (the docs' "least privileged" and "higher privileged" columns). */
const CAN = {
  readRelationships: ['DelegatedAdminRelationship.Read.All', 'DelegatedAdminRelationship.ReadWrite.All'],
  writeRelationships: ['DelegatedAdminRelationship.ReadWrite.All'],
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  listMemberships: ['User.Read.All', 'GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  /** Without one of these, groups in a directoryObject collection come back with only `@odata.type` and `id`. */
  readGroups: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  /** Same for directory roles. */
  readDirectoryRoles: [
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
} as const;

export interface FakeRelationship {
  id: string;
  displayName: string;
  status: GdapStatus;
  duration: string;
  customer: { tenantId: string; displayName: string } | null;
  roleDefinitionIds: string[];
  autoExtendDuration: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  activatedDateTime: string | null;
  endDateTime: string | null;
  etag: string;
}

/** An access assignment as the stand-in keeps it: pending until it has been read `activeAfterReads` times. */
export interface FakeAccessAssignment {
  id: string;
  groupId: string;
  roleDefinitionIds: string[];
  status: 'pending' | 'active' | 'error';
  reads: number;
  /** Left out of the next list (a list that lags behind a write made elsewhere). */
  hidden?: boolean;
  createdDateTime: string;
  lastModifiedDateTime: string;
  etag: string;
}

export interface FakeUser {
  id: string;
  mail: string | null;
  userPrincipalName?: string;
  /** Display names of the groups the user is in (directly or not). */
  groups?: string[];
  directoryRoleTemplateIds?: string[];
}

/** `"METHOD /path"` (no query) is matched: a RegExp is tested against it, a string must be contained in it. */
export type RouteMatcher = string | RegExp | ((request: { method: string; path: string }) => boolean);

export interface Failure {
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Graph's error.code; a default per status otherwise. */
  code?: string;
  message?: string;
  /** How many matching calls fail (default 1). */
  times?: number;
}

export interface LoggedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  path: string;
  ifMatch: string | null;
  /** Whether a bearer token was sent (never the token itself). */
  bearer: boolean;
  status: number;
  body: unknown;
}

export interface FakeMicrosoftOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** The fake's clock, for every date it writes (tests move time; nothing reads the real date). */
  now?: () => Date;
  /** Items per page for every list (default 100, Graph's default for most lists). */
  pageSize?: number;
  /** The `roles` claim of the tokens issued from now on (default ALL_ROLES). */
  roles?: readonly string[];
  /**
   * The clock of whoever signs client assertions, in ms: msal reads Date.now(), the worker's
   * shifted date in this process and the real one in a child process. Default: `now`.
   */
  assertionNow?: () => number;
  /** Reads of an access assignment after which it is active (default 2: the second read sees it active). */
  activeAfterReads?: number;
}

/** Entra's Global Administrator role: Microsoft refuses auto-extend on a relationship that has it. */
const GLOBAL_ADMINISTRATOR_ROLE = '62e90394-69f5-4237-9190-012177145e10';

const DEFAULT_ERROR_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Authorization_RequestDenied',
  404: 'Request_ResourceNotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** ISO 8601 durations as GDAP uses them: PnY, PnM, PnD (and PT0S). */
function addDuration(from: Date, duration: string): Date {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
  if (!match) throw new HttpError(400, 'BadRequest', `Invalid duration '${duration}'.`);
  const [, y, mo, d, h, mi, s] = match.map((part) => Number(part ?? 0));
  const to = new Date(from);
  to.setUTCFullYear(to.getUTCFullYear() + y!, to.getUTCMonth() + mo!, to.getUTCDate() + d!);
  return new Date(to.getTime() + ((h! * 60 + mi!) * 60 + s!) * 1000);
}

/** Reads an OData string literal starting at `text[at]` (a quote); `''` stands for one quote. */
function readLiteral(text: string, at: number): { value: string; end: number } | null {
  if (text[at] !== "'") return null;
  let value = '';
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i++;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += text[i];
  }
  return null;
}

/**
 * Parses `prop eq 'literal' (or prop eq 'literal')*` strictly, the only filter shapes the
 * stand-in serves; anything else (an unescaped quote, say) is Graph's 400 for a bad filter.
 */
function parseEqualities(filter: string, allowed: readonly string[]): Array<{ property: string; value: string }> {
  const clauses: Array<{ property: string; value: string }> = [];
  let rest = filter.trim();
  for (;;) {
    const head = /^([A-Za-z/]+) eq /.exec(rest);
    if (!head || !allowed.includes(head[1]!)) throw new HttpError(400, 'BadRequest', `Invalid filter clause: '${filter}'.`);
    const literal = readLiteral(rest, head[0].length);
    if (!literal) throw new HttpError(400, 'BadRequest', `Invalid filter clause: unterminated string literal in '${filter}'.`);
    clauses.push({ property: head[1]!, value: literal.value });
    rest = rest.slice(literal.end);
    if (rest === '') return clauses;
    if (!rest.startsWith(' or ')) throw new HttpError(400, 'BadRequest', `Invalid filter clause: syntax error at '${rest}'.`);
    rest = rest.slice(4);
  }
}

export async function startFakeMicrosoft(options: FakeMicrosoftOptions = {}) {
  const certPath = process.env.FAKE_MICROSOFT_TLS_CERT;
  const keyPath = process.env.FAKE_MICROSOFT_TLS_KEY;
  if (!certPath || !keyPath)
    throw new Error('FAKE_MICROSOFT_TLS_CERT/KEY are unset: run under vitest (globalSetup test/setup/microsoft-tls.ts)');

  const tenantId = options.tenantId ?? randomUUID();
  const clientId = options.clientId ?? randomUUID();
  const clientSecret = options.clientSecret ?? `secret~${randomBytes(18).toString('base64url')}`;
  const now = options.now ?? (() => new Date());
  const pageSize = options.pageSize ?? 100;
  let grantedRoles: string[] = [...(options.roles ?? ALL_ROLES)];

  const relationships = new Map<string, FakeRelationship>();
  const customers = new Map<string, { tenantId: string; displayName: string; etag: string }>();
  const users = new Map<string, Required<FakeUser>>();
  /** Group names in the partner tenant; Partner Center makes these three in every partner tenant. */
  const groupNames = new Set<string>(['AdminAgents', 'SalesAgents', 'HelpdeskAgents']);
  const assignments = new Map<string, FakeAccessAssignment[]>();
  const activeAfterReads = options.activeAfterReads ?? 2;
  const tokens = new Map<string, { roles: string[] }>();
  const failures: Array<{ matcher: RouteMatcher; failure: Failure; left: number }> = [];
  const log: LoggedRequest[] = [];
  let etagCounter = 0;
  let tokensIssued = 0;
  /** Relationships someone else changes just before the bot's next PATCHes land (`changeBeforeNextPatch`). */
  const changesBeforePatch = new Map<string, number>();

  const nextEtag = () => `W/"${Buffer.from(`"${randomUUID()}-${++etagCounter}"`).toString('base64')}"`;
  const iso = (date: Date) => date.toISOString();
  const touch = (rel: FakeRelationship) => {
    rel.etag = nextEtag();
    rel.lastModifiedDateTime = iso(now());
  };

  const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const assertions = createAssertionChecker({ clientId, now: options.assertionNow ?? (() => now().getTime()), fakeNow: () => now().getTime() });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  function graphError(status: number, code: string, message: string): GraphErrorJson {
    return {
      error: {
        code,
        message,
        innerError: { date: iso(now()).slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
      },
    };
  }

  function loginError(status: number, error: string, aadsts: number, description: string) {
    const at = now();
    return {
      status,
      body: {
        error,
        error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${iso(at).replace('T', ' ').slice(0, 19)}Z`,
        error_codes: [aadsts],
        timestamp: `${iso(at).replace('T', ' ').slice(0, 19)}Z`,
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
        error_uri: `${base}/error?code=${aadsts}`,
      },
    };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function takeFailure(method: string, path: string): Failure | null {
    const key = `${method} ${path}`;
    const index = failures.findIndex(({ matcher }) =>
      typeof matcher === 'string' ? key.includes(matcher) : matcher instanceof RegExp ? matcher.test(key) : matcher({ method, path }),
    );
    if (index < 0) return null;
    const entry = failures[index]!;
    if (--entry.left <= 0) failures.splice(index, 1);
    return entry.failure;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const authorization = req.headers.authorization ?? '';
    const entry: LoggedRequest = {
      method,
      url: req.url ?? '/',
      path: url.pathname,
      ifMatch: (req.headers['if-match'] as string | undefined) ?? null,
      bearer: authorization.startsWith('Bearer '),
      status: 0,
      body: undefined,
    };
    log.push(entry);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      send(res, status, body, headers);
    };
    try {
      const injected = takeFailure(method, url.pathname);
      if (injected) {
        const headers: Record<string, string> = injected.retryAfter === undefined ? {} : { 'retry-after': String(injected.retryAfter) };
        const code = injected.code ?? DEFAULT_ERROR_CODES[injected.status] ?? 'UnknownError';
        return reply(injected.status, graphError(injected.status, code, injected.message ?? `Injected ${injected.status}.`), headers);
      }
      if (url.pathname === '/msi/token') {
        const result = assertions.managedIdentityToken(method, url, req.headers['x-identity-header']);
        return reply(result.status, result.body);
      }
      if (url.pathname.startsWith('/v1.0/')) {
        entry.body = text ? JSON.parse(text) : undefined;
        const result = graph(method, url, authorization, entry.ifMatch, entry.body);
        return reply(result.status, result.body, result.headers);
      }
      const result = login(method, url, text);
      return reply(result.status, result.body);
    } catch (err) {
      if (err instanceof HttpError) return reply(err.status, graphError(err.status, err.code, err.message), err.headers);
      if (err instanceof SyntaxError) return reply(400, graphError(400, 'BadRequest', 'Unable to read JSON request payload.'));
      return reply(500, graphError(500, 'InternalServerError', String(err)));
    }
  }

  // ---- login.microsoftonline.com ----

  function login(method: string, url: URL, text: string): { status: number; body: unknown } {
    const [, tenant, ...rest] = url.pathname.split('/');
    const path = rest.join('/');
    const authority = `${base}/${tenant}`;
    if (method === 'GET' && (path === 'v2.0/.well-known/openid-configuration' || path === '.well-known/openid-configuration')) {
      if (tenant !== tenantId && tenant !== 'organizations' && tenant !== 'common') {
        return loginError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
      }
      return {
        status: 200,
        body: {
          token_endpoint: `${authority}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
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
          claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'roles'],
          tenant_region_scope: 'EU',
          cloud_instance_name: 'microsoftonline.com',
        },
      };
    }
    if (method === 'POST' && path === 'oauth2/v2.0/token') {
      const form = new URLSearchParams(text);
      if (tenant !== tenantId)
        return loginError(
          400,
          'invalid_request',
          90002,
          `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`,
        );
      if (form.get('grant_type') !== 'client_credentials')
        return loginError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      if (form.get('client_id') !== clientId) {
        return loginError(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'.`,
        );
      }
      const assertion = form.get('client_assertion');
      if (assertion !== null) {
        if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
          return loginError(400, 'invalid_request', 90002, "The client_assertion_type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.");
        const refused = assertions.check(assertion, `${authority}/oauth2/v2.0/token`);
        if (refused) return loginError(refused.status, refused.error, refused.aadsts, refused.description);
      } else if (form.get('client_secret') !== clientSecret) {
        return loginError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
      }
      const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s && s !== 'openid' && s !== 'profile' && s !== 'offline_access');
      if (scopes.length !== 1 || scopes[0] !== `${base}/.default`) {
        return loginError(
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      }
      const issuedAt = Math.floor(now().getTime() / 1000);
      const roles = [...grantedRoles];
      const token = [
        b64url({ typ: 'JWT', alg: 'RS256', kid: 'fake-microsoft' }),
        b64url({
          aud: base,
          iss: `https://sts.windows.net/${tenantId}/`,
          iat: issuedAt,
          nbf: issuedAt,
          exp: issuedAt + 3599,
          appid: clientId,
          idtyp: 'app',
          oid: randomUUID(),
          ...(roles.length ? { roles } : {}),
          sub: randomUUID(),
          tid: tenantId,
          ver: '1.0',
        }),
        randomBytes(64).toString('base64url'),
      ].join('.');
      tokens.set(token, { roles });
      tokensIssued++;
      return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
    }
    return { status: 404, body: { error: 'not_found', error_description: `No such login route: ${method} ${url.pathname}` } };
  }

  // ---- graph.microsoft.com ----

  type Result = { status: number; body: unknown; headers?: Record<string, string> };

  function graph(method: string, url: URL, authorization: string, ifMatch: string | null, body: unknown): Result {
    const granted = tokens.get(authorization.startsWith('Bearer ') ? authorization.slice(7) : '');
    if (!granted) {
      throw new HttpError(
        401,
        'InvalidAuthenticationToken',
        authorization ? 'Access token validation failure. Invalid audience.' : 'Access token is empty.',
      );
    }
    const need = (any: readonly string[]) => {
      if (!any.some((role) => granted.roles.includes(role))) {
        throw new HttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      }
    };
    const has = (any: readonly string[]) => any.some((role) => granted.roles.includes(role));
    const path = url.pathname.slice('/v1.0'.length);
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);

    if (segments[0] === 'tenantRelationships' && segments[1] === 'delegatedAdminRelationships') {
      const id = segments[2];
      if (id === undefined) {
        if (method === 'POST') {
          need(CAN.writeRelationships);
          return { status: 201, ...created(body as Record<string, unknown>) };
        }
        if (method === 'GET') {
          need(CAN.readRelationships);
          const filter = url.searchParams.get('$filter');
          let items = [...relationships.values()];
          if (filter !== null) {
            const clauses = parseEqualities(filter, ['customer/tenantId', 'status', 'displayName']);
            items = items.filter((rel) =>
              clauses.some(({ property, value }) =>
                property === 'customer/tenantId'
                  ? rel.customer?.tenantId === value
                  : property === 'status'
                    ? rel.status === value
                    : rel.displayName === value,
              ),
            );
          }
          return { status: 200, body: page(url, items.map(toJson), 'delegatedAdminRelationships') };
        }
      } else {
        const rel = relationships.get(id);
        if (segments[3] === 'requests' && segments.length === 4 && method === 'POST') {
          need(CAN.writeRelationships);
          if (!rel) throw new HttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
          checkEtag(rel, ifMatch);
          const action = (body as { action?: unknown } | undefined)?.action;
          if (action === 'lockForApproval') {
            if (rel.status !== 'created')
              throw new HttpError(400, 'BadRequest', `A relationship in status '${rel.status}' cannot be locked for approval.`);
            rel.status = 'approvalPending';
          } else if (action === 'terminate') {
            if (rel.status !== 'active')
              throw new HttpError(400, 'BadRequest', `A relationship in status '${rel.status}' cannot be terminated.`);
            rel.status = 'terminationRequested';
          } else {
            throw new HttpError(400, 'BadRequest', `Unknown action '${String(action)}'.`);
          }
          touch(rel);
          const requestId = randomUUID();
          const stamp = iso(now());
          return {
            status: 201,
            headers: { location: `${base}/v1.0/tenantRelationships/delegatedAdminRelationships/${rel.id}/requests/${requestId}` },
            body: {
              '@odata.type': '#microsoft.graph.delegatedAdminRelationshipRequest',
              '@odata.context': `${base}/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships('${rel.id}')/requests/$entity`,
              id: requestId,
              action,
              status: 'created',
              createdDateTime: stamp,
              lastModifiedDateTime: stamp,
            } satisfies GraphRelationshipRequest,
          };
        }
        if (segments[3] === 'accessAssignments' && segments.length === 4) return accessAssignments(method, url, rel, id, body, need);
        if (segments.length === 3 && method === 'GET') {
          need(CAN.readRelationships);
          if (!rel) throw new HttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
          return {
            status: 200,
            body: { '@odata.context': `${base}/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships/$entity`, ...toJson(rel) },
          };
        }
        if (segments.length === 3 && method === 'PATCH') {
          need(CAN.writeRelationships);
          if (!rel) throw new HttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
          return { status: 200, body: updated(rel, ifMatch, body) };
        }
        if (segments.length === 3 && method === 'DELETE') {
          need(CAN.writeRelationships);
          if (!rel) throw new HttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
          checkEtag(rel, ifMatch);
          if (rel.status !== 'created')
            throw new HttpError(400, 'BadRequest', `Only relationships in status 'created' can be deleted; this one is '${rel.status}'.`);
          relationships.delete(id);
          return { status: 204, body: undefined };
        }
      }
    }

    if (segments[0] === 'groups' && segments.length === 1 && method === 'GET') {
      need(CAN.readGroups);
      const filter = url.searchParams.get('$filter');
      let names = [...groupNames, ...[...users.values()].flatMap((u) => u.groups)];
      names = [...new Set(names)];
      if (filter !== null) {
        const clauses = parseEqualities(filter, ['displayName']);
        names = names.filter((name) => clauses.some(({ value }) => value === name));
      }
      const json = names.map(
        (name): GraphGroup => ({ '@odata.type': '#microsoft.graph.group', id: stableId(`group:${name}`), displayName: name, securityEnabled: true, mailEnabled: false, groupTypes: [] }),
      );
      return { status: 200, body: page(url, json, 'groups') };
    }

    if (segments[0] === 'tenantRelationships' && segments[1] === 'delegatedAdminCustomers' && segments.length === 2 && method === 'GET') {
      need(CAN.readRelationships);
      const items = [...customers.values()].map((c): GraphCustomer => ({
        '@odata.type': '#microsoft.graph.delegatedAdminCustomer',
        '@odata.etag': c.etag,
        id: c.tenantId,
        tenantId: c.tenantId,
        displayName: c.displayName,
      }));
      return { status: 200, body: page(url, items, 'tenantRelationships/delegatedAdminCustomers') };
    }

    if (segments[0] === 'users' && segments.length === 1 && method === 'GET') {
      need(CAN.readUsers);
      const filter = url.searchParams.get('$filter');
      let items = [...users.values()];
      if (filter !== null) {
        const clauses = parseEqualities(filter, ['mail', 'userPrincipalName', 'id']);
        items = items.filter((u) =>
          clauses.some(({ property, value }) =>
            property === 'id'
              ? u.id === value
              : (property === 'mail' ? u.mail : u.userPrincipalName)?.toLowerCase() === value.toLowerCase(),
          ),
        );
      }
      const json = items.map((u): GraphUser => ({ id: u.id, displayName: u.mail, mail: u.mail, userPrincipalName: u.userPrincipalName }));
      return { status: 200, body: page(url, json, 'users') };
    }

    if (segments[0] === 'users' && segments[2] === 'transitiveMemberOf' && segments.length === 3 && method === 'GET') {
      need(CAN.listMemberships);
      const user =
        users.get(segments[1]!) ?? [...users.values()].find((u) => u.userPrincipalName.toLowerCase() === segments[1]!.toLowerCase());
      if (!user) {
        throw new HttpError(
          404,
          'Request_ResourceNotFound',
          `Resource '${segments[1]}' does not exist or one of its queried reference-property objects are not present.`,
        );
      }
      const readGroups = has(CAN.readGroups);
      const readRoles = has(CAN.readDirectoryRoles);
      const items: Array<GraphGroup | GraphDirectoryRole> = [
        ...user.groups.map((name): GraphGroup => {
          const id = stableId(`group:${name}`);
          return readGroups
            ? { '@odata.type': '#microsoft.graph.group', id, displayName: name, securityEnabled: true, mailEnabled: false, groupTypes: [] }
            : {
                '@odata.type': '#microsoft.graph.group',
                id,
                displayName: null,
                securityEnabled: null,
                mailEnabled: null,
                groupTypes: null,
              };
        }),
        ...user.directoryRoleTemplateIds.map((roleTemplateId): GraphDirectoryRole => {
          const id = stableId(`role:${roleTemplateId}`);
          return readRoles
            ? {
                '@odata.type': '#microsoft.graph.directoryRole',
                id,
                displayName: `Role ${roleTemplateId.slice(0, 8)}`,
                description: `Members of role ${roleTemplateId.slice(0, 8)}.`,
                roleTemplateId,
              }
            : { '@odata.type': '#microsoft.graph.directoryRole', id, displayName: null, description: null, roleTemplateId: null };
        }),
      ];
      return { status: 200, body: page(url, items, 'directoryObjects') };
    }

    throw new HttpError(400, 'BadRequest', `Resource not found for the segment '${segments.at(-1) ?? ''}'.`);
  }

  /**
   * learn.microsoft.com/graph/api/delegatedadminrelationship-post-accessassignments and -list:
   * only on an active relationship, roles within the relationship's, one per security group (409,
   * Partner Center's `conflict` "The resource already exists."), pending then active.
   */
  function accessAssignments(
    method: string,
    url: URL,
    rel: FakeRelationship | undefined,
    id: string,
    body: unknown,
    need: (any: readonly string[]) => void,
  ): Result {
    need(method === 'POST' ? CAN.writeRelationships : CAN.readRelationships);
    if (!rel) throw new HttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
    const list = assignments.get(rel.id) ?? [];
    if (method === 'GET') {
      const listed = list.filter((a) => !a.hidden);
      for (const a of list) a.hidden = false;
      for (const a of listed) {
        a.reads++;
        if (a.status === 'pending' && a.reads >= activeAfterReads) {
          a.status = 'active';
          a.lastModifiedDateTime = iso(now());
          a.etag = nextEtag();
        }
      }
      return { status: 200, body: page(url, listed.map(assignmentJson), `tenantRelationships/delegatedAdminRelationships('${rel.id}')/accessAssignments`) };
    }
    if (method !== 'POST') throw new HttpError(405, 'MethodNotAllowed', `${method} is not supported here.`);
    const input = body as { accessContainer?: { accessContainerId?: unknown; accessContainerType?: unknown }; accessDetails?: { unifiedRoles?: Array<{ roleDefinitionId?: unknown }> } } | undefined;
    if (rel.status !== 'active')
      throw new HttpError(400, 'BadRequest', `Access assignments can only be created on an active relationship; this one is '${rel.status}'.`);
    const container = input?.accessContainer;
    if (typeof container?.accessContainerId !== 'string' || container.accessContainerType !== 'securityGroup')
      throw new HttpError(400, 'BadRequest', 'accessContainer needs an accessContainerId and accessContainerType securityGroup.');
    const roles = input?.accessDetails?.unifiedRoles;
    if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => typeof r?.roleDefinitionId !== 'string'))
      throw new HttpError(400, 'BadRequest', 'accessDetails.unifiedRoles needs at least one roleDefinitionId.');
    const ids = roles.map((r) => r.roleDefinitionId as string);
    const outside = ids.filter((r) => !rel.roleDefinitionIds.includes(r));
    if (outside.length)
      throw new HttpError(400, 'BadRequest', `The roles ${outside.join(', ')} are not part of the delegated admin relationship's access details.`);
    if (list.some((a) => a.groupId === container.accessContainerId)) throw new HttpError(409, 'conflict', 'The resource already exists.');
    const stamp = iso(now());
    const created: FakeAccessAssignment = {
      id: randomUUID(),
      groupId: container.accessContainerId,
      roleDefinitionIds: ids,
      status: 'pending',
      reads: 0,
      createdDateTime: stamp,
      lastModifiedDateTime: stamp,
      etag: nextEtag(),
    };
    assignments.set(rel.id, [...list, created]);
    return {
      status: 201,
      headers: { location: `${base}/v1.0/tenantRelationships/delegatedAdminRelationships/${rel.id}/accessAssignments/${created.id}`, etag: created.etag },
      body: { '@odata.context': `${base}/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships('${rel.id}')/accessAssignments/$entity`, ...assignmentJson(created) },
    };
  }

  function assignmentJson(a: FakeAccessAssignment): GraphAccessAssignment {
    return {
      '@odata.type': '#microsoft.graph.delegatedAdminAccessAssignment',
      '@odata.etag': a.etag,
      id: a.id,
      status: a.status,
      createdDateTime: a.createdDateTime,
      lastModifiedDateTime: a.lastModifiedDateTime,
      accessContainer: { accessContainerId: a.groupId, accessContainerType: 'securityGroup' },
      accessDetails: { unifiedRoles: a.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
    };
  }

  const stableIds = new Map<string, string>();
  function stableId(key: string) {
    if (!stableIds.has(key)) stableIds.set(key, randomUUID());
    return stableIds.get(key)!;
  }

  function checkEtag(rel: FakeRelationship, ifMatch: string | null) {
    if (!ifMatch) throw new HttpError(400, 'BadRequest', 'The If-Match header is required.');
    if (ifMatch !== rel.etag)
      throw new HttpError(412, 'PreconditionFailed', 'The resource has been modified: the If-Match value does not match its current ETag.');
  }

  /**
   * learn.microsoft.com/graph/api/delegatedadminrelationship-update: If-Match required; only
   * `autoExtendDuration` is served (PT0S, P0D or P180D, on a created or active relationship, never
   * with Global Administrator); 200 with the relationship as it now is.
   */
  function updated(rel: FakeRelationship, ifMatch: string | null, body: unknown): GraphRelationship {
    const meanwhile = changesBeforePatch.get(rel.id) ?? 0;
    if (meanwhile > 0) {
      changesBeforePatch.set(rel.id, meanwhile - 1);
      touch(rel);
    }
    checkEtag(rel, ifMatch);
    const input = (body ?? {}) as Record<string, unknown>;
    const unsupported = Object.keys(input).filter((key) => key !== 'autoExtendDuration');
    if (unsupported.length)
      throw new HttpError(400, 'BadRequest', `The stand-in updates only autoExtendDuration, not ${unsupported.join(', ')}.`);
    const duration = input.autoExtendDuration;
    if (typeof duration !== 'string' || !['PT0S', 'P0D', 'P180D'].includes(duration))
      throw new HttpError(400, 'BadRequest', 'autoExtendDuration must be PT0S, P0D or P180D.');
    if (rel.status !== 'created' && rel.status !== 'active')
      throw new HttpError(
        400,
        'BadRequest',
        `autoExtendDuration can be updated only on a created or active relationship; this one is '${rel.status}'.`,
      );
    if (duration === 'P180D' && rel.roleDefinitionIds.includes(GLOBAL_ADMINISTRATOR_ROLE))
      throw new HttpError(400, 'BadRequest', 'Relationships that include the Global Administrator role cannot be auto-extended.');
    rel.autoExtendDuration = duration;
    touch(rel);
    return { '@odata.context': `${base}/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships/$entity`, ...toJson(rel) };
  }

  function created(input: Record<string, unknown> | undefined): { body: unknown; headers: Record<string, string> } {
    const displayName = input?.displayName;
    const duration = input?.duration;
    const roles = (input?.accessDetails as { unifiedRoles?: Array<{ roleDefinitionId?: unknown }> } | undefined)?.unifiedRoles;
    if (typeof displayName !== 'string' || displayName.length === 0 || displayName.length > 50) {
      throw new HttpError(400, 'BadRequest', 'displayName is required and must be at most 50 characters.');
    }
    if (typeof duration !== 'string') throw new HttpError(400, 'BadRequest', 'duration is required.');
    const stamp = now();
    const end = addDuration(stamp, duration);
    if (end < addDuration(stamp, 'P1D') || end > addDuration(stamp, 'P2Y')) {
      throw new HttpError(400, 'BadRequest', 'duration must be between P1D and P2Y.');
    }
    if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => typeof r?.roleDefinitionId !== 'string')) {
      throw new HttpError(400, 'BadRequest', 'accessDetails.unifiedRoles needs at least one roleDefinitionId.');
    }
    // The documented rule; the exact status and code Graph uses for a duplicate are not documented.
    if ([...relationships.values()].some((r) => r.displayName === displayName)) {
      throw new HttpError(409, 'Conflict', `A delegated admin relationship named '${displayName}' already exists.`);
    }
    const autoExtendDuration = typeof input?.autoExtendDuration === 'string' ? input.autoExtendDuration : 'PT0S';
    if (!['PT0S', 'P0D', 'P180D'].includes(autoExtendDuration))
      throw new HttpError(400, 'BadRequest', 'autoExtendDuration must be PT0S or P180D.');
    const customer = input?.customer as { tenantId?: string; displayName?: string } | null | undefined;
    const rel: FakeRelationship = {
      id: `${randomUUID()}-${randomUUID()}`,
      displayName,
      status: 'created',
      duration,
      customer: customer?.tenantId ? { tenantId: customer.tenantId, displayName: customer.displayName ?? '' } : null,
      roleDefinitionIds: roles.map((r) => r!.roleDefinitionId as string),
      autoExtendDuration,
      createdDateTime: iso(stamp),
      lastModifiedDateTime: iso(stamp),
      activatedDateTime: null,
      endDateTime: null,
      etag: nextEtag(),
    };
    relationships.set(rel.id, rel);
    return {
      headers: { location: `${base}/v1.0/tenantRelationships/delegatedAdminRelationships/${rel.id}` },
      body: { '@odata.context': `${base}/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships/$entity`, ...toJson(rel) },
    };
  }

  function toJson(rel: FakeRelationship): GraphRelationship {
    return {
      '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
      '@odata.etag': rel.etag,
      id: rel.id,
      displayName: rel.displayName,
      duration: rel.duration,
      status: rel.status,
      autoExtendDuration: rel.autoExtendDuration,
      createdDateTime: rel.createdDateTime,
      lastModifiedDateTime: rel.lastModifiedDateTime,
      // Graph sends "" for dates that are not set yet (see the create example in the docs).
      activatedDateTime: rel.activatedDateTime ?? '',
      endDateTime: rel.endDateTime ?? '',
      customer: rel.customer ? { tenantId: rel.customer.tenantId, displayName: rel.customer.displayName } : null,
      accessDetails: { unifiedRoles: rel.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
    };
  }

  /** One page of `items`: `$skiptoken` is the offset, kept opaque-looking; the rest of the query is kept. */
  function page<T>(url: URL, items: T[], context: string): GraphPage<T> {
    const token = url.searchParams.get('$skiptoken');
    const offset =
      token === null
        ? 0
        : Number(
            Buffer.from(token, 'base64url')
              .toString('utf8')
              .replace(/^offset:/, ''),
          );
    if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'BadRequest', 'Invalid $skiptoken.');
    const body: GraphPage<T> = {
      '@odata.context': `${base}/v1.0/$metadata#${context}`,
      value: items.slice(offset, offset + pageSize),
    };
    if (offset + pageSize < items.length) {
      const next = new URL(url);
      next.searchParams.set('$skiptoken', Buffer.from(`offset:${offset + pageSize}`).toString('base64url'));
      body['@odata.nextLink'] = next.toString();
    }
    return body;
  }

  function mustGet(id: string) {
    const rel = relationships.get(id);
    if (!rel) throw new Error(`no relationship ${id}`);
    return rel;
  }

  return {
    /** https://127.0.0.1:port; pass it as both `loginUrl` and `graphUrl`. */
    url: base,
    loginUrl: base,
    graphUrl: base,
    tenantId,
    clientId,
    clientSecret,
    /** The customer accepts: approved, then (unless `activate: false`) active, for `duration` from now(). */
    approve(relationshipId: string, customer: { tenantId: string; displayName: string }, opts: { activate?: boolean } = {}) {
      const rel = mustGet(relationshipId);
      if (rel.status !== 'approvalPending') throw new Error(`relationship ${relationshipId} is ${rel.status}, not approvalPending`);
      rel.customer = { ...customer };
      rel.status = 'approved';
      customers.set(customer.tenantId, { ...customer, etag: nextEtag() });
      if (opts.activate !== false) {
        const at = now();
        rel.status = 'active';
        rel.activatedDateTime = iso(at);
        rel.endDateTime = iso(addDuration(at, rel.duration));
      }
      touch(rel);
      return { ...rel };
    },
    /**
     * A relationship made outside the bot (in Partner Center), approved and active since now(): it
     * ends `duration` later; its customer is listed unless `listed: false`.
     */
    addActiveRelationship(input: {
      displayName: string;
      customer: { tenantId: string; displayName: string };
      roleDefinitionIds: string[];
      duration?: string;
      autoExtendDuration?: string;
      listed?: boolean;
    }): FakeRelationship {
      const at = now();
      const duration = input.duration ?? 'P730D';
      const rel: FakeRelationship = {
        id: `${randomUUID()}-${randomUUID()}`,
        displayName: input.displayName,
        status: 'active',
        duration,
        customer: { ...input.customer },
        roleDefinitionIds: [...input.roleDefinitionIds],
        autoExtendDuration: input.autoExtendDuration ?? 'PT0S',
        createdDateTime: iso(at),
        lastModifiedDateTime: iso(at),
        activatedDateTime: iso(at),
        endDateTime: iso(addDuration(at, duration)),
        etag: nextEtag(),
      };
      relationships.set(rel.id, rel);
      if (input.listed !== false) customers.set(input.customer.tenantId, { ...input.customer, etag: nextEtag() });
      return { ...rel };
    },
    /** The relationship ran out. */
    expire(relationshipId: string) {
      const rel = mustGet(relationshipId);
      rel.status = 'expired';
      rel.endDateTime = iso(now());
      touch(rel);
    },
    /** The relationship ended (the customer ended it, or a requested termination went through). */
    terminate(relationshipId: string) {
      const rel = mustGet(relationshipId);
      rel.status = 'terminated';
      rel.endDateTime = iso(now());
      touch(rel);
    },
    /** A security group in the partner tenant (AdminAgents, SalesAgents and HelpdeskAgents are there already); its object id. */
    addGroup(name: string) {
      groupNames.add(name);
      return stableId(`group:${name}`);
    },
    /** The object id of the partner-tenant group with this name. */
    groupId: (name: string) => stableId(`group:${name}`),
    /** The relationship's access assignments, as the stand-in holds them. */
    accessAssignments: (relationshipId: string): FakeAccessAssignment[] => (assignments.get(relationshipId) ?? []).map((a) => ({ ...a })),
    /** An assignment Microsoft could not make active (status `error`). */
    failAssignment(relationshipId: string, groupId: string) {
      const found = (assignments.get(relationshipId) ?? []).find((a) => a.groupId === groupId);
      if (!found) throw new Error(`no assignment of ${groupId} on ${relationshipId}`);
      found.status = 'error';
    },
    /** An assignment made elsewhere (Partner Center, another replica), pending like any other; `hidden`: not in the next list yet. */
    assignOutsideTheBot(relationshipId: string, groupId: string, roleDefinitionIds: string[], opts: { hidden?: boolean } = {}) {
      const stamp = iso(now());
      const list = assignments.get(relationshipId) ?? [];
      list.push({
        id: randomUUID(),
        groupId,
        roleDefinitionIds,
        status: 'pending',
        reads: 0,
        hidden: opts.hidden === true,
        createdDateTime: stamp,
        lastModifiedDateTime: stamp,
        etag: nextEtag(),
      });
      assignments.set(relationshipId, list);
    },
    addCustomer(customer: { tenantId: string; displayName: string }) {
      customers.set(customer.tenantId, { ...customer, etag: nextEtag() });
    },
    /**
     * A relationship made outside the bot (in Partner Center, or Microsoft's MLT_ ones from DAP),
     * active since `activatedDaysAgo` and ending on `endDateTime`; the customer is listed too.
     */
    addRelationship(input: {
      displayName: string;
      customer: { tenantId: string; displayName: string };
      roleDefinitionIds: string[];
      endDateTime: string;
      autoExtendDuration?: string;
      status?: GdapStatus;
    }) {
      const stamp = iso(now());
      const rel: FakeRelationship = {
        id: `${randomUUID()}-${randomUUID()}`,
        displayName: input.displayName,
        status: input.status ?? 'active',
        duration: 'P730D',
        customer: { ...input.customer },
        roleDefinitionIds: [...input.roleDefinitionIds],
        autoExtendDuration: input.autoExtendDuration ?? 'PT0S',
        createdDateTime: stamp,
        lastModifiedDateTime: stamp,
        activatedDateTime: stamp,
        endDateTime: input.endDateTime,
        etag: nextEtag(),
      };
      relationships.set(rel.id, rel);
      customers.set(input.customer.tenantId, { ...input.customer, etag: nextEtag() });
      return { ...rel };
    },
    addUser(user: FakeUser) {
      users.set(user.id, {
        id: user.id,
        mail: user.mail,
        userPrincipalName: user.userPrincipalName ?? user.mail ?? `${user.id}@partner.onmicrosoft.com`,
        groups: [...(user.groups ?? [])],
        directoryRoleTemplateIds: [...(user.directoryRoleTemplateIds ?? [])],
      });
    },
    /** Registers a certificate (PEM) on the app, as uploading it under Certificates & secrets does. */
    addCertificate: assertions.addCertificate,
    /** The app trusts this exact token as a federated credential (what a workload identity's token file holds). */
    trustFederatedToken: assertions.trustFederatedToken,
    /** A managed identity (its client id, or 'system') that the app registration trusts as a federated credential. */
    addManagedIdentity: assertions.addManagedIdentity,
    /** App Service's IDENTITY_ENDPOINT and IDENTITY_HEADER for this stand-in. */
    identityEndpoint: `${base}/msi/token`,
    identityHeader: assertions.identityHeader,
    /** Client assertions received, and why each was refused (null: accepted). */
    assertionsSeen: assertions.seen,
    /** The `roles` claim of tokens issued from now on. */
    setGrantedRoles(roles: readonly string[]) {
      grantedRoles = [...roles];
    },
    /** The next `times` calls matching `matcher` (see RouteMatcher) fail with `failure.status`. */
    failNext(matcher: RouteMatcher, failure: Failure) {
      failures.push({ matcher, failure, left: failure.times ?? 1 });
    },
    relationships: (): FakeRelationship[] => [...relationships.values()].map((rel) => ({ ...rel })),
    /** Someone else changes the relationship (a new etag) just before each of the next `times` PATCHes is checked: a 412 each. */
    changeBeforeNextPatch(relationshipId: string, times = 1) {
      mustGet(relationshipId);
      changesBeforePatch.set(relationshipId, times);
    },
    /** Every request received, oldest first. */
    requests: (): LoggedRequest[] => [...log],
    get tokensIssued() {
      return tokensIssued;
    },
    /** Whether this stand-in issued `token` (what a resource server checks before it answers). */
    issued: (token: string) => tokens.has(token),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeMicrosoft = Awaited<ReturnType<typeof startFakeMicrosoft>>;
