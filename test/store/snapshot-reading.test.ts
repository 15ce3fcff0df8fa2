import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournalStore } from '../../store/journal-store.js';
import { emptySnapshot } from '../../store/snapshot-load.js';
import { StoreOpenError } from '../../store/store.js';
import { tempDir } from '../helpers.js';

const at = '2026-11-23T10:00:00.000Z';
const who = { platform: 'cli', userId: 'u1', displayName: 'Ada' };
const provider = (id: string) => ({ id, name: `Provider ${id}`, tenantId: null, createdAt: at });
const customer = (id: string) => ({
  id,
  companyName: `Company ${id}`,
  domain: `${id}.example`,
  tenantId: null,
  contact: { name: 'Anna', email: `anna@${id}.example` },
  subscriptions: [{ id: `s-${id}`, offer: 'Microsoft 365 E3', quantity: 3, status: 'active', renewsOn: null }],
  users: [{ id: `u-${id}`, displayName: 'Anna', email: `anna@${id}.example`, licenses: ['M365 E3'] }],
  licenses: [{ sku: 'M365 E3', assigned: 1, total: 3 }],
  createdAt: at,
  updatedAt: at,
});
const role = (id: string) => ({ id, platform: 'cli', userId: id.slice(4), role: 'global-admin', grantedBy: who, grantedAt: at });

/** A data file in today's shape, as the bot writes it or as a person or a tool might (any order, any spacing). */
function fileWith(data: Record<string, unknown>, text = JSON.stringify({ ...emptySnapshot(), ...data })): string {
  const file = join(tempDir(), 'db.json');
  writeFileSync(file, text);
  return file;
}

describe('reading the data file record by record', () => {
  it('reads a file in today’s shape with every kind of spacing and member order', async () => {
    const data = { ...emptySnapshot(), providers: [provider('p1'), provider('p2')], customers: [customer('c1')], roles: [role('cli:ada')] };
    const reordered = Object.fromEntries(Object.entries(data).reverse());
    for (const text of [
      JSON.stringify(data),
      JSON.stringify(data, null, 2),
      JSON.stringify(reordered, null, '\t'),
      ` \n${JSON.stringify(data)}\n`,
    ]) {
      const store = await openJournalStore({ file: fileWith({}, text) });
      expect([...store.all('providers')]).toEqual([provider('p1'), provider('p2')]);
      expect(store.get('customers', 'c1')).toEqual(customer('c1'));
      expect(store.get('roles', 'cli:ada')).toEqual(role('cli:ada'));
      await store.close();
    }
  });

  it('keeps strings with quotes, backslashes and brackets whole', async () => {
    const name = 'Contoso "East" \\ [Branch] {1}, ok\\';
    const file = fileWith({ providers: [{ ...provider('p1'), name }] });
    const store = await openJournalStore({ file });
    expect(store.get('providers', 'p1')?.name).toBe(name);
    await store.close();
  });

  it.each([
    ['a record cut short', (t: string) => t.replace(/\]\}$/, '')],
    ['junk between two records', (t: string) => t.replace('},{"id":"p2"', '} x {"id":"p2"')],
    ['a record that is not JSON inside', (t: string) => t.replace('"tenantId":null', '"tenantId":nul')],
    ['text after the object', (t: string) => `${t} trailing`],
  ])('refuses %s as not valid JSON, leaving the file as it was', async (_, damage) => {
    const good = JSON.stringify({ ...emptySnapshot(), providers: [provider('p1'), provider('p2')] });
    const file = fileWith({}, damage(good));
    const before = readFileSync(file);
    const error = await openJournalStore({ file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('names the record that breaks the schema, however far into the file', async () => {
    const customers = Array.from({ length: 50 }, (_, i) => customer(`c${i}`));
    customers[37] = { ...customers[37]!, users: [{ ...customers[37]!.users[0]!, licenses: 'M365' as never }] };
    await expect(openJournalStore({ file: fileWith({ customers }) })).rejects.toThrow(/customers\.37\.users\.0\.licenses/);
  });

  it('refuses a file that lacks a collection', async () => {
    const data: Record<string, unknown> = { ...emptySnapshot() };
    delete data.relationships;
    await expect(openJournalStore({ file: fileWith({}, JSON.stringify(data)) })).rejects.toThrow(
      /does not match the schema \(relationships/,
    );
  });

  it('keeps records deep-frozen, one copy of each value that repeats', async () => {
    const store = await openJournalStore({ file: fileWith({ customers: [customer('c1'), customer('c2')] }) });
    const [a, b] = [store.get('customers', 'c1')!, store.get('customers', 'c2')!];
    expect(Object.isFrozen(a) && Object.isFrozen(a.contact) && Object.isFrozen(a.users) && Object.isFrozen(a.users[0])).toBe(true);
    expect(a.licenses[0]).toBe(b.licenses[0]);
    await store.transact((tx) => tx.put('customers', { ...customer('c3'), subscriptions: [] }));
    const c = store.get('customers', 'c3')!;
    expect(Object.isFrozen(c.contact) && Object.isFrozen(c.subscriptions)).toBe(true);
    expect(c.licenses[0]).toEqual(a.licenses[0]);
    await store.close();
  });
});
