import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admin, contact, testService } from '../../helpers.js';
import { PAGE_SIZE } from '../../../bot/service/customers.js';

const NAMES = ['Zeta', 'alpha', 'Álvaro Foods', 'Beta', 'beta', 'Öko Haus', 'Customer 10', 'Customer 2', 'Ærø'];

describe('service indexes', () => {
  it('keep the customer list equal to a full scan through accepts, renames and removals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ op: fc.constantFrom('accept', 'accept', 'remove'), name: fc.constantFrom(...NAMES), domain: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 25 }),
        async (ops) => {
          const { service, store } = await testService();
          for (const { op, name, domain } of ops) {
            const host = `d${domain}.example`;
            if (op === 'accept') {
              // Accepting again with the same domain renames the customer in place.
              const inv = await service.draftInvitation(admin, { channel: 'own-marketing', locale: 'en' });
              await service.acceptInvitation(inv.link.split('/').pop()!, { ...contact(host), companyName: name });
            } else {
              const customer = [...store.all('customers')].find((c) => c.domain === host);
              const listed = customer && service.listCustomers(admin, {}).total > 0 && service.listCustomers(admin, { query: host }).total === 1;
              if (customer && listed) await service.confirmRemoval(admin, (await service.requestRemoval(admin, customer.id)).removal.id, { attested: true });
            }
          }
          // The full scan the index replaces: customers with an active reseller relationship.
          const expected = [...store.all('customers')]
            .filter((c) => [...store.all('relationships')].some((r) => r.customerId === c.id && r.kind === 'reseller' && r.status === 'active'))
            .map((c) => c.id)
            .sort();
          const pages = service.listCustomers(admin, {}).pageCount;
          const listed = Array.from({ length: pages }, (_, i) => service.listCustomers(admin, { page: i + 1 }).items).flat();
          expect(listed.map((c) => c.id).sort()).toEqual(expected);
          expect(listed.length).toBeLessThanOrEqual(pages * PAGE_SIZE);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('sorts names ignoring case and accents, then by domain', async () => {
    const { service } = await testService();
    for (const [i, name] of ['beta', 'Álvaro Foods', 'Zeta', 'alpha', 'Beta'].entries()) {
      const inv = await service.draftInvitation(admin, { channel: 'own-marketing', locale: 'en' });
      await service.acceptInvitation(inv.link.split('/').pop()!, { ...contact(`c${i}.example`), companyName: name });
    }
    expect(service.listCustomers(admin, {}).items.map((c) => `${c.companyName} ${c.domain}`)).toEqual([
      'alpha c3.example',
      'Álvaro Foods c1.example',
      'beta c0.example',
      'Beta c4.example',
      'Zeta c2.example',
    ]);
  });
});
