import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admin, contact, testService } from '../../helpers.js';
import { PAGE_SIZE } from '../../../bot/service/customers.js';
import { isServiceError } from '../../../bot/service/index.js';
import { runSeed } from '../../seed.js';

const NAMES = ['Zeta', 'alpha', 'Álvaro Foods', 'Beta', 'beta', 'Öko Haus', 'Customer 10', 'Customer 2', 'Ærø'];

describe('service indexes', () => {
  it('keep the customer list equal to a full scan through accepts, renames and removals', async () => {
    const seed = runSeed('indexes: customer list');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            op: fc.constantFrom('accept', 'accept', 'remove'),
            name: fc.constantFrom(...NAMES),
            domain: fc.integer({ min: 0, max: 6 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (ops) => {
          const { service, store } = await testService();
          for (const { op, name, domain } of ops) {
            const host = `d${domain}.example`;
            if (op === 'accept') {
              // Accepting again with the same domain renames the customer in place.
              const inv = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
              await service.acceptInvitation(inv.link.split('/').pop()!, { ...contact(host), companyName: name });
            } else {
              const customer = [...store.all('customers')].find((c) => c.domain === host);
              const listed =
                customer && service.listCustomers(admin, {}).total > 0 && service.listCustomers(admin, { query: host }).total === 1;
              if (customer && listed)
                await service.confirmRemoval(admin, (await service.requestRemoval(admin, customer.id)).removal.id, { attested: true });
            }
          }
          // The full scan the index replaces: customers with an active reseller relationship.
          const expected = [...store.all('customers')]
            .filter((c) =>
              [...store.all('relationships')].some((r) => r.customerId === c.id && r.kind === 'reseller' && r.status === 'active'),
            )
            .map((c) => c.id)
            .sort();
          const pages = service.listCustomers(admin, {}).pageCount;
          const listed = Array.from({ length: pages }, (_, i) => service.listCustomers(admin, { page: i + 1 }).items).flat();
          expect(listed.map((c) => c.id).sort()).toEqual(expected);
          expect(listed.length).toBeLessThanOrEqual(pages * PAGE_SIZE);
        },
      ),
      { numRuns: 25, seed },
    );
  });

  it('sorts names ignoring case and accents, then by domain', async () => {
    const { service } = await testService();
    for (const [i, name] of ['beta', 'Álvaro Foods', 'Zeta', 'alpha', 'Beta'].entries()) {
      const inv = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
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

  it('keep invitation lists and the home summary equal to a full scan', async () => {
    const seed = runSeed('indexes: invitation lists');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            op: fc.constantFrom('draft', 'send', 'revoke', 'accept'),
            pick: fc.nat(),
            minutes: fc.integer({ min: 0, max: 90 * 24 * 60 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (ops) => {
          const { service, store, clock } = await testService();
          // The store keeps only a hash of each token: the drafts as made hold the token and the link.
          const drafted = new Map<string, { token: string; body: string }>();
          for (const { op, pick, minutes } of ops) {
            clock.now = new Date(clock.now.getTime() + minutes * 60_000);
            const all = [...store.all('invitations')];
            const target = all[pick % Math.max(1, all.length)];
            try {
              if (op === 'draft' || !target) {
                const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
                drafted.set(draft.id, draft);
              } else if (op === 'send') await service.markInvitationSent(admin, target.id, { body: drafted.get(target.id)!.body });
              else if (op === 'revoke') await service.revokeInvitation(admin, target.id);
              else
                await service.acceptInvitation(drafted.get(target.id)!.token, {
                  ...contact(`c${pick % 5}.example`),
                  companyName: `C${pick % 5}`,
                });
            } catch (error) {
              // refusals (expired, already accepted...) are part of the sequence; anything else is a bug
              if (!isServiceError(error)) throw error;
            }
          }
          const byNewest = [...store.all('invitations')].sort((a, b) =>
            a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
          );
          expect(service.listInvitations(admin).map((i) => i.id)).toEqual(byNewest.map((i) => i.id));
          for (const status of ['pending', 'draft', 'sent', 'expired', 'accepted', 'revoked'] as const) {
            const expected = service
              .listInvitations(admin)
              .filter(
                (v) =>
                  v.effectiveStatus === status || (status === 'pending' && (v.effectiveStatus === 'draft' || v.effectiveStatus === 'sent')),
              );
            expect(service.listInvitations(admin, { status }).map((i) => i.id)).toEqual(expected.map((i) => i.id));
          }
          expect(service.listInvitations(admin, { limit: 3 }).map((i) => i.id)).toEqual(byNewest.slice(0, 3).map((i) => i.id));
          const summary = service.summary(admin);
          const views = service.listInvitations(admin);
          expect(summary.pending).toBe(views.filter((v) => v.effectiveStatus === 'draft' || v.effectiveStatus === 'sent').length);
          const accepted = views
            .filter((v) => v.status === 'accepted')
            .sort((a, b) => (a.acceptedAt! < b.acceptedAt! ? 1 : a.acceptedAt! > b.acceptedAt! ? -1 : a.id < b.id ? 1 : -1));
          expect(summary.recentAcceptances.map((a) => a.acceptedAt)).toEqual(accepted.slice(0, 5).map((a) => a.acceptedAt!));
        },
      ),
      { numRuns: 25, seed },
    );
  });
});
