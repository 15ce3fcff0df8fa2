import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournalStore } from '../../store/journal-store.js';
import { emptySnapshot } from '../../store/snapshot-load.js';
import type { Customer } from '../../store/schema.js';
import { tempDir } from '../helpers.js';

const at = '2026-11-23T10:00:00.000Z';
const customer = (id: string, users = 3): Customer => ({
  id,
  companyName: `Company ${id}`,
  domain: `${id}.example`,
  tenantId: null,
  contact: { name: 'Anna', email: `anna@${id}.example` },
  subscriptions: [{ id: `s-${id}`, offer: 'Microsoft 365 E3', quantity: 3, status: 'active', renewsOn: null }],
  users: Array.from({ length: users }, (_, n) => ({
    id: `u-${id}-${n}`,
    displayName: `User ${n}`,
    email: `u${n}@${id}.example`,
    licenses: ['M365 E3'],
  })),
  licenses: [{ sku: 'M365 E3', assigned: users, total: 5 }],
  createdAt: at,
  updatedAt: at,
});

/** A data file in today's shape with these customers, as the bot writes it. */
function fileWith(customers: Customer[]): string {
  const file = join(tempDir(), 'db.json');
  writeFileSync(file, JSON.stringify({ ...emptySnapshot(), customers }));
  return file;
}

describe("customers' users, subscriptions and licences read from the data file", () => {
  it('gives every customer of a file in today’s shape whole: read, spread and serialised', async () => {
    const customers = Array.from({ length: 40 }, (_, i) => customer(`c${i}`, i % 5));
    const store = await openJournalStore({ file: fileWith(customers) });
    for (const c of customers) {
      const stored = store.get('customers', c.id)!;
      expect(stored).toEqual(c);
      expect(stored.users).toEqual(c.users);
      expect({ ...stored }).toEqual(c);
      expect(JSON.parse(JSON.stringify(stored))).toEqual(c);
      expect(Object.isFrozen(stored) && Object.isFrozen(stored.users)).toBe(true);
    }
    expect([...store.all('customers')]).toEqual(customers);
    await store.close();
  });

  it('keeps the lists through an update that spreads the customer, a rewrite of the snapshot and a restart', async () => {
    const file = fileWith([customer('c1'), customer('c2', 7), customer('c3')]);
    const store = await openJournalStore({ file });
    await store.transact((tx, read) => tx.put('customers', { ...read.get('customers', 'c1')!, companyName: 'Renamed' }));
    await store.transact((tx) => tx.delete('customers', 'c3'));
    await store.compact();
    expect(store.get('customers', 'c1')).toEqual({ ...customer('c1'), companyName: 'Renamed' });
    expect(store.get('customers', 'c2')).toEqual(customer('c2', 7));
    await store.transact((tx) => tx.put('customers', customer('c4', 2)));
    await store.compact();
    expect(store.get('customers', 'c2')!.users).toHaveLength(7);
    await store.close();
    // The file keeps today's shape: every customer whole, inline.
    const written = JSON.parse(readFileSync(file, 'utf8')) as { customers: Customer[] };
    expect(written.customers).toEqual([{ ...customer('c1'), companyName: 'Renamed' }, customer('c2', 7), customer('c4', 2)]);
    const reopened = await openJournalStore({ file });
    expect([...reopened.all('customers')]).toEqual(written.customers);
    await reopened.close();
  });

  it('tells watchers the record as it was, lists included', async () => {
    const store = await openJournalStore({ file: fileWith([customer('c1', 4)]) });
    const seen: Array<Customer | undefined> = [];
    store.watch((change) => seen.push(change.before as Customer | undefined));
    await store.transact((tx) => tx.put('customers', { ...customer('c1', 1), companyName: 'New' }));
    expect(seen[0]).toEqual(customer('c1', 4));
    await store.close();
  });
});
