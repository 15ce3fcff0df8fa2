/**
 * The Microsoft Graph client behind the `GraphClient` port (graph.ts): app-only tokens from
 * @azure/identity (client credentials with a secret, a certificate, workload or managed identity:
 * credential.ts), Graph v1.0 over fetch, `@odata.nextLink` paging,
 * If-Match on GDAP requests, updates and deletes, and bounded retries (429/503 after Retry-After, other
 * 5xx and network failures with exponential backoff).
 *
 * Tokens and the client secret are never logged; logged paths leave out query strings (a user
 * lookup carries an email address there).
 */
import { createTokenCredential, type GraphCredential } from './credential.js';
import type { GdapCustomer, GdapRelationship, GraphClient, NewRelationship, PartnerMembership } from './graph.js';
import { GraphError } from './graph.js';
import { MAX_PAGES, attemptJson, tokenClaims } from '../http/microsoft.js';
import { trimSlash } from '../server/url.js';
import { entraPolicy } from '../telemetry.js';
import {
  loginError,
  odataString,
  toAccessAssignment,
  toRelationship,
  type AccessAssignmentJson,
  type DirectoryObjectJson,
  type GraphErrorBody,
  type RelationshipJson,
} from './graph-wire.js';
export { odataString, toRelationship } from './graph-wire.js';
export { MAX_RETRY_AFTER_SECONDS, BACKOFF_BASE_MS, BACKOFF_MAX_MS, MAX_PAGES } from '../http/microsoft.js';

export interface GraphClientOptions {
  tenantId: string;
  clientId: string;
  /** How the app proves who it is; `clientSecret` alone is short for a secret. */
  credential?: GraphCredential;
  clientSecret?: string;
  /** Default https://graph.microsoft.com; the token scope is `${graphUrl}/.default`. */
  graphUrl?: string;
  /** Default https://login.microsoftonline.com. */
  loginUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Waits between attempts; tests pass one that records the delay and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  logger?: { warn(obj: object, msg: string): void; debug?(obj: object, msg: string): void };
}

