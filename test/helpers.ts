/** Shared test helpers: temp folders, a real store on a temp file, actors, a fixed clock. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openJournalStore } from '../store/journal-store.js';
import type { Store } from '../store/store.js';
import { createService } from '../bot/service/index.js';
import type { Actor } from '../bot/service/actor.js';
import type { ServiceEvent } from '../bot/service/events.js';
import { ensurePartner } from '../bot/service/partner.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'csp-bot-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function tempStore(file = join(tempDir(), 'db.json')): Promise<{ store: Store; file: string }> {
  const store = await openJournalStore({ file });
  cleanups.push(() => store.close());
  return { store, file };
}

export const actor = (userId: string, locale: 'en' | 'it' = 'en', platform: Actor['platform'] = 'cli'): Actor => ({ platform, userId, displayName: userId, locale });
export const admin = actor('admin');

/** A service on a real temp-file store, with a settable clock and the events it published. */
export async function testService(options: { now?: Date } = {}) {
  const { store, file } = await tempStore();
  const clock = { now: options.now ?? new Date('2026-11-23T10:00:00Z') };
  const events: ServiceEvent[] = [];
  await ensurePartner(store, { name: 'Northwind Cloud', id: '6f1c2a9e-4b7d-4c1e-9a53-2d8e7f0b1c44' });
  const service = createService({
    store,
    publicUrl: 'https://bot.example.com',
    bootstrapAdmins: ['cli:admin'],
    notifier: { publish: (e) => events.push(e) },
    now: () => clock.now,
  });
  return { service, store, file, clock, events };
}

export const contact = (domain = 'contoso.com') => ({ companyName: 'Contoso Ltd', domain, name: 'Anna Verdi', email: `anna@${domain}` });

/**
 * Puts `count` listed customers the size of real tenants (by default 300 users, 15
 * subscriptions and 2 license types each, with long names) straight into the store, as a
 * directory sync would.
 */
export async function putLargeCustomers(
  store: Store,
  count: number,
  size: { users?: number; subscriptions?: number; licenses?: number; prefix?: string } = {},
) {
  const at = '2026-06-01T09:00:00.000Z';
  const prefix = size.prefix ?? 'Large';
  await store.transact((tx) => {
    for (let i = 0; i < count; i++) {
      const id = `big-${prefix}-${String(i).padStart(3, '0')}`;
      const domain = `${prefix.toLowerCase()}-tenant-${i}.example.com`;
      tx.put('customers', {
        id,
        companyName: `${prefix} Tenant ${String(i).padStart(3, '0')} Società Internazionale di Consulenza S.p.A.`,
        domain,
        tenantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        contact: { name: 'Giulia Rossi', email: `giulia.rossi@${domain}` },
        subscriptions: Array.from({ length: size.subscriptions ?? 15 }, (_, s) => ({
          id: `${id}-sub-${s}`,
          offer: `Microsoft 365 E5 (no Teams) with Copilot add-on, plan ${s + 1}`,
          quantity: 20 + s,
          status: 'active' as const,
          renewsOn: '2027-06-01',
        })),
        users: Array.from({ length: size.users ?? 300 }, (_, u) => ({
          id: `${id}-user-${u}`,
          displayName: `User ${String(u + 1).padStart(3, '0')} Bartolomeo Cristoforetti`,
          email: `user.${u + 1}.bartolomeo.cristoforetti@${domain}`,
          licenses: ['Microsoft 365 E5 (no Teams)', 'Microsoft Copilot for Microsoft 365'],
        })),
        licenses: [
          { sku: 'Microsoft 365 E5 (no Teams)', assigned: 280, total: 300 },
          { sku: 'Microsoft Copilot for Microsoft 365', assigned: 150, total: 200 },
          // Past the two above, one SKU per add-on a large tenant buys: "Add-on 03 …".
          ...Array.from({ length: Math.max(0, (size.licenses ?? 2) - 2) }, (_, n) => ({
            sku: `Add-on ${String(n + 3).padStart(2, '0')} Microsoft Defender for Office 365 (Plan 2)`,
            assigned: 10 + n,
            total: 25 + n,
          })),
        ],
        createdAt: at,
        updatedAt: at,
      });
      tx.put('relationships', { id: `rel-${id}`, customerId: id, kind: 'reseller', providerId: null, status: 'active', dapGranted: true, invitationId: null, createdAt: at, endedAt: null });
    }
  });
}

/** The text of every file in `dir` and the folders under it (the data file, its journal, its lock's owner file): what a copy of the folder would give away. */
export function everyFileText(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) => (entry.isDirectory() ? everyFileText(join(dir, entry.name)) : readFileSync(join(dir, entry.name), 'utf8')))
    .join('\n');
}

/** The Download button of an export's link page: the POST that downloads (the link's GET only shows the page). */
export function clickDownload(url: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
}
