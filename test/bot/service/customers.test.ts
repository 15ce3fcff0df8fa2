import { describe, expect, it } from 'vitest';
import { admin, putLargeCustomers, tempStore } from '../../helpers.js';
import { seedDemo } from '../../../bot/demo.js';
import { createService, ErrorCode } from '../../../bot/service/index.js';

/** The demo data of `npm run demo`: four of our customers and one provider-only customer. */
async function demoService() {
  const { store } = await tempStore();
  await seedDemo(store);
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
        tx.put('customers', { id, companyName: `Company ${id}`, domain: `${id}.example`, tenantId: null, contact: { name: 'x', email: 'x@y.z' }, subscriptions: [], users: [], licenses: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
        tx.put('relationships', { id: `r${id}`, customerId: id, kind: 'reseller', providerId: null, status: 'active', dapGranted: true, invitationId: null, createdAt: '2026-01-01T00:00:00.000Z', endedAt: null });
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
    expect(later.users.items.map((u) => u.displayName)).toEqual(Array.from({ length: 10 }, (_, i) => expect.stringMatching(new RegExp(`^User ${291 + i} `))));
    expect(later.subscriptions.items).toHaveLength(5);
    expect(service.getCustomer(admin, first.customer.id, { users: 99, subscriptions: -3 })).toMatchObject({ users: { page: 30 }, subscriptions: { page: 1 } });
  });

  it('asks for more when a name matches several customers', async () => {
    const { service } = await demoService();
    expect(() => service.getCustomer(admin, 'toys')).toThrow(expect.objectContaining({ key: 'customer.ambiguous' }));
  });
});
