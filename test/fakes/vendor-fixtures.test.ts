/**
 * Microsoft's documented examples (test/fixtures/microsoft, sources in its README) against the
 * bot's own parsers, and against the stand-ins: every field the bot reads must come out of the
 * documented JSON as the bot expects, and the stand-ins must send those fields with the same
 * JSON types as the documentation does, so a stand-in cannot drift from Microsoft's shapes.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../bot/microsoft/graph-client.js';
import { toRelationship, type RelationshipJson } from '../../bot/microsoft/graph-wire.js';
import { GraphError } from '../../bot/microsoft/graph.js';
import { createPartnerCenterClient } from '../../bot/partner-center/client.js';
import { PartnerCenterEvent, VALIDATION_EVENT } from '../../bot/partner-center/webhook-verifier.js';
import { startFakeMicrosoft, type FakeMicrosoft } from './microsoft.js';
import { startFakePartnerCenter, type FakePartnerCenter } from './partner-center.js';

type Json = Record<string, unknown>;

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/microsoft/${name}.json`, import.meta.url), 'utf8')) as Json;

/** The JSON type at a dotted path (array indexes are keys too): what the bot's parser sees there. */
function kindAt(value: unknown, path: string): string {
  const found = path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Json)[key] : undefined), value);
  return found === null ? 'null' : Array.isArray(found) ? 'array' : typeof found;
}

/**
 * Every path the documented example has, with its JSON type, next to the stand-in's. A path the
 * example leaves out is not compared: the example may be shortened, and the bot tolerates it.
 */
function expectSameShape(standIn: unknown, documented: unknown, paths: string[]) {
  const present = paths.filter((path) => kindAt(documented, path) !== 'undefined');
  expect(present.length).toBeGreaterThan(0);
  const shape = (value: unknown) => Object.fromEntries(present.map((path) => [path, kindAt(value, path)]));
  expect(shape(standIn)).toEqual(shape(documented));
}

const first = (page: Json, key: 'value' | 'items') => (page[key] as Json[])[0];

// ---- Microsoft Graph ----

/** The Graph fields the bot reads (graph-wire.ts `toRelationship`, graph-client.ts). */
const RELATIONSHIP_READS = [
  '@odata.etag',
  'id',
  'displayName',
  'status',
  'duration',
  'customer.tenantId',
  'customer.displayName',
  'accessDetails.unifiedRoles.0.roleDefinitionId',
  'autoExtendDuration',
  'createdDateTime',
  'activatedDateTime',
  'endDateTime',
];
const ERROR_READS = ['error.code', 'error.message', 'error.innerError.request-id', 'error.innerError.date'];

