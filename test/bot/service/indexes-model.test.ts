/**
 * The service's indexes against a model: random transactions of raw records (customers renamed,
 * moved between domains and deleted; relationships created, ended, moved to another customer and
 * deleted; invitations drafted, sent, accepted, re-dated, re-tokened and deleted), several changes
 * per transaction. After every transaction each query the indexes answer is compared with a full
 * scan of the store, and at the end with indexes built afresh from the same store (the path a
 * restart takes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempStore } from '../../helpers.js';
import { runSeed } from '../../seed.js';
import { ServiceIndexes } from '../../../bot/service/indexes.js';
import { hashToken } from '../../../store/invitation-secret.js';
import type { Customer, Invitation, Relationship } from '../../../store/schema.js';
import { customerRecord, invitationRecord } from '../../records.js';
import type { Store, Tx } from '../../../store/store.js';

// 'Öö' (no ASCII at all) folds to 'oo', before 'Oz'; 'Ærø' has nothing to fold.
const NAMES = [
  'Zeta',
  'alpha',
  '  Álvaro   Foods ',
  'Beta',
  'beta',
  'Öko Haus',
  'Ærø',
  'alpha',
  'Ökö',
  'Öö',
  'Oz',
  'Customer 10',
  'Customer 2',
];
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString();

const op = fc.oneof(
  fc.record({
    kind: fc.constant('customer' as const),
    n: fc.nat(5),
    name: fc.constantFrom(...NAMES),
    domain: fc.integer({ min: -1, max: 5 }),
  }),
  fc.record({ kind: fc.constant('delete-customer' as const), n: fc.nat(5) }),
  fc.record({
    kind: fc.constant('relationship' as const),
    n: fc.nat(7),
    customer: fc.nat(5),
    reseller: fc.boolean(),
    active: fc.boolean(),
    minute: fc.nat(50),
  }),
  fc.record({ kind: fc.constant('delete-relationship' as const), n: fc.nat(7) }),
  fc.record({
    kind: fc.constant('invitation' as const),
    n: fc.nat(7),
    status: fc.constantFrom('draft', 'sent', 'accepted', 'accepted', 'revoked'),
    created: fc.nat(20),
    accepted: fc.option(fc.nat(20)),
    newToken: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('delete-invitation' as const), n: fc.nat(7) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const customer = (id: string, companyName: string, domain: string) =>
  customerRecord(id, companyName, domain, { createdAt: at(0), updatedAt: at(0) });

const invitation = (id: string, token: string, status: Invitation['status'], created: number, accepted: number | null) =>
  invitationRecord(id, {
    tokenHash: hashToken(token),
    status,
    createdAt: at(created),
    expiresAt: at(created + 90 * 24 * 60),
    acceptedAt: accepted === null ? null : at(accepted),
  });

/** Applies one generated change; `tokens` holds each invitation's current token. */
function apply(tx: Tx, o: Op, domains: Map<string, string>, tokens: Map<string, string>, fresh: () => string): void {
  switch (o.kind) {
    case 'customer': {
      const id = `c${o.n}`;
      // A domain belongs to one customer (accepting again with it updates that customer).
      const wanted = o.domain < 0 ? '' : `d${o.domain}.example`;
      const taken = [...domains].some(([other, domain]) => other !== id && domain === wanted);
      domains.set(id, wanted && !taken ? wanted : '');
      tx.put('customers', customer(id, o.name, domains.get(id)!));
      break;
    }
    case 'delete-customer':
      tx.delete('customers', `c${o.n}`);
      domains.delete(`c${o.n}`);
      break;
    case 'relationship': {
      const r: Relationship = {
        id: `r${o.n}`,
        customerId: `c${o.customer}`,
        kind: o.reseller ? 'reseller' : 'provider',
        providerId: o.reseller ? null : 'p1',
        status: o.active ? 'active' : 'removed',
        dapGranted: false,
        invitationId: null,
        // Distinct times, so the order of a customer's relationships is defined.
        createdAt: new Date(Date.UTC(2026, 0, 1) + o.minute * 60_000 + o.n).toISOString(),
        endedAt: null,
      };
      tx.put('relationships', r);
      break;
    }
    case 'delete-relationship':
      tx.delete('relationships', `r${o.n}`);
      break;
    case 'invitation': {
      const id = `i${o.n}`;
      if (o.newToken || !tokens.has(id)) tokens.set(id, fresh());
      // An acceptance time on a record not accepted, and none on one accepted, are both drawn.
      tx.put('invitations', invitation(id, tokens.get(id)!, o.status, o.created, o.accepted));
      break;
    }
    case 'delete-invitation':
      tx.delete('invitations', `i${o.n}`);
      tokens.delete(`i${o.n}`);
      break;
  }
}

