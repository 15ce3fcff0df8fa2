/**
 * What the Microsoft directory does through Partner Center (bot/partner-center/features.ts), on a
 * client stand-in per call: nothing without the capability, the extras cache and its refresh, and
 * each refusal told as the sentence the person sees.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger.js';
import type { Capability, PartnerCenterLink } from '../../../bot/partner-center/connection.js';
import { createPartnerCenterFeatures, partnerCenterRefusal, toSubscription } from '../../../bot/partner-center/features.js';
import { PartnerCenterError, type PartnerCenterClient, type PcSubscription } from '../../../bot/partner-center/port.js';
import { Conflict, Unavailable } from '../../../bot/service/errors.js';

const sub = (extra: Partial<PcSubscription>): PcSubscription => ({
  id: 's1',
  offerName: 'Microsoft 365 E3',
  quantity: 10,
  status: 'active',
  autoRenewEnabled: true,
  commitmentEndDate: null,
  billingType: null,
  termDuration: null,
  ...extra,
});

/** A Partner Center client whose every call is counted; `fail` makes the next calls throw. */
function stand(options: { allowed?: Capability[] } = {}) {
  const calls: string[] = [];
  let failure: unknown = null;
  const call = async <T>(name: string, value: T): Promise<T> => {
    calls.push(name);
    if (failure) throw failure;
    return value;
  };
  const client: PartnerCenterClient = {
    resellerLink: (o) =>
      call(
        'resellerLink',
        `https://admin.microsoft.com/link${o?.indirectProviderTenantId ? `?provider=${o.indirectProviderTenantId}` : ''}`,
      ),
    listCustomers: () =>
      call('listCustomers', [
        { id: 'c1', tenantId: 't1', domain: 'contoso.com', companyName: 'Contoso', relationshipToPartner: 'Reseller' },
        { id: 'c2', tenantId: '', domain: 'fabrikam.com', companyName: 'Fabrikam', relationshipToPartner: 'reseller' },
        { id: 'c3', tenantId: 't3', domain: 'adatum.com', companyName: 'Adatum', relationshipToPartner: 'none' },
      ]),
    getCustomer: () => call('getCustomer', null),
    subscriptions: (id) =>
      call(`subscriptions:${id}`, [
        sub({ quantity: 10.7 }),
        sub({ id: 's2', status: 'Suspended', commitmentEndDate: '2027-03-01T00:00:00Z' }),
      ]),
    users: (id) => call(`users:${id}`, [{ id: 'u1', displayName: 'Giulia Rossi', userPrincipalName: 'giulia@contoso.com' }]),
    subscribedSkus: (id) => call(`skus:${id}`, [{ skuId: 'k1', skuName: 'ENTERPRISEPACK', consumedUnits: 8.2, activeUnits: -1 }]),
    indirectProviders: () => call('indirectProviders', [{ tenantId: 'p1', name: 'Contoso Distribution' }]),
    removeResellerRelationship: (id) => call(`remove:${id}`, undefined),
    customerFromResourceUri: () => Promise.reject(new Error('not used')),
    customerRelationships: (id) => call(`customerRelationships:${id}`, []),
  };
  const allowed = new Set(options.allowed ?? ['relationshipRequests', 'customers', 'providers']);
  const unused = () => {
    throw new Error('not used by the features');
  };
  const link: PartnerCenterLink = {
    ready: true,
    startSignIn: unused,
    keyChanged: () => false,
    signOut: unused,
    checkCapabilities: unused,
    clientFor: (capability) => (allowed.has(capability) ? client : null),
    checkConnection: async () => null,
  };
  let now = Date.parse('2026-11-23T10:00:00Z');
  const clock = { now: () => new Date(now) };
  let logged = '';
  const logs = new PassThrough().on('data', (chunk: Buffer) => (logged += chunk.toString()));
  const features = createPartnerCenterFeatures({ link, clock, logger: createLogger('warn', logs) });
  return {
    features,
    calls,
    warnings: () =>
      logged
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
    fail: (error: unknown) => (failure = error),
    advance: (ms: number) => (now += ms),
  };
}

