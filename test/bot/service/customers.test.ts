import { describe, expect, it } from 'vitest';
import { admin, putLargeCustomers, tempStore } from '../../helpers.js';
import { seedDemo } from '../../../bot/demo.js';
import { createService, ErrorCode } from '../../../bot/service/index.js';
import type { Subscription } from '../../../store/schema.js';
import { customerRecord as customerOf, relationshipRecord } from '../../records.js';
import type { Store } from '../../../store/store.js';

const T = '2026-01-01T00:00:00.000Z';
const customerRecord = (id: string, companyName: string, domain: string, subscriptions: Subscription[] = []) =>
  customerOf(id, companyName, domain, { subscriptions });

/** Customers whose names and domains overlap in every way a lookup can trip on. */
async function lookalikes(store: Store) {
  const listed: Array<[string, string, string]> = [
    ['k1', 'Contoso', 'contoso.com'],
    ['k2', 'Contoso Pharma', 'contosopharma.com'],
    ['k3', 'Adatum', 'adatum.com'],
    ['k4', 'Adatum', 'adatum.it'],
    ['k5', 'Adatum Labs', 'adatumlabs.com'],
    ...Array.from({ length: 7 }, (_, i): [string, string, string] => [`s${i}`, `Shop ${i}`, `shop${i}.example`]),
  ];
  await store.transact((tx) => {
    for (const [id, name, domain] of listed) {
      tx.put('customers', customerRecord(id, name, domain));
      tx.put('relationships', relationshipRecord(`r-${id}`, id));
    }
    // Once ours, now removed: found by nothing.
    tx.put('customers', customerRecord('gone', 'Fabrikam', 'fabrikam.com'));
    tx.put('relationships', relationshipRecord('r-gone', 'gone', { status: 'removed', endedAt: T }));
  });
}

/** The demo data of `npm run demo`: four of our customers and one provider-only customer. */
async function demoService() {
  const { store } = await tempStore();
  await seedDemo(store, new Date('2026-12-01T09:00:00Z'));
  return { store, service: createService({ store, publicUrl: 'https://bot.example.com', bootstrapAdmins: ['cli:admin'] }) };
}

