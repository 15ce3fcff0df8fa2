/**
 * The doctor's Graph checks: a token for the configured credential, then each call the bot makes,
 * tried with a GET that changes nothing. A 403 names the application permission as Microsoft
 * names it; calls that cannot be tried without a change (requesting a GDAP relationship) and
 * permissions Graph enforces by hiding data (group names, directory roles) are read from the
 * token's `roles` claim. The reseller link's partnerId is compared with the tenant the token is for.
 */
import type { MessageKey } from '../../i18n/catalogue.js';
import { check, type Check } from '../service/check.js';
import { GraphError, type GraphClient } from './graph.js';

interface Probe {
  area: MessageKey;
  call: string;
  path: string;
  /** Microsoft's name of what grants it, as the permissions reference lists it. */
  permission: string;
}

const RELATIONSHIPS: Probe = {
  area: 'doctor.area.graph.relationships',
  call: 'GET /tenantRelationships/delegatedAdminRelationships',
  path: '/tenantRelationships/delegatedAdminRelationships?$top=1',
  permission: 'DelegatedAdminRelationship.ReadWrite.All',
};
const CUSTOMERS: Probe = {
  area: 'doctor.area.graph.customers',
  call: 'GET /tenantRelationships/delegatedAdminCustomers',
  path: '/tenantRelationships/delegatedAdminCustomers?$top=1',
  permission: 'DelegatedAdminRelationship.ReadWrite.All',
};
const USERS: Probe = { area: 'doctor.area.graph.users', call: 'GET /users', path: '/users?$top=1&$select=id', permission: 'User.Read.All' };
const MEMBERSHIPS = { area: 'doctor.area.graph.memberships', call: 'GET /users/{id}/transitiveMemberOf', permission: 'GroupMember.Read.All or Directory.Read.All' } as const;

export interface GraphCheckApp {
  clientId: string;
  /** The credential in words (describeCredential). */
  credential: string;
  resellerLink: string;
}

/** The two calls the checks make: a token's claims and GETs that change nothing. */
export type GraphProber = Pick<GraphClient, 'accessTokenClaims' | 'probe'>;

export async function graphChecks(graph: GraphProber, app: GraphCheckApp): Promise<Check[]> {
  let claims: Record<string, unknown>;
  try {
    claims = await graph.accessTokenClaims();
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Microsoft login refused the app's credentials \([^)]*\): /, '') : String(error);
    return [
      check('doctor.area.graphCredential', 'fail', 'doctor.graph.loginRefused', { credential: app.credential, app: app.clientId, reason }),
      ...[RELATIONSHIPS, CUSTOMERS, USERS, MEMBERSHIPS].map((p) => check(p.area, 'fail', 'doctor.graph.skipped')),
    ];
  }
  const tenant = typeof claims.tid === 'string' ? claims.tid : '?';
  const roles = new Set(Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : []);
  const app_ = { app: app.clientId };
  const tried = async (probe: Probe): Promise<{ check: Check; json: unknown }> => {
    try {
      const json = await graph.probe(probe.path);
      return { check: check(probe.area, 'ok', 'doctor.graph.ok', { call: probe.call }), json };
    } catch (error) {
      return { check: refusal(probe, error, app.clientId), json: null };
    }
  };

  const checks: Check[] = [check('doctor.area.graphCredential', 'ok', 'doctor.graph.credential', { credential: app.credential, tenant })];
  checks.push((await tried(RELATIONSHIPS)).check);
  // Requesting GDAP cannot be tried without creating a relationship: the token says whether it may.
  const write = 'DelegatedAdminRelationship.ReadWrite.All';
  checks.push(
    roles.has(write)
      ? check('doctor.area.graph.write', 'ok', 'doctor.graph.grantedWrite', { permission: write })
      : check('doctor.area.graph.write', 'fail', 'doctor.graph.missing', { permission: write, ...app_ }),
  );
  checks.push((await tried(CUSTOMERS)).check);
  const users = await tried(USERS);
  checks.push(users.check);
  checks.push(await membershipCheck(graph, users.json, app.clientId));
  // Graph leaves roleTemplateId out instead of refusing: only the token says whether it may be read.
  checks.push(
    roles.has('RoleManagement.Read.Directory') || roles.has('Directory.Read.All')
      ? check('doctor.area.graph.roles', 'ok', 'doctor.graph.granted', { permission: 'RoleManagement.Read.Directory' })
      : check('doctor.area.graph.roles', 'fail', 'doctor.graph.missing', { permission: 'RoleManagement.Read.Directory', ...app_ }),
  );
  checks.push(resellerLinkCheck(app.resellerLink, tenant));
  return checks;
}

function refusal(probe: { area: MessageKey; call: string; permission: string }, error: unknown, clientId: string): Check {
  if (error instanceof GraphError && error.status === 403) {
    return check(probe.area, 'fail', 'doctor.graph.denied', { call: probe.call, code: `403 ${error.code}`, permission: probe.permission, app: clientId });
  }
  const reason = error instanceof GraphError ? `${error.code} (${error.status || 'unreachable'})` : error instanceof Error ? error.message : String(error);
  return check(probe.area, 'fail', 'doctor.graph.failed', { call: probe.call, reason });
}

/** The first user's memberships: refused (403), or answered with the names of groups hidden. */
async function membershipCheck(graph: GraphProber, users: unknown, clientId: string): Promise<Check> {
  const first = (users as { value?: Array<{ id?: unknown }> } | null)?.value?.[0]?.id;
  if (typeof first !== 'string') return check(MEMBERSHIPS.area, users === null ? 'fail' : 'warn', users === null ? 'doctor.graph.skipped' : 'doctor.graph.noUser');
  try {
    const json = (await graph.probe(`/users/${encodeURIComponent(first)}/transitiveMemberOf?$top=20`)) as {
      value?: Array<{ '@odata.type'?: string; displayName?: string | null }>;
    } | null;
    const hidden = (json?.value ?? []).some((item) => item['@odata.type'] === '#microsoft.graph.group' && !item.displayName);
    if (hidden) return check(MEMBERSHIPS.area, 'fail', 'doctor.graph.hidden', { permission: 'GroupMember.Read.All', app: clientId });
    return check(MEMBERSHIPS.area, 'ok', 'doctor.graph.ok', { call: MEMBERSHIPS.call });
  } catch (error) {
    return refusal(MEMBERSHIPS, error, clientId);
  }
}

/** RESELLER_LINK's partnerId against the tenant Microsoft issued the token for. */
export function resellerLinkCheck(resellerLink: string, tenant: string): Check {
  let partnerId = '';
  try {
    partnerId = new URL(resellerLink).searchParams.get('partnerId') ?? '';
  } catch {
    partnerId = '';
  }
  return partnerId.toLowerCase() === tenant.toLowerCase()
    ? check('doctor.area.resellerLink', 'ok', 'doctor.resellerLink.ok', { partnerId })
    : check('doctor.area.resellerLink', 'fail', 'doctor.resellerLink.mismatch', { partnerId: partnerId || '?', tenant });
}