describe('Graph: the documented examples', () => {
  it('a relationship (GET and create) reads as the bot expects', () => {
    const got = toRelationship(fixture('graph-delegated-admin-relationship-get') as unknown as RelationshipJson);
    expect(got).toEqual({
      id: '5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836',
      displayName: 'Contoso admin relationship',
      status: 'active',
      duration: 'P730D',
      customer: { tenantId: '4fdbff88-9d6b-42e0-9713-45c922ba8001', displayName: 'Contoso Inc' },
      roleDefinitionIds: [
        '729827e3-9c14-49f7-bb1b-9608f156bbb8',
        'fe930be7-5e62-47db-91af-98c3a49a38b1',
        'e6d1a23a-da11-4be4-9570-befc86d067a7',
      ],
      autoExtendDuration: 'PT0S',
      createdDateTime: '2022-02-10T11:24:42.3148266Z',
      activatedDateTime: '2022-02-10T11:26:44.9941884Z',
      endDateTime: '2024-02-10T11:24:42.3148266Z',
      etag: 'W/"JyIxODAwZTY4My0wMDAwLTAyMDAtMDAwMC02MTU0OWFmMDAwMDAiJw=="',
    });
    const created = toRelationship(fixture('graph-delegated-admin-relationship-create') as unknown as RelationshipJson);
    expect(created.status).toBe('created');
    // The create example's unset date is "": not a date.
    expect(created.activatedDateTime).toBeNull();
    expect(created.autoExtendDuration).toBe('P180D');
  });

  describe('through the Graph client', () => {
    let fake: FakeMicrosoft;
    /** Graph paths answered from the documented examples; login still goes to the stand-in. */
    const answers: Array<{ path: RegExp; status: number; fixture: string }> = [
      { path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships\/missing$/, status: 404, fixture: 'graph-error' },
      {
        path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships\/[^/]+$/,
        status: 200,
        fixture: 'graph-delegated-admin-relationship-get',
      },
      { path: /^\/v1\.0\/tenantRelationships\/delegatedAdminCustomers$/, status: 200, fixture: 'graph-delegated-admin-customers-list' },
      { path: /^\/v1\.0\/users\/[^/]+\/transitiveMemberOf$/, status: 200, fixture: 'graph-user-transitive-member-of' },
      { path: /^\/v1\.0\/users$/, status: 200, fixture: 'graph-users-list' },
      { path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships\/[^/]+\/requests$/, status: 400, fixture: 'graph-error' },
    ];
    const fromDocs: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const answer = answers.find((a) => a.path.test(url.pathname));
      if (!answer) return fetch(input, init);
      return new Response(JSON.stringify(fixture(answer.fixture)), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      });
    };
    const client = () =>
      createGraphClient({
        tenantId: fake.tenantId,
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        graphUrl: fake.graphUrl,
        loginUrl: fake.loginUrl,
        fetch: fromDocs,
        sleep: async () => {},
        maxRetries: 0,
      });

    beforeAll(async () => {
      fake = await startFakeMicrosoft();
    });
    afterAll(() => fake.close());

    it('reads the documented relationship, customers, memberships and users', async () => {
      const graph = client();
      expect((await graph.getRelationship('5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836'))?.status).toBe(
        'active',
      );
      expect(await graph.listCustomers()).toEqual([
        { tenantId: '4fdbff88-9d6b-42e0-9713-45c922ba8001', displayName: 'Contoso Inc' },
        { tenantId: '1c0fa218-5dec-49db-8247-cfa457af8116', displayName: 'Contoso subsidiary Inc' },
      ]);
      expect(await graph.membershipOf('6e7b768e-07e2-4810-8459-485f84f8f204')).toEqual({
        groups: ['All_Contoso_Licensing'],
        directoryRoleTemplateIds: [],
      });
      expect(await graph.findUserByEmail('Adams@contoso.com')).toEqual({ id: '6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0' });
    });

    it("reads Graph's documented error body as the code and message", async () => {
      const graph = client();
      expect(await graph.getRelationship('missing')).toBeNull();
      const refused = await graph.lockForApproval({ id: 'any', etag: 'W/"x"' }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(GraphError);
      expect(refused).toMatchObject({ status: 400, code: 'invalidRange' });
      expect((refused as Error).message).toContain('Uploaded fragment overlaps with existing data.');
    });
  });
});