/** The order the list promises: name with case, spacing and accents folded, then domain, then id. */
const sortKey = (c: Readonly<Customer>) =>
  [c.companyName.trim().toLowerCase().replace(/\s+/g, ' ').normalize('NFD').replace(/\p{M}/gu, ''), c.domain, c.id].join('\u0001');
const desc = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);

/** Every query the indexes answer, against a full scan of the store. */
function expectMatchesScan(indexes: ServiceIndexes, store: Store, tokens: Map<string, string>, retired: string[]): void {
  const customers = [...store.all('customers')];
  const relationships = [...store.all('relationships')];
  const invitations = [...store.all('invitations')];
  const listed = customers
    .filter((c) => relationships.some((r) => r.customerId === c.id && r.kind === 'reseller' && r.status === 'active'))
    .sort((a, b) => -desc(sortKey(a), sortKey(b)));
  expect(indexes.listedCustomers()).toEqual(
    listed.map((c) => ({
      id: c.id,
      name: c.companyName,
      domain: c.domain,
      search: c.companyName.trim().toLowerCase().replace(/\s+/g, ' '),
    })),
  );
  for (let n = 0; n <= 6; n++) {
    const id = `c${n}`;
    expect(indexes.isListedId(id), id).toBe(listed.some((c) => c.id === id));
    const own = relationships.filter((r) => r.customerId === id).sort((a, b) => -desc(a.createdAt, b.createdAt));
    expect(indexes.relationshipsOf(id)).toEqual(own);
  }
  for (let n = 0; n <= 6; n++) {
    const domain = `d${n}.example`;
    expect(indexes.customerByDomain(domain)).toEqual(customers.find((c) => c.domain === domain));
  }
  expect(indexes.customerByDomain('')).toBeUndefined();

  const newest = invitations.sort((a, b) => desc(a.createdAt, b.createdAt) || desc(a.id, b.id));
  expect([...indexes.invitationsNewestFirst()]).toEqual(newest.map((i) => i.id));
  const pending = newest.filter((i) => i.status === 'draft' || i.status === 'sent');
  expect([...indexes.invitationsNewestFirst(true)]).toEqual(pending.map((i) => i.id));
  expect([...indexes.pendingInvitationIds()].sort()).toEqual(pending.map((i) => i.id).sort());

  const accepted = invitations
    .filter((i) => i.status === 'accepted' && i.acceptedAt)
    .sort((a, b) => desc(a.acceptedAt!, b.acceptedAt!) || desc(a.id, b.id));
  for (const count of [0, 1, 2, 3, accepted.length, accepted.length + 1]) {
    expect(indexes.latestAcceptances(count).map((i) => i.id)).toEqual(accepted.slice(0, count).map((i) => i.id));
  }

  for (const [id, token] of tokens) expect(indexes.invitationByToken(token)?.id, id).toBe(id);
  for (const token of retired) if (![...tokens.values()].includes(token)) expect(indexes.invitationByToken(token)).toBeUndefined();
  expect(indexes.invitationByToken(undefined as unknown as string)).toBeUndefined();
}

describe('service indexes, against a model', () => {
  it('answer every query as a full scan would, after each transaction and when built afresh', async () => {
    const seed = runSeed('indexes: model');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 30 }), async (transactions) => {
        const { store } = await tempStore();
        const indexes = new ServiceIndexes(store);
        const domains = new Map<string, string>();
        const tokens = new Map<string, string>();
        const retired: string[] = [];
        let next = 0;
        const fresh = () => {
          const token = `token-${next++}`;
          retired.push(token);
          return token;
        };
        for (const ops of transactions) {
          await store.transact((tx) => {
            for (const o of ops) apply(tx, o, domains, tokens, fresh);
          });
          expectMatchesScan(indexes, store, tokens, retired);
        }
        expectMatchesScan(new ServiceIndexes(store), store, tokens, retired);
        await store.close();
      }),
      { numRuns: 60, seed },
    );
  });
});