const GROUP = '#microsoft.graph.group';
const DIRECTORY_ROLE = '#microsoft.graph.directoryRole';
const RELATIONSHIPS = '/v1.0/tenantRelationships/delegatedAdminRelationships';

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const graphUrl = trimSlash(options.graphUrl ?? 'https://graph.microsoft.com');
  const graphOrigin = new URL(graphUrl).origin;
  const loginUrl = trimSlash(options.loginUrl ?? 'https://login.microsoftonline.com');
  const scope = `${graphUrl}/.default`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetries = Math.max(0, options.maxRetries ?? 4);
  const logger = options.logger;
  const credential = createTokenCredential(options.credential ?? { kind: 'secret', secret: options.clientSecret ?? '' }, {
    tenantId: options.tenantId,
    clientId: options.clientId,
    loginUrl,
  }, { additionalPolicies: [entraPolicy] });

  /** A token for Graph (identity caches it and renews it before it expires). */
  async function token(): Promise<string> {
    try {
      const result = await credential.getToken(scope);
      if (!result?.token) throw new GraphError(0, 'no_token', 'Microsoft login returned no access token');
      return result.token;
    } catch (err) {
      if (err instanceof GraphError) throw err;
      throw loginError(err);
    }
  }

  interface CallOptions {
    body?: unknown;
    ifMatch?: string;
  }

  /**
   * One Graph call with retries. 429 and 503 say the call was not processed, so every method
   * retries them after Retry-After. Other 5xx and network failures leave a POST's outcome
   * unknown (the relationship may have been created): only GET, PATCH and DELETE retry those (a
   * PATCH or DELETE carries If-Match, so a repeat of one that did apply is a 412, never a second
   * change), and a POST's failure goes to the caller, who can look the relationship up by its unique name.
   */
  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    callOptions: CallOptions = {},
  ): Promise<{ status: number; json: unknown }> {
    const target = new URL(url);
    if (target.origin !== graphOrigin) throw new GraphError(0, 'foreign_url', `Refusing to send the Graph token to ${target.origin}`);
    const logPath = target.pathname;
    const idempotent = method !== 'POST';
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { authorization: `Bearer ${await token()}`, accept: 'application/json' };
      if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
      if (callOptions.ifMatch !== undefined) headers['if-match'] = callOptions.ifMatch;
      const outcome = await attemptJson(
        doFetch,
        target,
        { method, headers, body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body) },
        { service: 'Graph', method, logPath, attempt, maxRetries, idempotent, logger },
      );
      if (outcome.kind === 'done') return { status: outcome.status, json: outcome.json };
      if (outcome.kind === 'retry') {
        await sleep(outcome.delay);
        continue;
      }
      if (outcome.kind === 'unreachable')
        throw new GraphError(0, outcome.code, `Could not reach Microsoft Graph (${method} ${logPath}): ${outcome.code}`);
      const { status, json } = outcome;
      const error = (json as GraphErrorBody | undefined)?.error;
      const code = typeof error?.code === 'string' && error.code ? error.code : `http_${status}`;
      const message = typeof error?.message === 'string' && error.message ? error.message : `${outcome.statusText || 'HTTP error'}`;
      throw new GraphError(status, code, `Graph ${method} ${logPath} failed with ${status} ${code}: ${message}`);
    }
  }

  /** Every item of a list, following `@odata.nextLink` (at most MAX_PAGES pages). */
  async function all<T>(firstUrl: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = firstUrl;
    for (let pages = 0; url; pages++) {
      if (pages >= MAX_PAGES)
        throw new GraphError(0, 'too_many_pages', `Graph list ${new URL(firstUrl).pathname} went past ${MAX_PAGES} pages`);
      const { json } = await call('GET', url);
      const body = (json ?? {}) as { value?: T[]; '@odata.nextLink'?: string };
      items.push(...(body.value ?? []));
      url = body['@odata.nextLink'];
    }
    return items;
  }

  const relationshipUrl = (id: string) => `${graphUrl}${RELATIONSHIPS}/${encodeURIComponent(id)}`;

  async function request(relationship: Pick<GdapRelationship, 'id' | 'etag'>, action: 'lockForApproval' | 'terminate') {
    await call('POST', `${relationshipUrl(relationship.id)}/requests`, { body: { action }, ifMatch: relationship.etag });
  }

  return {
    async createRelationship(input: NewRelationship) {
      const body: Record<string, unknown> = {
        displayName: input.displayName,
        duration: input.duration,
        accessDetails: { unifiedRoles: input.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
        autoExtendDuration: input.autoExtendDuration,
      };
      if (input.customer) {
        body.customer = input.customer.displayName === undefined ? { tenantId: input.customer.tenantId } : { ...input.customer };
      }
      const { json } = await call('POST', `${graphUrl}${RELATIONSHIPS}`, { body });
      return toRelationship(json as RelationshipJson);
    },

    lockForApproval: (relationship) => request(relationship, 'lockForApproval'),
    terminateRelationship: (relationship) => request(relationship, 'terminate'),

    async setAutoExtend(relationship, autoExtendDuration) {
      const { json } = await call('PATCH', relationshipUrl(relationship.id), { body: { autoExtendDuration }, ifMatch: relationship.etag });
      return toRelationship(json as RelationshipJson);
    },

    async getRelationship(id) {
      try {
        const { json } = await call('GET', relationshipUrl(id));
        return toRelationship(json as RelationshipJson);
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return null;
        throw err;
      }
    },

    async deleteRelationship(relationship) {
      try {
        await call('DELETE', relationshipUrl(relationship.id), { ifMatch: relationship.etag });
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return;
        throw err;
      }
    },

    async listRelationships(filter = {}) {
      let url = `${graphUrl}${RELATIONSHIPS}`;
      if (filter.customerTenantId !== undefined) {
        url += `?$filter=${encodeURIComponent(`customer/tenantId eq ${odataString(filter.customerTenantId)}`)}`;
      }
      return (await all<RelationshipJson>(url)).map(toRelationship);
    },

    async listCustomers(): Promise<GdapCustomer[]> {
      const items = await all<{ tenantId: string; displayName: string }>(`${graphUrl}/v1.0/tenantRelationships/delegatedAdminCustomers`);
      return items.map((c) => ({ tenantId: c.tenantId, displayName: c.displayName }));
    },

    async membershipOf(userObjectId): Promise<PartnerMembership | null> {
      let items: DirectoryObjectJson[];
      try {
        items = await all<DirectoryObjectJson>(`${graphUrl}/v1.0/users/${encodeURIComponent(userObjectId)}/transitiveMemberOf`);
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return null;
        throw err;
      }
      const groups: string[] = [];
      const directoryRoleTemplateIds: string[] = [];
      let hidden = 0;
      for (const item of items) {
        if (item['@odata.type'] === GROUP) {
          if (item.displayName) groups.push(item.displayName);
          else hidden++;
        } else if (item['@odata.type'] === DIRECTORY_ROLE) {
          if (item.roleTemplateId) directoryRoleTemplateIds.push(item.roleTemplateId);
          else hidden++;
        }
      }
      // Graph hides the properties of objects the app may not read (GroupMember.Read.All for
      // groups, RoleManagement.Read.Directory for directory roles) instead of refusing the call.
      if (hidden > 0) {
        logger?.warn(
          { hidden },
          'Graph hid some group or directory-role details: the app lacks GroupMember.Read.All or RoleManagement.Read.Directory',
        );
      }
      return { groups, directoryRoleTemplateIds };
    },

    async groupIdsNamed(displayName) {
      const filter = `displayName eq ${odataString(displayName)}`;
      const groups = await all<{ id: string }>(`${graphUrl}/v1.0/groups?$filter=${encodeURIComponent(filter)}&$select=id,displayName`);
      return groups.map((g) => g.id);
    },

    async createAccessAssignment(relationshipId, input) {
      const body = {
        accessContainer: { accessContainerId: input.groupId, accessContainerType: 'securityGroup' },
        accessDetails: { unifiedRoles: input.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
      };
      const { json } = await call('POST', `${relationshipUrl(relationshipId)}/accessAssignments`, { body });
      return toAccessAssignment(json as AccessAssignmentJson);
    },

    async listAccessAssignments(relationshipId) {
      return (await all<AccessAssignmentJson>(`${relationshipUrl(relationshipId)}/accessAssignments`)).map(toAccessAssignment);
    },

    async findUserByEmail(email) {
      // Hostile input: a bounded, single-line address, quoted as an OData literal and URL-encoded.
      if (typeof email !== 'string' || email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email)) return null;
      const literal = odataString(email);
      const filter = `mail eq ${literal} or userPrincipalName eq ${literal}`;
      const users = await all<{ id: string }>(`${graphUrl}/v1.0/users?$filter=${encodeURIComponent(filter)}&$select=id`);
      const first = users[0];
      return first ? { id: first.id } : null;
    },

    async probe(path) {
      const { json } = await call('GET', `${graphUrl}/v1.0${path}`);
      return json;
    },

    accessTokenClaims: async () => tokenClaims(await token()),

    async grantedPermissions() {
      const roles = tokenClaims(await token()).roles;
      return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
    },
  };
}