describe('Graph: the stand-in answers as documented', () => {
  let fake: FakeMicrosoft;
  let token: string;

  async function get(path: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${fake.graphUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Json };
  }

  beforeAll(async () => {
    fake = await startFakeMicrosoft();
    const res = await fetch(`${fake.loginUrl}/${fake.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
        scope: `${fake.graphUrl}/.default`,
      }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(() => fake.close());

  it('relationships: created, then active, with the documented keys and types', async () => {
    const graph = createGraphClient({
      tenantId: fake.tenantId,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      graphUrl: fake.graphUrl,
      loginUrl: fake.loginUrl,
    });
    const customer = { tenantId: randomUUID(), displayName: 'Contoso Inc' };
    const rel = await graph.createRelationship({
      displayName: 'Contoso admin relationship',
      duration: 'P730D',
      roleDefinitionIds: ['729827e3-9c14-49f7-bb1b-9608f156bbb8'],
      autoExtendDuration: 'P180D',
      customer,
    });
    const createdDoc = fixture('graph-delegated-admin-relationship-create');
    const created = (await get(`/v1.0/tenantRelationships/delegatedAdminRelationships/${rel.id}`)).body;
    expectSameShape(created, createdDoc, RELATIONSHIP_READS);
    expect(Object.keys(created).sort()).toEqual(Object.keys(createdDoc).sort());

    await graph.lockForApproval(rel);
    fake.approve(rel.id, customer);
    const activeDoc = fixture('graph-delegated-admin-relationship-get');
    const active = (await get(`/v1.0/tenantRelationships/delegatedAdminRelationships/${rel.id}`)).body;
    expectSameShape(active, activeDoc, RELATIONSHIP_READS);
    expect(Object.keys(active).sort()).toEqual(Object.keys(activeDoc).sort());

    const listed = (await get('/v1.0/tenantRelationships/delegatedAdminRelationships')).body;
    expectSameShape(first(listed, 'value'), activeDoc, RELATIONSHIP_READS);
  });

  it('customers, users, memberships and errors', async () => {
    fake.addCustomer({ tenantId: randomUUID(), displayName: 'Contoso Inc' });
    const customersDoc = fixture('graph-delegated-admin-customers-list');
    const customers = (await get('/v1.0/tenantRelationships/delegatedAdminCustomers')).body;
    expectSameShape(customers, customersDoc, ['@odata.context', 'value']);
    expect(Object.keys(first(customers, 'value')!).sort()).toEqual(Object.keys(first(customersDoc, 'value')!).sort());

    const id = randomUUID();
    fake.addUser({ id, mail: 'adams@contoso.com', groups: ['All_Contoso_Licensing'], directoryRoleTemplateIds: [randomUUID()] });
    const users = (await get(`/v1.0/users?$filter=${encodeURIComponent("mail eq 'adams@contoso.com'")}&$select=id`)).body;
    expectSameShape(users, fixture('graph-users-list'), [
      '@odata.context',
      'value',
      'value.0.id',
      'value.0.mail',
      'value.0.userPrincipalName',
    ]);

    const memberOf = (await get(`/v1.0/users/${id}/transitiveMemberOf`)).body;
    const items = memberOf.value as Json[];
    const group = items.find((item) => item['@odata.type'] === '#microsoft.graph.group');
    const role = items.find((item) => item['@odata.type'] === '#microsoft.graph.directoryRole');
    expectSameShape(group, first(fixture('graph-user-transitive-member-of'), 'value'), [
      '@odata.type',
      'displayName',
      'securityEnabled',
      'mailEnabled',
    ]);
    expectSameShape(role, first(fixture('graph-directory-roles-list'), 'value'), ['id', 'displayName', 'description', 'roleTemplateId']);

    const missing = await get('/v1.0/tenantRelationships/delegatedAdminRelationships/missing');
    expect(missing.status).toBe(404);
    expectSameShape(missing.body, fixture('graph-error'), ERROR_READS);
  });
});

// ---- Partner Center ----

const PC = 'https://api.partnercenter.microsoft.com';
/** Partner Center paths answered from the documented examples. */
const PC_ANSWERS: Array<{ method: string; path: RegExp; fixture: string }> = [
  { method: 'GET', path: /^\/v1\/customers\/relationshiprequests$/, fixture: 'pc-relationship-request' },
  { method: 'GET', path: /^\/v1\/customers$/, fixture: 'pc-customers-list' },
  { method: 'GET', path: /^\/v1\/customers\/[^/]+$/, fixture: 'pc-customer-get' },
  { method: 'PATCH', path: /^\/v1\/customers\/[^/]+$/, fixture: 'pc-customer-remove-reseller-relationship' },
  { method: 'GET', path: /^\/v1\/customers\/[^/]+\/subscriptions$/, fixture: 'pc-subscriptions-list' },
  { method: 'GET', path: /^\/v1\/customers\/[^/]+\/users$/, fixture: 'pc-users-list' },
  { method: 'GET', path: /^\/v1\/customers\/[^/]+\/subscribedskus$/, fixture: 'pc-subscribed-skus-list' },
  { method: 'GET', path: /^\/v1\/relationships$/, fixture: 'pc-relationships-indirect-resellers' },
];

/** The Partner Center fields the bot reads (wire.ts, client.ts), per documented answer. */
const PC_READS: Record<string, string[]> = {
  'pc-customers-list': [
    'totalCount',
    'items',
    'links',
    'items.0.id',
    'items.0.companyProfile.tenantId',
    'items.0.companyProfile.domain',
    'items.0.companyProfile.companyName',
    'items.0.relationshipToPartner',
  ],
  'pc-customer-get': ['id', 'companyProfile.tenantId', 'companyProfile.domain', 'companyProfile.companyName', 'relationshipToPartner'],
  'pc-customer-remove-reseller-relationship': ['RelationshipToPartner'],
  'pc-subscriptions-list': [
    'items',
    'items.0.id',
    'items.0.offerName',
    'items.0.friendlyName',
    'items.0.quantity',
    'items.0.status',
    'items.0.autoRenewEnabled',
    'items.0.commitmentEndDate',
    'items.0.billingType',
    'items.0.termDuration',
  ],
  'pc-users-list': ['items', 'links', 'items.0.id', 'items.0.displayName', 'items.0.userPrincipalName'],
  'pc-subscribed-skus-list': ['items', 'items.0.productSku.id', 'items.0.productSku.name', 'items.0.consumedUnits', 'items.0.activeUnits'],
  'pc-relationships-indirect-resellers': ['items', 'items.0.id', 'items.0.name', 'items.0.relationshipType'],
  'pc-relationship-request': ['url'],
};

describe('Partner Center: the documented examples', () => {
  const client = createPartnerCenterClient({
    baseUrl: PC,
    accessToken: async () => 'token',
    sleep: async () => {},
    maxRetries: 0,
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? 'GET';
      const answer = PC_ANSWERS.find((a) => a.method === method && a.path.test(url.pathname));
      if (!answer) return new Response('{}', { status: 404 });
      return new Response(JSON.stringify(fixture(answer.fixture)), { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });

  it('customers, one customer and the relationship request link', async () => {
    expect(await client.listCustomers()).toEqual([
      {
        id: 'b44bb1fb-c595-45b0-9e09-d657365580bf',
        tenantId: '<guid>',
        domain: 'domain',
        companyName: 'companyName',
        relationshipToPartner: 'reseller',
      },
      {
        id: '45c44870-ef77-4fdd-b6fe-3dacb075cff2',
        tenantId: '<guid>',
        domain: 'domain',
        companyName: 'companyName',
        relationshipToPartner: 'reseller',
      },
    ]);
    expect(await client.getCustomer('eebd1b55-5360-4438-a11d-5c06918c3014')).toEqual({
      id: 'eebd1b55-5360-4438-a11d-5c06918c3014',
      tenantId: 'eebd1b55-5360-4438-a11d-5c06918c3014',
      domain: 'abcdefgh1234.ccsctp.net',
      companyName: '1kl as kjk',
      relationshipToPartner: 'reseller',
    });
    expect(await client.resellerLink()).toMatch(/^https:\/\/admin\.microsoft\.com\/Adminportal\/Home\?invType=ResellerRelationship&/);
    // The documented PATCH answer is PascalCase with RelationshipToPartner "none": a confirmed removal.
    await expect(client.removeResellerRelationship('eebd1b55-5360-4438-a11d-5c06918c3014')).resolves.toBeUndefined();
  });

  it("a customer's subscriptions, users and licences, and the indirect providers", async () => {
    // The example has no offerName: the bot falls back to friendlyName.
    expect(await client.subscriptions('c')).toEqual([
      {
        id: '83ef9d05-4169-4ef9-9657-0e86b1eab1de',
        offerName: 'nickname',
        quantity: 1,
        status: 'active',
        autoRenewEnabled: false,
        commitmentEndDate: '2016-12-12T08: 00: 00Z',
        billingType: 'none',
        termDuration: null,
      },
    ]);
    expect(await client.users('c')).toEqual([
      {
        id: 'a9ef48bb-8758-4590-a312-d4a47bfaded4',
        displayName: 'Daniel Tsai',
        userPrincipalName: 'Daniel@dtdemocspcustomer005.onmicrosoft.com',
      },
      {
        id: '6e668259-1f09-479d-bcb8-d9b03e826b8d',
        displayName: 'DT Demo CSP Customer 005',
        userPrincipalName: 'admin@dtdemocspcustomer005.onmicrosoft.com',
      },
    ]);
    expect((await client.subscribedSkus('c'))[0]).toEqual({
      skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
      skuName: 'Enterprise Mobility + Security E3',
      consumedUnits: 1,
      activeUnits: 5,
    });
    expect(await client.indirectProviders()).toEqual([
      { tenantId: '484e548c-f5f3-4528-93a9-c16c6373cb59', name: 'First Up Consultants' },
      { tenantId: 'b01b1487-b36e-4e6d-9b5e-0b58974c4b28', name: 'ReleCloud' },
    ]);
  });

  it('webhook event bodies parse with the verifier’s schema', () => {
    const validation = PartnerCenterEvent.parse(fixture('pc-webhook-test-created'));
    expect(validation.EventName).toBe(VALIDATION_EVENT);
    expect(validation.AuditUri).toBeNull();
    const updated = PartnerCenterEvent.parse(fixture('pc-webhook-subscription-updated'));
    expect(updated).toMatchObject({ EventName: 'subscription-updated', ResourceName: 'subscription' });
  });
});

describe('Partner Center: the stand-in answers as documented', () => {
  let fake: FakePartnerCenter;
  let token: string;
  let customerId: string;

  async function call(method: string, path: string, body?: unknown): Promise<Json> {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }

  beforeAll(async () => {
    fake = await startFakePartnerCenter();
    token = fake.issueToken({ upn: 'admin@partner.example', mfa: true });
    customerId = fake.addCustomer({ companyName: 'Contoso', users: 2, subscriptions: 1 }).id;
    fake.addIndirectProvider({ name: 'First Up Consultants' });
  });
  afterAll(() => fake.close());

  it('every answer the bot reads has the documented fields and types', async () => {
    const routes: Array<[fixture: string, method: string, path: string]> = [
      ['pc-customers-list', 'GET', '/v1/customers?size=500'],
      ['pc-customer-get', 'GET', `/v1/customers/${customerId}`],
      ['pc-subscriptions-list', 'GET', `/v1/customers/${customerId}/subscriptions`],
      ['pc-users-list', 'GET', `/v1/customers/${customerId}/users`],
      ['pc-subscribed-skus-list', 'GET', `/v1/customers/${customerId}/subscribedskus`],
      ['pc-relationships-indirect-resellers', 'GET', '/v1/relationships?relationship_type=IsIndirectResellerOf'],
      ['pc-relationship-request', 'GET', '/v1/customers/relationshiprequests'],
    ];
    for (const [name, method, path] of routes) {
      const documented = fixture(name);
      const standIn = await call(method, path);
      expectSameShape(standIn, documented, PC_READS[name]!);
      expect(kindAt(standIn, 'attributes.objectType')).toBe(kindAt(documented, 'attributes.objectType'));
    }
    const relationships = await call('GET', '/v1/relationships?relationship_type=IsIndirectResellerOf');
    expect(first(relationships, 'items')!.relationshipType).toBe(
      first(fixture('pc-relationships-indirect-resellers'), 'items')!.relationshipType,
    );
  });

  it('removing the reseller relationship answers in PascalCase, as documented', async () => {
    fake.cancelSubscription(customerId);
    const documented = fixture('pc-customer-remove-reseller-relationship');
    const standIn = await call('PATCH', `/v1/customers/${customerId}`, {
      relationshipToPartner: 'none',
      attributes: { objectType: 'Customer' },
    });
    expectSameShape(standIn, documented, PC_READS['pc-customer-remove-reseller-relationship']!);
    expect(standIn.RelationshipToPartner).toBe(documented.RelationshipToPartner);
    // The documented answer's keys, in the documented casing.
    for (const key of Object.keys(documented)) expect(standIn).toHaveProperty(key);
  });
});
