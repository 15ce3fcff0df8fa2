/**
 * The doctor's Graph checks (bot/microsoft/checks.ts) on a Graph stand-in that answers each GET
 * as Graph does: the token's claims, a 403 naming its permission, another failure, group names
 * hidden, a tenant with no user, and the reseller link's partnerId against the token's tenant.
 */
import { describe, expect, it } from 'vitest';
import { graphChecks, resellerLinkCheck, type GraphProber } from '../../../bot/microsoft/checks.js';
import { GraphError } from '../../../bot/microsoft/graph.js';

const TENANT = '7a1c0000-0000-4000-8000-00000000beef';
const LINK = `https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=${TENANT}&msppId=0#/BillingAccounts/partner-invitation`;
const APP = { clientId: 'app-1', credential: 'client secret', resellerLink: LINK };
const ALL_ROLES = ['DelegatedAdminRelationship.ReadWrite.All', 'RoleManagement.Read.Directory'];

/** Graph answering `probe` by path prefix: a value, or an error to throw. */
function graph(answers: Record<string, unknown>, claims: Record<string, unknown> | Error = { tid: TENANT, roles: ALL_ROLES }): GraphProber {
  return {
    accessTokenClaims: async () => {
      if (claims instanceof Error) throw claims;
      return claims;
    },
    probe: async (path) => {
      const key = Object.keys(answers).find((prefix) => path.startsWith(prefix));
      const answer = key === undefined ? { value: [] } : answers[key];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}
const USERS = { '/users?': { value: [{ id: 'u1' }] } };
const byArea = async (g: GraphProber) => Object.fromEntries((await graphChecks(g, APP)).map((c) => [c.area, c]));

describe('graphChecks', () => {
  it('passes every call Graph answers, the write and directory roles read from the token', async () => {
    const found = await byArea(
      graph({
        ...USERS,
        '/users/u1/transitiveMemberOf': { value: [{ '@odata.type': '#microsoft.graph.group', displayName: 'AdminAgents' }] },
      }),
    );
    expect(Object.values(found).map((c) => `${c.area} ${c.state}`)).toEqual([
      'doctor.area.graphCredential ok',
      'doctor.area.graph.relationships ok',
      'doctor.area.graph.write ok',
      'doctor.area.graph.customers ok',
      'doctor.area.graph.users ok',
      'doctor.area.graph.memberships ok',
      'doctor.area.graph.roles ok',
      'doctor.area.resellerLink ok',
    ]);
    expect(found['doctor.area.graphCredential']!.params).toEqual({ credential: 'client secret', tenant: TENANT });
    expect(
      (await byArea(graph(USERS, { tid: TENANT, roles: ['Directory.Read.All', 'DelegatedAdminRelationship.ReadWrite.All'] })))[
        'doctor.area.graph.roles'
      ]!.state,
    ).toBe('ok');
  });

  it('names the permission of a 403, and says what else went wrong with a call', async () => {
    const found = await byArea(
      graph({
        '/tenantRelationships/delegatedAdminRelationships': new GraphError(403, 'Authorization_RequestDenied', 'denied'),
        '/tenantRelationships/delegatedAdminCustomers': new GraphError(0, 'ECONNRESET', 'reset'),
        '/users?': new GraphError(503, 'ServiceUnavailable', 'busy'),
      }),
    );
    expect(found['doctor.area.graph.relationships']).toMatchObject({
      state: 'fail',
      text: 'doctor.graph.denied',
      params: { code: '403 Authorization_RequestDenied', permission: 'DelegatedAdminRelationship.ReadWrite.All', app: 'app-1' },
    });
    expect(found['doctor.area.graph.customers']).toMatchObject({
      text: 'doctor.graph.failed',
      params: { reason: 'ECONNRESET (unreachable)' },
    });
    expect(found['doctor.area.graph.users']).toMatchObject({ text: 'doctor.graph.failed', params: { reason: 'ServiceUnavailable (503)' } });
    // Without users there is no one to read memberships of.
    expect(found['doctor.area.graph.memberships']).toMatchObject({ state: 'fail', text: 'doctor.graph.skipped' });
  });

  it('fails memberships whose group names Graph hides, warns of a tenant without users, and reports a failed membership read', async () => {
    const hidden = await byArea(
      graph({ ...USERS, '/users/u1/transitiveMemberOf': { value: [{ '@odata.type': '#microsoft.graph.group', displayName: null }] } }),
    );
    expect(hidden['doctor.area.graph.memberships']).toMatchObject({
      state: 'fail',
      text: 'doctor.graph.hidden',
      params: { permission: 'GroupMember.Read.All' },
    });
    const empty = await byArea(graph({ '/users?': { value: [] } }));
    expect(empty['doctor.area.graph.memberships']).toMatchObject({ state: 'warn', text: 'doctor.graph.noUser' });
    const refused = await byArea(
      graph({ ...USERS, '/users/u1/transitiveMemberOf': new GraphError(403, 'Authorization_RequestDenied', 'denied') }),
    );
    expect(refused['doctor.area.graph.memberships']).toMatchObject({
      text: 'doctor.graph.denied',
      params: { permission: 'GroupMember.Read.All or Directory.Read.All' },
    });
    const broken = await byArea(graph({ ...USERS, '/users/u1/transitiveMemberOf': new Error('socket hang up') }));
    expect(broken['doctor.area.graph.memberships']).toMatchObject({ text: 'doctor.graph.failed', params: { reason: 'socket hang up' } });
  });

  it('fails the write and the directory roles when the token does not carry them, and names an unknown tenant "?"', async () => {
    const found = await byArea(graph(USERS, { roles: 'not a list' }));
    expect(found['doctor.area.graph.write']).toMatchObject({
      state: 'fail',
      text: 'doctor.graph.missing',
      params: { permission: 'DelegatedAdminRelationship.ReadWrite.All' },
    });
    expect(found['doctor.area.graph.roles']).toMatchObject({ state: 'fail', params: { permission: 'RoleManagement.Read.Directory' } });
    expect(found['doctor.area.graphCredential']!.params).toMatchObject({ tenant: '?' });
  });

  it('skips every call, saying why, when Microsoft login refuses the credential', async () => {
    const checks = await graphChecks(
      graph(
        {},
        new Error("Microsoft login refused the app's credentials (invalid_client): AADSTS7000215: Invalid client secret provided."),
      ),
      APP,
    );
    expect(checks[0]).toMatchObject({
      state: 'fail',
      text: 'doctor.graph.loginRefused',
      params: { reason: 'AADSTS7000215: Invalid client secret provided.' },
    });
    expect(checks.slice(1).map((c) => c.text)).toEqual(Array(4).fill('doctor.graph.skipped'));
  });
});

describe('resellerLinkCheck', () => {
  it("compares the link's partnerId with the token's tenant, whatever their case, and fails a link it cannot read", () => {
    expect(resellerLinkCheck(LINK, TENANT.toUpperCase())).toMatchObject({ state: 'ok', params: { partnerId: TENANT } });
    expect(resellerLinkCheck(LINK, 'another-tenant')).toMatchObject({
      state: 'fail',
      params: { partnerId: TENANT, tenant: 'another-tenant' },
    });
    expect(resellerLinkCheck('not a url', TENANT)).toMatchObject({ state: 'fail', params: { partnerId: '?' } });
  });
});