describe('customers', () => {
  it("lists only customers with an active reseller relationship, never a provider's own customers", async () => {
    const { service } = await demoService();
    const page = service.listCustomers(admin);
    expect(page.items.map((c) => c.companyName)).toEqual(['Adatum Corporation', 'Alpine Ski House', 'Tailspin Toys', 'Wingtip Toys']);
    expect(() => service.getCustomer(admin, 'litware')).toThrow(expect.objectContaining({ code: ErrorCode.NotFound }));
  });

  it('searches by name or domain, case-insensitively', async () => {
    const { service } = await demoService();
    expect(service.listCustomers(admin, { query: 'TOYS' }).items.map((c) => c.domain)).toEqual(['tailspintoys.com', 'wingtiptoys.com']);
    expect(service.listCustomers(admin, { query: 'adatum.com' }).total).toBe(1);
  });

  it('pages ten at a time and clamps out-of-range pages', async () => {
    const { service, store } = await demoService();
    await store.transact((tx) => {
      for (let i = 0; i < 21; i++) {
        const id = `c${String(i).padStart(2, '0')}`;
        tx.put('customers', customerRecord(id, `Company ${id}`, `${id}.example`));
        tx.put('relationships', relationshipRecord(`r${id}`, id, { dapGranted: true }));
      }
    });
    const first = service.listCustomers(admin, { query: 'company' });
    expect(first).toMatchObject({ total: 21, page: 1, pageCount: 3 });
    expect(first.items).toHaveLength(10);
    expect(service.listCustomers(admin, { query: 'company', page: 3 }).items).toHaveLength(1);
    expect(service.listCustomers(admin, { query: 'company', page: 99 }).page).toBe(3);
  });

  it('shows account, subscriptions, users, licenses, relationships and DAP', async () => {
    const { service } = await demoService();
    const details = service.getCustomer(admin, 'Tailspin Toys');
    expect(details.subscriptions.items[0]).toMatchObject({ offer: 'Microsoft 365 Business Premium', status: 'active' });
    expect(details.users).toMatchObject({ total: 1, page: 1, pageCount: 1 });
    expect(details.licenses.items[0]).toMatchObject({ assigned: 10, total: 12 });
    expect(details.relationships.map((r) => r.providerName)).toContain('Contoso Distribution');
    expect(details.dapGranted).toBe(true);
  });

  it('gives a large tenant ten users and ten subscriptions at a time, with the totals, and clamps the pages', async () => {
    const { service, store } = await demoService();
    await putLargeCustomers(store, 1);
    const first = service.getCustomer(admin, 'large-tenant-0.example.com');
    expect(first.users).toMatchObject({ total: 300, page: 1, pageCount: 30 });
    expect(first.users.items.map((u) => u.displayName)[0]).toMatch(/^User 001 /);
    expect(first.subscriptions).toMatchObject({ total: 15, page: 1, pageCount: 2 });
    expect(first.subscriptions.items).toHaveLength(10);
    expect(first.customer).not.toHaveProperty('users');
    const later = service.getCustomer(admin, first.customer.id, { users: 30, subscriptions: 2 });
    expect(later.users.items.map((u) => u.displayName)).toEqual(
      Array.from({ length: 10 }, (_, i) => expect.stringMatching(new RegExp(`^User ${291 + i} `))),
    );
    expect(later.subscriptions.items).toHaveLength(5);
    expect(service.getCustomer(admin, first.customer.id, { users: 99, subscriptions: -3 })).toMatchObject({
      users: { page: 30 },
      subscriptions: { page: 1 },
    });
  });

  it('asks for more when a name matches several customers', async () => {
    const { service } = await demoService();
    expect(() => service.getCustomer(admin, 'toys')).toThrow(expect.objectContaining({ key: 'customer.ambiguous' }));
  });

  it('finds one customer by id, domain, exact name or a unique partial match, and says why when it cannot', async () => {
    const { service, store } = await demoService();
    await lookalikes(store);
    const found = (ref: string) => service.getCustomer(admin, ref).customer.id;
    expect(found('k2')).toBe('k2');
    expect(found('  CONTOSO.com ')).toBe('k1');
    // "Contoso" is also part of "Contoso Pharma": the exact name wins.
    expect(found('contoso')).toBe('k1');
    expect(found('pharma')).toBe('k2');
    // A part of the domain only.
    expect(found('osopharma')).toBe('k2');
    expect(found('adatum  labs')).toBe('k5');
    const refusal = (ref: string) => {
      try {
        service.getCustomer(admin, ref);
      } catch (error) {
        return error;
      }
      throw new Error(`${ref} was found`);
    };
    expect(refusal('gone')).toMatchObject({ code: ErrorCode.NotFound, key: 'customer.notFound', params: { query: 'gone' } });
    expect(refusal('fabrikam.com')).toMatchObject({ code: ErrorCode.NotFound, params: { query: 'fabrikam.com' } });
    expect(refusal('   ')).toMatchObject({ code: ErrorCode.InvalidInput, key: 'customer.nameRequired' });
    expect(refusal(undefined as unknown as string)).toMatchObject({ code: ErrorCode.InvalidInput, key: 'customer.nameRequired' });
    // Two customers with exactly that name: only those two are offered, not "Adatum Labs".
    expect(refusal('Adatum')).toMatchObject({
      code: ErrorCode.InvalidInput,
      key: 'customer.ambiguous',
      params: { query: 'Adatum', names: 'Adatum (adatum.com), Adatum (adatum.it)', count: 2 },
    });
    // Seven partial matches: the first five by name are named, and all seven counted.
    expect(refusal('shop')).toMatchObject({
      key: 'customer.ambiguous',
      params: {
        names: 'Shop 0 (shop0.example), Shop 1 (shop1.example), Shop 2 (shop2.example), Shop 3 (shop3.example), Shop 4 (shop4.example)',
        count: 7,
      },
    });
  });

  it('counts DAP only on an active reseller relationship, and active subscriptions only', async () => {
    const { service, store } = await demoService();
    const sub = (id: string, status: Subscription['status']): Subscription => ({
      id,
      offer: 'Microsoft 365 E3',
      quantity: 1,
      status,
      renewsOn: null,
    });
    await store.transact((tx) => {
      tx.put(
        'customers',
        customerRecord('m1', 'Mixed One', 'mixed1.example', [
          sub('a', 'active'),
          sub('b', 'suspended'),
          sub('c', 'expired'),
          sub('d', 'active'),
        ]),
      );
      // DAP on an ended reseller relationship and on a provider's: neither is ours today.
      tx.put(
        'relationships',
        relationshipRecord('m1-old', 'm1', { status: 'removed', dapGranted: true, createdAt: '2025-01-01T00:00:00.000Z', endedAt: T }),
      );
      tx.put('relationships', relationshipRecord('m1-now', 'm1', { dapGranted: false }));
      tx.put(
        'relationships',
        relationshipRecord('m1-prov', 'm1', {
          kind: 'provider',
          providerId: 'no-such-provider',
          dapGranted: true,
          createdAt: '2026-02-01T00:00:00.000Z',
        }),
      );
      tx.put('customers', customerRecord('m2', 'Mixed Two', 'mixed2.example', [sub('e', 'expired')]));
      tx.put('relationships', relationshipRecord('m2-now', 'm2', { dapGranted: true }));
    });
    const one = service.getCustomer(admin, 'm1');
    expect(one.dapGranted).toBe(false);
    expect(one.activeSubscriptions).toBe(2);
    expect(one.subscriptions.total).toBe(4);
    expect(one.relationships.map((r) => [r.id, r.providerName])).toEqual([
      ['m1-old', null],
      ['m1-now', null],
      ['m1-prov', null],
    ]);
    expect(one.microsoft).toBeNull();
    const two = await service.customerDetails(admin, 'Mixed Two');
    expect(two.dapGranted).toBe(true);
    expect(two.activeSubscriptions).toBe(0);
  });

  it('echoes the search as typed, trimmed', async () => {
    const { service } = await demoService();
    expect(service.listCustomers(admin, { query: '  Toys ' })).toMatchObject({ query: 'Toys', total: 2 });
    expect(service.listCustomers(admin).query).toBe('');
    expect(service.listCustomers(admin, { query: 'tailspin  toys' }).total).toBe(1);
  });
});