describe('Partner Center features', () => {
  it('does nothing, and says so with null, where Partner Center does not allow the call', async () => {
    const { features, calls } = stand({ allowed: [] });
    expect(await features.resellerLink(null)).toBeNull();
    expect(await features.resellerCustomers()).toBeNull();
    expect(await features.indirectProviders()).toBeNull();
    expect(await features.customerExtras('t1')).toBeNull();
    expect(await features.removeResellerRelationship('t1')).toBeNull();
    expect(await features.connectionLost()).toBeNull();
    expect(calls).toEqual([]);
  });

  it("gives the API's reseller link, with the provider, and null (RESELLER_LINK) with a warning when Partner Center refuses it", async () => {
    const { features, fail, warnings } = stand();
    expect(await features.resellerLink('p1')).toBe('https://admin.microsoft.com/link?provider=p1');
    fail(new PartnerCenterError(403, '2000', 'Not allowed'));
    expect(await features.resellerLink(null)).toBeNull();
    expect(warnings()).toEqual(['Partner Center did not give the reseller link; using RESELLER_LINK']);
  });

  it('lists only customers with a reseller relationship, the id standing in for a missing tenant id, and the providers', async () => {
    const { features } = stand();
    expect(await features.resellerCustomers()).toEqual([
      { tenantId: 't1', displayName: 'Contoso', domain: 'contoso.com' },
      { tenantId: 'c2', displayName: 'Fabrikam', domain: 'fabrikam.com' },
    ]);
    expect(await features.indirectProviders()).toEqual([{ tenantId: 'p1', name: 'Contoso Distribution' }]);
  });

  it("keeps a customer's extras five minutes unless asked fresh, in whole non-negative numbers", async () => {
    const { features, calls, advance } = stand();
    const first = await features.customerExtras('t1');
    expect(first).toEqual({
      subscriptions: [
        { id: 's1', offer: 'Microsoft 365 E3', quantity: 10, status: 'active', renewsOn: null },
        { id: 's2', offer: 'Microsoft 365 E3', quantity: 10, status: 'suspended', renewsOn: '2027-03-01' },
      ],
      users: [{ id: 'u1', displayName: 'Giulia Rossi', email: 'giulia@contoso.com', licenses: [] }],
      licenses: [{ sku: 'ENTERPRISEPACK', assigned: 8, total: 0 }],
    });
    advance(4 * 60_000);
    expect(await features.customerExtras('t1')).toEqual(first);
    expect(calls.filter((c) => c.startsWith('subscriptions'))).toHaveLength(1);
    await features.customerExtras('t1', { fresh: true });
    advance(6 * 60_000);
    await features.customerExtras('t1');
    expect(calls.filter((c) => c.startsWith('subscriptions'))).toHaveLength(3);
  });

  it("tells a failed read as throttled, unreachable or refused with Partner Center's code", async () => {
    const { features, fail } = stand();
    const told = async (error: unknown) => {
      fail(error);
      return features.customerExtras('t1', { fresh: true }).catch((e: unknown) => e);
    };
    expect(await told(new PartnerCenterError(429, 'throttled', ''))).toMatchObject({ key: 'microsoft.throttled' });
    expect(await told(new PartnerCenterError(0, '', 'ECONNREFUSED'))).toMatchObject({ key: 'microsoft.unreachable' });
    expect(await told(new PartnerCenterError(503, 'x', ''))).toMatchObject({ key: 'microsoft.unreachable' });
    expect(await told(new PartnerCenterError(403, '', 'Forbidden'))).toMatchObject({
      key: 'partnerCenter.refused',
      params: { code: '403' },
    });
    expect(await told(new PartnerCenterError(400, '600', 'Bad'))).toMatchObject({ key: 'partnerCenter.refused', params: { code: '600' } });
    expect(await told(new TypeError('fetch failed'))).toMatchObject({ key: 'microsoft.unreachable' });
    expect(partnerCenterRefusal(new Error('x'))).toBeInstanceOf(Unavailable);
  });

  it('removes a reseller relationship and forgets its extras; a refusal names who may, a 4xx says what blocks it', async () => {
    const { features, calls, fail } = stand();
    await features.customerExtras('t1');
    expect(await features.removeResellerRelationship('t1')).toBe('removed');
    await features.customerExtras('t1');
    expect(calls.filter((c) => c.startsWith('subscriptions'))).toHaveLength(2);

    const refused = async (error: unknown) => {
      fail(error);
      return features.removeResellerRelationship('t1').catch((e: unknown) => e);
    };
    expect(await refused(new PartnerCenterError(401, '', ''))).toMatchObject({
      key: 'partnerCenter.removalRefused',
      params: { code: '401' },
    });
    expect(await refused(new PartnerCenterError(403, '3000', ''))).toMatchObject({
      key: 'partnerCenter.removalRefused',
      params: { code: '3000' },
    });
    const blocked = await refused(new PartnerCenterError(409, '800002', 'x'.repeat(400)));
    expect(blocked).toBeInstanceOf(Conflict);
    expect(blocked).toMatchObject({ key: 'partnerCenter.removalBlocked', params: { code: '800002', description: 'x'.repeat(300) } });
    expect(await refused(new PartnerCenterError(500, '', ''))).toMatchObject({ key: 'microsoft.unreachable' });
  });

  it("maps Partner Center's subscription states onto active, suspended and expired", () => {
    const states = ['Active', 'pending', 'SUSPENDED', 'disabled', 'deleted', 'expired', ''].map(
      (status) => toSubscription(sub({ status })).status,
    );
    expect(states).toEqual(['active', 'active', 'suspended', 'suspended', 'expired', 'expired', 'expired']);
    expect(toSubscription(sub({ quantity: -3 })).quantity).toBe(0);
  });
});
