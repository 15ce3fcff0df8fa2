import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPartnerCenterClient, MAX_RETRY_AFTER_SECONDS } from '../../../bot/partner-center/client.js';
import { PartnerCenterError } from '../../../bot/partner-center/port.js';
import { startFakePartnerCenter, type FakePartnerCenter } from '../../fakes/partner-center.js';

const NOW = new Date('2026-05-04T09:00:00Z');

let fake: FakePartnerCenter;
beforeEach(async () => {
  fake = await startFakePartnerCenter({ now: () => NOW });
});
afterEach(async () => {
  await fake.close();
});

function client(options: { token?: string; sleeps?: number[]; concurrency?: number; pageSize?: number; maxRetries?: number } = {}) {
  const token = options.token ?? fake.issueToken({ upn: 'admin@partner.example', mfa: true });
  return createPartnerCenterClient({
    baseUrl: fake.url,
    accessToken: async () => token,
    sleep: async (ms) => {
      options.sleeps?.push(ms);
    },
    concurrency: options.concurrency,
    pageSize: options.pageSize,
    maxRetries: options.maxRetries,
  });
}

async function refusal(promise: Promise<unknown>): Promise<PartnerCenterError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PartnerCenterError);
  return err as PartnerCenterError;
}

describe('Partner Center client against the stand-in', () => {
  it('sends the bearer, Accept, a new MS-RequestId per request and one MS-CorrelationId per operation', async () => {
    fake.addCustomers(5);
    const pc = client({ pageSize: 2 });
    await pc.listCustomers();
    await pc.listCustomers();
    const requests = fake.requests({ pathStartsWith: '/v1/' });
    expect(requests).toHaveLength(6);
    for (const r of requests) {
      expect(r.bearer).toBe(true);
      expect(r.headers.accept).toBe('application/json');
      expect(r.headers['ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(requests.map((r) => r.headers['ms-requestid'])).size).toBe(6);
    const correlations = requests.map((r) => r.headers['ms-correlationid']);
    expect(new Set(correlations.slice(0, 3)).size).toBe(1);
    expect(new Set(correlations.slice(3)).size).toBe(1);
    expect(correlations[0]).not.toBe(correlations[3]);
  });

  it('pages customers through links.next, sending its MS-ContinuationToken header', async () => {
    fake.addCustomers(1205);
    const customers = await client().listCustomers();
    expect(customers).toHaveLength(1205);
    expect(new Set(customers.map((c) => c.id)).size).toBe(1205);
    expect(customers[0]).toMatchObject({ companyName: 'Customer 00000', relationshipToPartner: 'reseller' });
    expect(customers[0]!.tenantId).toBe(customers[0]!.id);
    expect(customers[0]!.domain).toMatch(/\.onmicrosoft\.com$/);
    const requests = fake.requests({ pathStartsWith: '/v1/customers' });
    expect(requests.map((r) => r.url)).toEqual([
      '/v1/customers?size=500',
      '/v1/customers?size=500&seek_operation=Next',
      '/v1/customers?size=500&seek_operation=Next',
    ]);
    expect(requests[0]!.headers['ms-continuationtoken']).toBeUndefined();
    expect(requests[1]!.headers['ms-continuationtoken']).toBeTruthy();
    expect(requests[2]!.headers['ms-continuationtoken']).toBeTruthy();
    expect(requests[1]!.headers['ms-continuationtoken']).not.toBe(requests[2]!.headers['ms-continuationtoken']);
  });

  it('searches with the starts_with filter', async () => {
    fake.addCustomer({ companyName: 'Contoso Ltd' });
    fake.addCustomer({ companyName: 'contoso pharma' });
    fake.addCustomer({ companyName: 'Fabrikam' });
    const found = await client().listCustomers({ companyNameStartsWith: 'Contoso' });
    expect(found.map((c) => c.companyName).sort()).toEqual(['Contoso Ltd', 'contoso pharma']);
    const url = new URL(fake.requests({ pathStartsWith: '/v1/customers' })[0]!.url, fake.url);
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual({ Field: 'CompanyName', Value: 'Contoso', Operator: 'starts_with' });
    expect(url.searchParams.get('size')).toBe('500');
  });

  it("shows a customer's 300 users (paged) and 15 subscriptions and licences", async () => {
    const c = fake.addCustomer({ companyName: 'Big Co', users: 300, subscriptions: 15 });
    const pc = client();
    const [users, subscriptions, skus] = await Promise.all([pc.users(c.id), pc.subscriptions(c.id), pc.subscribedSkus(c.id)]);
    expect(users).toHaveLength(300);
    expect(users[299]).toMatchObject({ displayName: 'User 300', userPrincipalName: `user300@${c.domain}` });
    expect(fake.requests({ pathStartsWith: `/v1/customers/${c.id}/users` })).toHaveLength(3);
    expect(subscriptions).toHaveLength(15);
    expect(subscriptions[0]).toMatchObject({
      offerName: 'Microsoft 365 Plan 1',
      quantity: 10,
      status: 'active',
      autoRenewEnabled: true,
      billingType: 'license',
      termDuration: 'P1Y',
    });
    expect(subscriptions[0]!.commitmentEndDate).toBe('2027-05-04T09:00:00.000Z');
    expect(skus).toHaveLength(15);
    // 255 licences (10 + 11 + … + 24) for 300 users: every licence is assigned.
    expect(skus.reduce((sum, s) => sum + s.activeUnits, 0)).toBe(255);
    expect(skus.reduce((sum, s) => sum + s.consumedUnits, 0)).toBe(255);
    expect(skus[0]).toMatchObject({ skuName: 'Microsoft 365 Plan 1', activeUnits: 10, consumedUnits: 10 });
  });

  it('gets a customer, null when unknown; the reseller link and the indirect providers', async () => {
    const c = fake.addCustomer({ companyName: 'Contoso' });
    const provider = fake.addIndirectProvider({ name: 'Provider One' });
    const pc = client();
    expect(await pc.getCustomer(c.id)).toMatchObject({ id: c.id, companyName: 'Contoso' });
    expect(await pc.getCustomer('00000000-0000-0000-0000-000000000000')).toBeNull();
    const link = await pc.resellerLink({ indirectProviderTenantId: provider.id });
    expect(link).toContain(`indirectCSPId=${provider.id}`);
    expect(fake.requests({ pathStartsWith: '/v1/customers/relationshiprequests' })[0]!.url).toBe(
      `/v1/customers/relationshiprequests?indirectCloudSolutionProviderId=${provider.id}`,
    );
    expect(await pc.resellerLink()).not.toContain('indirectCSPId');
    expect(await pc.indirectProviders()).toEqual([{ tenantId: provider.id, name: 'Provider One' }]);
  });

  it('honours Retry-After on 429 (capped) and retries 503', async () => {
    fake.addCustomer({ companyName: 'Contoso' });
    fake.failNext({ status: 429, retryAfter: 7 });
    fake.failNext({ status: 429, retryAfter: 3600 });
    fake.failNext({ status: 503, retryAfter: 2 });
    const sleeps: number[] = [];
    const customers = await client({ sleeps }).listCustomers();
    expect(customers).toHaveLength(1);
    expect(sleeps).toEqual([7000, MAX_RETRY_AFTER_SECONDS * 1000, 2000]);
    expect(fake.requests({ pathStartsWith: '/v1/' }).map((r) => r.status)).toEqual([429, 429, 503, 200]);
  });

  it('gives up after maxRetries with the last answer', async () => {
    fake.failNext({ status: 429, retryAfter: 1, times: 10 });
    const err = await refusal(client({ maxRetries: 2 }).listCustomers());
    expect(err.status).toBe(429);
    expect(fake.requests({ pathStartsWith: '/v1/' })).toHaveLength(3);
  });

  it('retries a 500 on GET but not on PATCH', async () => {
    const c = fake.addCustomer({ companyName: 'Contoso' });
    fake.failNext({ status: 500, route: 'GET /v1/customers' });
    expect(await client().getCustomer(c.id)).not.toBeNull();
    fake.failNext({ status: 500, route: 'PATCH' });
    const err = await refusal(client().removeResellerRelationship(c.id));
    expect(err.status).toBe(500);
    expect(fake.requests().filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it("turns the indirect reseller's refusal into PartnerCenterError 403 '1002'", async () => {
    fake.refuseApiAccess();
    const err = await refusal(client().listCustomers());
    expect(err).toMatchObject({ status: 403, code: '1002', description: 'Authorization Failed' });
  });

  it("surfaces Entra's token refusals: 900421 without MFA, 900420 for another audience, 900329 app-only", async () => {
    const noMfa = await refusal(client({ token: fake.issueToken({ mfa: false }) }).listCustomers());
    expect(noMfa).toMatchObject({ status: 401, code: '900421' });
    expect(noMfa.description).toMatch(/^AADSTS900421: Multi-factor authentication is required/);
    expect(noMfa.description).not.toContain('Trace ID');
    const audience = await refusal(client({ token: fake.issueToken({ audience: 'https://graph.microsoft.com' }) }).listCustomers());
    expect(audience).toMatchObject({ status: 401, code: '900420' });
    const appOnly = await refusal(client({ token: fake.issueToken({ appOnly: true }) }).listCustomers());
    expect(appOnly).toMatchObject({ status: 403, code: '900329' });
  });

  it('removes a relationship only once Partner Center confirms it, refused while a subscription is active', async () => {
    const c = fake.addCustomer({ companyName: 'Contoso', subscriptions: 2 });
    const pc = client();
    const refused = await refusal(pc.removeResellerRelationship(c.id));
    expect(refused).toMatchObject({ status: 400, code: '3000' });
    expect(refused.description).toContain(c.subscriptions[0]!.id);
    expect(fake.customer(c.id)!.relationshipToPartner).toBe('reseller');

    fake.cancelSubscription(c.id);
    await pc.removeResellerRelationship(c.id);
    const patch = fake.requests().find((r) => r.method === 'PATCH' && r.status === 200)!;
    expect(patch.path).toBe(`/v1/customers/${c.id}`);
    expect(patch.body).toEqual({ relationshipToPartner: 'none', attributes: { objectType: 'Customer' } });
    expect(patch.headers['content-type']).toBe('application/json');
    expect(fake.customer(c.id)!.relationshipToPartner).toBe('none');
    expect(await pc.getCustomer(c.id)).toBeNull();
  });

  it('does not take a 200 without RelationshipToPartner "none" as a removal', async () => {
    const pc = createPartnerCenterClient({
      baseUrl: fake.url,
      accessToken: async () => 'token',
      fetch: async () => new Response(JSON.stringify({ Id: 'x', RelationshipToPartner: 'Reseller' }), { status: 200 }),
    });
    const err = await refusal(pc.removeResellerRelationship('x'));
    expect(err.code).toBe('not-confirmed');
  });

  it('fetches a webhook ResourceUri only from Partner Center, refusing other hosts before any request', async () => {
    const c = fake.addCustomer({ companyName: 'Contoso' });
    const pc = client();
    for (const uri of [
      `https://evil.example/v1/customers/${c.id}`,
      `http://api.partnercenter.microsoft.com/v1/customers/${c.id}`,
      `https://api.partnercenter.microsoft.com.evil.example/v1/customers/${c.id}`,
      `https://user@api.partnercenter.microsoft.com/v1/customers/${c.id}`,
      `https://api.partnercenter.microsoft.com/v1/customers/${c.id}/users`,
      'not a url',
    ]) {
      const err = await refusal(pc.customerFromResourceUri(uri));
      expect(err.code).toBe('foreign_url');
    }
    expect(fake.requests()).toHaveLength(0);
    expect(await pc.customerFromResourceUri(`https://api.partnercenter.microsoft.com/v1/customers/${c.id}`)).toMatchObject({ id: c.id });
    expect(await pc.customerFromResourceUri(`${fake.url}/v1/customers/${c.id}`)).toMatchObject({ companyName: 'Contoso' });
  });

  it('never has more than `concurrency` requests in flight, listing 10,000 customers and their details', async () => {
    fake.addCustomers(10_000);
    fake.setLatency(5);
    const pc = client({ concurrency: 3 });
    const customers = await pc.listCustomers();
    expect(customers).toHaveLength(10_000);
    await Promise.all(customers.slice(0, 60).flatMap((c) => [pc.subscriptions(c.id), pc.users(c.id), pc.getCustomer(c.id)]));
    expect(fake.requests({ pathStartsWith: '/v1/' }).length).toBe(20 + 180);
    expect(fake.maxInFlight()).toBe(3);
  });

  it("reads a customer's partners (GET /v1/customers/{id}/relationships), and refuses an unknown customer with Partner Center's 404", async () => {
    const provider = fake.addIndirectProvider({ name: 'Provider One' });
    fake.addIndirectProvider({ name: 'Provider Two' });
    const customer = fake.addCustomer({ companyName: 'Contoso' });
    const pc = client();
    expect(await pc.customerRelationships(customer.id)).toEqual([]);
    fake.linkProvider(customer.id, provider.id);
    expect(await pc.customerRelationships(customer.id)).toEqual([
      { tenantId: provider.id, name: 'Provider One', relationshipType: 'IsIndirectCloudSolutionProviderOf', state: 'active' },
    ]);
    expect((await refusal(pc.customerRelationships('00000000-0000-0000-0000-000000000000'))).status).toBe(404);
  });
});
