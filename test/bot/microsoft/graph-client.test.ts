/**
 * The Graph client against the local stand-in of Microsoft's login and Graph: real
 * @azure/identity token requests over https (the stand-in's certificate is trusted through
 * NODE_EXTRA_CA_CERTS, set by the globalSetup before this worker started), real fetch calls.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, MAX_RETRY_AFTER_SECONDS, type GraphClientOptions } from '../../../bot/microsoft/graph-client.js';
import { GraphError, REQUIRED_PERMISSIONS, type GraphClient, type NewRelationship } from '../../../bot/microsoft/graph.js';
import { ALL_ROLES, startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

let clock = new Date('2031-03-01T09:00:00.000Z');
let fake: FakeMicrosoft;
let sleeps: number[];
let warnings: Array<{ obj: object; msg: string }>;

function client(overrides: Partial<GraphClientOptions> = {}): GraphClient {
  return createGraphClient({
    tenantId: fake.tenantId,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    graphUrl: fake.graphUrl,
    loginUrl: fake.loginUrl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: { warn: (obj, msg) => warnings.push({ obj, msg }) },
    ...overrides,
  });
}

const request = (name: string, extra: Partial<NewRelationship> = {}): NewRelationship => ({
  displayName: name,
  duration: 'P730D',
  roleDefinitionIds: [HELPDESK_ADMIN, USER_ADMIN],
  autoExtendDuration: 'PT0S',
  ...extra,
});

const graphCalls = () => fake.requests().filter((r) => r.path.startsWith('/v1.0/'));

async function rejection(promise: Promise<unknown>): Promise<GraphError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

beforeEach(async () => {
  clock = new Date('2031-03-01T09:00:00.000Z');
  sleeps = [];
  warnings = [];
  fake = await startFakeMicrosoft({ now: () => clock, pageSize: 2 });
});

afterEach(async () => {
  await fake.close();
});

describe('the test setup', () => {
  it('runs this worker with the stand-in certificate in NODE_EXTRA_CA_CERTS', () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBeTruthy();
    expect(process.env.FAKE_MICROSOFT_TLS_CERT).toBeTruthy();
    expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lets plain fetch trust the stand-in (the certificate is in the default trust store, not passed per call)', async () => {
    const res = await fetch(`${fake.loginUrl}/${fake.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { token_endpoint: string }).token_endpoint).toBe(`${fake.url}/${fake.tenantId}/oauth2/v2.0/token`);
  });

  it('lets a child process (a spawned bot) trust the stand-in too, through the inherited environment', async () => {
    const url = `${fake.loginUrl}/${fake.tenantId}/v2.0/.well-known/openid-configuration`;
    const script =
      'fetch(process.argv[1]).then((r) => process.stdout.write(String(r.status)), (e) => { process.stdout.write(String(e.cause?.code)); })';
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, url], { env: process.env });
    expect(stdout).toBe('200');
    const { stdout: untrusted } = await promisify(execFile)(process.execPath, ['-e', script, url], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
    });
    expect(untrusted).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});

describe('GDAP relationships', () => {
  it('creates a relationship and locks it for approval with its etag', async () => {
    const graph = client();
    const created = await graph.createRelationship(request('Contoso helpdesk'));
    expect(created).toMatchObject({
      displayName: 'Contoso helpdesk',
      status: 'created',
      duration: 'P730D',
      customer: null,
      roleDefinitionIds: [HELPDESK_ADMIN, USER_ADMIN],
      autoExtendDuration: 'PT0S',
      createdDateTime: clock.toISOString(),
      activatedDateTime: null,
      endDateTime: null,
    });
    expect(created.etag).toMatch(/^W\/"/);
    expect(created.id).toBe(fake.relationships()[0]!.id);

    await graph.lockForApproval(created);
    const lock = graphCalls().find((r) => r.method === 'POST' && r.path.endsWith('/requests'))!;
    expect(lock.path).toBe(`/v1.0/tenantRelationships/delegatedAdminRelationships/${created.id}/requests`);
    expect(lock.ifMatch).toBe(created.etag);
    expect(lock.body).toEqual({ action: 'lockForApproval' });

    const locked = await graph.getRelationship(created.id);
    expect(locked?.status).toBe('approvalPending');
    expect(locked?.etag).not.toBe(created.etag);
  });

  it('sends the customer when the request names one, and Graph refuses a duplicate name', async () => {
    const graph = client();
    const created = await graph.createRelationship(request('Fabrikam', { customer: { tenantId: 'b1c2', displayName: 'Fabrikam Ltd' } }));
    expect(created.customer).toEqual({ tenantId: 'b1c2', displayName: 'Fabrikam Ltd' });
    const err = await rejection(graph.createRelationship(request('Fabrikam')));
    expect(err.status).toBe(409);
    expect(fake.relationships()).toHaveLength(1);
  });

  it('maps an approved relationship: customer, activation and end dates from the stand-in clock', async () => {
    const graph = client();
    const created = await graph.createRelationship(request('Northwind'));
    await graph.lockForApproval(created);
    clock = new Date('2031-03-05T12:00:00.000Z');
    fake.approve(created.id, { tenantId: 'tenant-northwind', displayName: 'Northwind Traders' });

    const active = await graph.getRelationship(created.id);
    expect(active).toMatchObject({
      status: 'active',
      customer: { tenantId: 'tenant-northwind', displayName: 'Northwind Traders' },
      activatedDateTime: '2031-03-05T12:00:00.000Z',
      endDateTime: '2033-03-04T12:00:00.000Z',
    });

    await graph.terminateRelationship(active!);
    const ending = await graph.getRelationship(created.id);
    expect(ending?.status).toBe('terminationRequested');
    expect(
      graphCalls()
        .filter((r) => r.path.endsWith('/requests'))
        .map((r) => r.body),
    ).toEqual([{ action: 'lockForApproval' }, { action: 'terminate' }]);
  });

  it('surfaces a stale etag as a 412 GraphError and sends If-Match on deletes', async () => {
    const graph = client();
    const created = await graph.createRelationship(request('Stale'));
    await graph.lockForApproval(created);

    const err = await rejection(graph.terminateRelationship(created));
    expect(err.status).toBe(412);
    expect(err.code).toBe('PreconditionFailed');
    expect(sleeps).toEqual([]);

    const err2 = await rejection(graph.deleteRelationship(created));
    expect(err2.status).toBe(412);
    expect(
      graphCalls()
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.ifMatch),
    ).toEqual([created.etag]);
    expect(fake.relationships()).toHaveLength(1);
  });

  it('deletes a created relationship; a second delete (404) is success too', async () => {
    const graph = client();
    const created = await graph.createRelationship(request('To delete'));
    await graph.deleteRelationship(created);
    expect(fake.relationships()).toEqual([]);
    await expect(graph.deleteRelationship(created)).resolves.toBeUndefined();
    expect(
      graphCalls()
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.status),
    ).toEqual([204, 404]);
  });

  it('answers null for a relationship Graph does not know', async () => {
    await expect(client().getRelationship('00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000')).resolves.toBeNull();
  });

  it('follows @odata.nextLink over several pages, and filters by customer tenant', async () => {
    const graph = client();
    const names = ['A', 'B', 'C', 'D', 'E'];
    for (const name of names) {
      const created = await graph.createRelationship(request(`Rel ${name}`));
      if (name === 'B' || name === 'E') {
        await graph.lockForApproval(created);
        fake.approve(created.id, { tenantId: 'tenant-x', displayName: 'X' });
      }
    }
    const before = graphCalls().length;
    const all = await graph.listRelationships();
    expect(all.map((r) => r.displayName)).toEqual(names.map((n) => `Rel ${n}`));
    expect(graphCalls().length - before).toBe(3); // 5 items, 2 a page

    const ofX = await graph.listRelationships({ customerTenantId: 'tenant-x' });
    expect(ofX.map((r) => r.displayName)).toEqual(['Rel B', 'Rel E']);
    const filtered = graphCalls().at(-1)!;
    expect(new URL(filtered.url, fake.url).searchParams.get('$filter')).toBe("customer/tenantId eq 'tenant-x'");
  });

  it('lists customers over several pages', async () => {
    for (let i = 1; i <= 5; i++) fake.addCustomer({ tenantId: `t${i}`, displayName: `Customer ${i}` });
    const customers = await client().listCustomers();
    expect(customers).toEqual([1, 2, 3, 4, 5].map((i) => ({ tenantId: `t${i}`, displayName: `Customer ${i}` })));
  });
});

describe('retries', () => {
  it('waits as long as a 429 Retry-After asks, then succeeds', async () => {
    fake.failNext('GET /v1.0/tenantRelationships/delegatedAdminCustomers', { status: 429, retryAfter: 7, times: 2 });
    fake.addCustomer({ tenantId: 't1', displayName: 'One' });
    await expect(client().listCustomers()).resolves.toEqual([{ tenantId: 't1', displayName: 'One' }]);
    expect(sleeps).toEqual([7000, 7000]);
  });

  it('caps a very long Retry-After', async () => {
    fake.failNext(/delegatedAdminCustomers$/, { status: 429, retryAfter: 3600 });
    await client().listCustomers();
    expect(sleeps).toEqual([MAX_RETRY_AFTER_SECONDS * 1000]);
  });

  it('retries a 503 (even on a POST: Graph did not process it) and succeeds', async () => {
    fake.failNext('POST /v1.0/tenantRelationships/delegatedAdminRelationships', { status: 503, retryAfter: 2 });
    const created = await client().createRelationship(request('After 503'));
    expect(created.status).toBe('created');
    expect(sleeps).toEqual([2000]);
    expect(fake.relationships()).toHaveLength(1);
    expect(warnings[0]?.obj).toMatchObject({ status: 503, delayMs: 2000 });
  });

  it('backs off exponentially on 500s, and gives up after maxRetries with the last error', async () => {
    fake.failNext(/delegatedAdminCustomers/, { status: 500, times: 10 });
    const err = await rejection(client({ maxRetries: 3 }).listCustomers());
    expect(err.status).toBe(500);
    expect(err.code).toBe('InternalServerError');
    expect(sleeps).toHaveLength(3);
    // 500 ms · 2^attempt, jittered over its upper half.
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
    expect(sleeps[1]).toBeGreaterThanOrEqual(500);
    expect(sleeps[1]).toBeLessThanOrEqual(1000);
    expect(sleeps[2]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[2]).toBeLessThanOrEqual(2000);
    expect(graphCalls().filter((r) => r.path.endsWith('delegatedAdminCustomers'))).toHaveLength(4);
  });

  it('does not repeat a POST whose outcome a 500 leaves unknown', async () => {
    fake.failNext('POST /v1.0/tenantRelationships/delegatedAdminRelationships', { status: 500 });
    const err = await rejection(client().createRelationship(request('Unknown outcome')));
    expect(err.status).toBe(500);
    expect(sleeps).toEqual([]);
  });

  it('retries a network failure on a GET with backoff', async () => {
    let failures = 1;
    const flaky: typeof fetch = async (input, init) => {
      if (failures-- > 0)
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' }) });
      return fetch(input, init);
    };
    fake.addCustomer({ tenantId: 't1', displayName: 'One' });
    await expect(client({ fetch: flaky }).listCustomers()).resolves.toHaveLength(1);
    expect(sleeps).toHaveLength(1);
    expect(warnings[0]?.obj).toMatchObject({ code: 'ECONNRESET' });
  });

  it('turns 403 Authorization_RequestDenied into a GraphError with that code, without retrying', async () => {
    fake.setGrantedRoles(['User.Read.All']);
    const err = await rejection(client().createRelationship(request('No permission')));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(err.message).toContain('Insufficient privileges');
    expect(sleeps).toEqual([]);
  });
});

describe('partner-tenant users', () => {
  it('splits transitive memberships into group names and directory role templates, over pages', async () => {
    fake.addUser({
      id: 'u1',
      mail: 'ada@partner.example',
      groups: ['AdminAgents', 'SalesAgents', 'All staff'],
      directoryRoleTemplateIds: [GLOBAL_ADMIN, HELPDESK_ADMIN],
    });
    const membership = await client().membershipOf('u1');
    expect(membership).toEqual({
      groups: ['AdminAgents', 'SalesAgents', 'All staff'],
      directoryRoleTemplateIds: [GLOBAL_ADMIN, HELPDESK_ADMIN],
    });
    expect(graphCalls().filter((r) => r.path === '/v1.0/users/u1/transitiveMemberOf')).toHaveLength(3);
  });

  it('answers null for a user who is not in the partner tenant', async () => {
    await expect(client().membershipOf('nobody')).resolves.toBeNull();
  });

  it('says so when Graph hides directory roles for lack of RoleManagement.Read.Directory', async () => {
    fake.setGrantedRoles(ALL_ROLES.filter((r) => r !== 'RoleManagement.Read.Directory'));
    fake.addUser({ id: 'u2', mail: 'bo@partner.example', groups: ['AdminAgents'], directoryRoleTemplateIds: [GLOBAL_ADMIN] });
    await expect(client().membershipOf('u2')).resolves.toEqual({ groups: ['AdminAgents'], directoryRoleTemplateIds: [] });
    expect(warnings.map((w) => w.msg).join()).toContain('RoleManagement.Read.Directory');
  });

  it('finds a user by mail or userPrincipalName, quoting a hostile address as one OData literal', async () => {
    fake.addUser({ id: 'ada', mail: 'ada@partner.example' });
    fake.addUser({ id: 'obrien', mail: null, userPrincipalName: "o'brien@partner.example" });
    const graph = client();
    const filterOf = (r: { url: string }) => new URL(r.url, fake.url).searchParams;

    await expect(graph.findUserByEmail("o'brien@partner.example")).resolves.toEqual({ id: 'obrien' });
    expect(filterOf(graphCalls().at(-1)!).get('$filter')).toBe(
      "mail eq 'o''brien@partner.example' or userPrincipalName eq 'o''brien@partner.example'",
    );

    // Quotes, an ampersand and a hash stay inside the one literal: nothing ends the string or the query early.
    const tricky = "x''or'&$top=1#@partner.example";
    await expect(graph.findUserByEmail(tricky)).resolves.toBeNull();
    const sent = filterOf(graphCalls().at(-1)!);
    expect(sent.get('$filter')).toBe(
      `mail eq 'x''''or''&$top=1#@partner.example' or userPrincipalName eq 'x''''or''&$top=1#@partner.example'`,
    );
    expect(sent.get('$top')).toBeNull();
    expect(
      graphCalls()
        .filter((r) => r.path === '/v1.0/users')
        .every((r) => r.status === 200),
    ).toBe(true);

    await expect(graph.findUserByEmail('ADA@partner.example')).resolves.toEqual({ id: 'ada' });
    await expect(graph.findUserByEmail('nobody@partner.example')).resolves.toBeNull();
  });

  it('does not send an address with spaces (needed to inject an OData clause) or without @ to Graph', async () => {
    fake.addUser({ id: 'ada', mail: 'ada@partner.example' });
    const graph = client();
    await expect(graph.findUserByEmail("x@y' or mail eq 'ada@partner.example")).resolves.toBeNull();
    await expect(graph.findUserByEmail("' or 1 eq 1")).resolves.toBeNull();
    await expect(graph.findUserByEmail('')).resolves.toBeNull();
    expect(graphCalls()).toEqual([]);
  });
});

describe('login', () => {
  it('reads the granted application permissions from the token', async () => {
    await expect(client().grantedPermissions()).resolves.toEqual([...ALL_ROLES]);
    expect(Object.keys(REQUIRED_PERMISSIONS).sort()).toEqual([...ALL_ROLES].sort());
    fake.setGrantedRoles(['User.Read.All']);
    await expect(client().grantedPermissions()).resolves.toEqual(['User.Read.All']);
    fake.setGrantedRoles([]);
    await expect(client().grantedPermissions()).resolves.toEqual([]);
  });

  it('asks for the Graph .default scope once and reuses the token', async () => {
    const graph = client();
    fake.addCustomer({ tenantId: 't1', displayName: 'One' });
    await graph.listCustomers();
    await graph.listCustomers();
    expect(fake.tokensIssued).toBe(1);
    expect(graphCalls().every((r) => r.bearer)).toBe(true);
  });

  it('reports a wrong client secret clearly, without the secret', async () => {
    const wrong = 'wrong~secret-value-123';
    const err = await rejection(client({ clientSecret: wrong }).listCustomers());
    expect(err.code).toBe('invalid_client');
    expect(err.status).toBe(401);
    expect(err.message).toContain('AADSTS7000215');
    expect(err.message).toContain('Invalid client secret');
    expect(err.message).not.toContain(wrong);
    expect(graphCalls()).toEqual([]);
  });

  it('reports an unknown client id', async () => {
    const err = await rejection(client({ clientId: '11111111-2222-3333-4444-555555555555' }).grantedPermissions());
    expect(err.code).toBe('unauthorized_client');
    expect(err.message).toContain('AADSTS700016');
  });

  it('never logs the token or the secret', async () => {
    fake.failNext(/delegatedAdminCustomers/, { status: 429, retryAfter: 1 });
    const graph = client();
    await graph.listCustomers();
    const logged = JSON.stringify(warnings);
    expect(warnings.length).toBe(1);
    expect(logged).not.toContain(fake.clientSecret);
    expect(logged).not.toMatch(/eyJ/);
  });

  it('refuses to follow a nextLink to another host with the token', async () => {
    const foreign: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const body = (await res.json()) as Record<string, unknown>;
      return new Response(JSON.stringify({ ...body, '@odata.nextLink': 'https://evil.example/v1.0/next' }), { status: res.status });
    };
    const err = await rejection(client({ fetch: foreign }).listCustomers());
    expect(err.code).toBe('foreign_url');
  });
});
