/**
 * The gaps' rules on records as the Microsoft sync leaves them: which relationship belongs to which
 * gap, and what is unknown rather than guessed. The story tests (test/e2e/gaps*.test.ts) drive the
 * same rules through the chat against the stand-ins.
 */
import { describe, expect, it } from 'vitest';
import { createService } from '../../../bot/service/index.js';
import { embeddedDirectory } from '../../../bot/service/directory.js';
import { GLOBAL_ADMINISTRATOR } from '../../../bot/service/entra-roles.js';
import type { GdapRecord } from '../../../store/schema.js';
import { admin, tempStore } from '../../helpers.js';
import { customerRecord, invitationRecord, relationshipRecord } from '../../records.js';
import { PARTNER_CHECKS_PER_PASS } from '../../../bot/service/partner-facts.js';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

function gdap(id: string, tenantId: string, fields: Partial<GdapRecord> = {}): GdapRecord {
  return {
    id,
    displayName: `Northwind_${id}`,
    status: 'active',
    customerTenantId: tenantId,
    customerName: null,
    roleDefinitionIds: [READERS],
    autoExtendDuration: 'PT0S',
    endDateTime: inDays(300),
    invitationId: null,
    syncedAt: NOW.toISOString(),
    expiryNoticeAt: null,
    ...fields,
  };
}

async function microsoftBook() {
  const { store } = await tempStore();
  const service = createService({
    store,
    publicUrl: 'https://bot.example.com',
    bootstrapAdmins: ['cli:admin'],
    directory: { ...embeddedDirectory, kind: 'microsoft' },
    now: () => NOW,
  });
  await store.transact((tx) => {
    const customer = (n: number, name: string, listed = true) => {
      tx.put('customers', customerRecord(`c${n}`, name, `c${n}.example`, { tenantId: `t${n}`, contact: { name: '', email: '' } }));
      tx.put('relationships', relationshipRecord(`r${n}`, `c${n}`, listed ? {} : { status: 'removed', endedAt: NOW.toISOString() }));
    };
    customer(1, 'Ending Soon');
    tx.put('gdap', gdap('g1', 't1', { endDateTime: inDays(5) }));
    customer(2, 'Extends Itself');
    tx.put('gdap', gdap('g2', 't2', { endDateTime: inDays(5), autoExtendDuration: 'P180D' }));
    customer(3, 'Global Admin Ending');
    tx.put('gdap', gdap('g3', 't3', { endDateTime: inDays(5), roleDefinitionIds: [GLOBAL_ADMINISTRATOR, READERS] }));
    customer(4, 'Only Transition');
    tx.put('gdap', gdap('g4', 't4', { displayName: 'MLT_1234', endDateTime: inDays(5) }));
    customer(5, 'Transition And Proper');
    tx.put('gdap', gdap('g5a', 't5', { displayName: 'MLT_5678' }));
    tx.put('gdap', gdap('g5b', 't5'));
    customer(6, 'Ended Access');
    tx.put('gdap', gdap('g6', 't6', { status: 'terminated', endDateTime: inDays(-1) }));
    customer(7, 'Removed Here', false);
    tx.put('gdap', gdap('g7', 't7'));
  });
  return { service, store };
}

const rowsOf = async (service: Awaited<ReturnType<typeof microsoftBook>>['service'], kind: string) =>
  service.gapPage(admin, { kind }).rows.map((r) => r.name);

describe('gaps with the Microsoft directory', () => {
  it('sorts each relationship into its gap: ending without auto-extend excludes Global Administrator and MLT_, which have their own', async () => {
    const { service } = await microsoftBook();
    expect(await rowsOf(service, 'endingWithoutAutoExtend')).toEqual(['Ending Soon']);
    expect(await rowsOf(service, 'globalAdmin')).toEqual(['Global Admin Ending']);
    expect(await rowsOf(service, 'onlyMlt')).toEqual(['Only Transition']);
    expect(await rowsOf(service, 'resellerWithoutGdap')).toEqual(['Ended Access']);
  });

  it("without Partner Center's API, a relationship removed here is known to be gone, the rest is counted as unknown", async () => {
    const { service } = await microsoftBook();
    const page = service.gapPage(admin, { kind: 'gdapWithoutReseller' });
    expect(page.rows.map((r) => r.name)).toEqual(['Removed Here']);
    // Five customers have live GDAP and are listed: whether each has its reseller relationship, only Partner Center knows.
    expect(page.unknown).toBe(5);
    const overview = service.gaps(admin).gaps;
    expect(overview.map((g) => g.kind)).toEqual([
      'gdapWithoutReseller',
      'resellerWithoutGdap',
      'providerWithoutRelationship',
      'onlyMlt',
      'endingWithoutAutoExtend',
      'globalAdmin',
    ]);
    expect(overview.find((g) => g.kind === 'resellerWithoutGdap')).toMatchObject({ count: 1, unknown: 1 });
  });

  it('refuses someone without a role, and reads a kind it does not know as the first', async () => {
    const { service } = await microsoftBook();
    expect(() => service.gaps({ ...admin, userId: 'nobody' })).toThrow();
    expect(service.gapPage(admin, { kind: 'nonsense', page: -3 })).toMatchObject({ kind: 'gdapWithoutReseller', page: 1 });
  });

  it('asks Partner Center about every customer invited with a provider in turn, 50 a pass, and writes an unchanged answer only now and then', async () => {
    const { service, store } = await microsoftBook();
    await store.transact((tx) => {
      tx.put('providers', { id: 'p1', name: 'Contoso Distribution', tenantId: 'PROVIDER-T', createdAt: NOW.toISOString() });
      for (let i = 100; i < 160; i++) {
        tx.put('customers', customerRecord(`c${i}`, `Invited ${i}`, `c${i}.example`, { tenantId: `t${i}` }));
        tx.put('relationships', relationshipRecord(`r${i}`, `c${i}`));
        tx.put('invitations', invitationRecord(`i${i}`, { status: 'accepted', providerId: 'p1', customerId: `c${i}` }));
      }
    });
    const first = service.customersToCheckForProviders();
    expect(first).toHaveLength(PARTNER_CHECKS_PER_PASS);
    await service.recordCustomerPartners(first.map((tenantId) => ({ tenantId, partnerTenantIds: [] })));
    // The ten not asked yet come first; then those still missing their provider, the longest unasked first.
    const second = service.customersToCheckForProviders();
    expect(second.slice(0, 10).every((t) => !first.includes(t))).toBe(true);
    expect(second).toHaveLength(PARTNER_CHECKS_PER_PASS);
    const before = store.get('customers', 'c100')!.partnerCenter;
    expect(await service.recordCustomerPartners([{ tenantId: 't100', partnerTenantIds: [] }])).toBe(0);
    expect(store.get('customers', 'c100')!.partnerCenter).toEqual(before);
    // The provider's relationship arrives: written at once, and no longer asked about every pass.
    expect(await service.recordCustomerPartners([{ tenantId: 't100', partnerTenantIds: ['provider-t'] }])).toBe(1);
    expect(service.customersToCheckForProviders()).not.toContain('t100');
    expect(service.gapPage(admin, { kind: 'providerWithoutRelationship' }).unknown).toBe(60);
  });
});
