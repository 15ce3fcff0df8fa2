/**
 * Partner Center's documented examples against the bot's own Partner Center client and webhook
 * schema, and against the Partner Center stand-in: every field the bot reads must come out of the
 * documented JSON as the bot expects, and the stand-in must send those fields with the documented
 * JSON types. (Partner Center publishes no type package: these examples are the reference.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerCenterClient } from '../../bot/partner-center/client.js';
import { PartnerCenterEvent, VALIDATION_EVENT } from '../../bot/partner-center/webhook-verifier.js';
import { startFakePartnerCenter, type FakePartnerCenter } from './partner-center.js';
import { expectSameShape, first, fixture, kindAt, type Json } from './vendor-examples.js';

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
