/** Shared test helpers: temp folders, a real store on a temp file, actors, a fixed clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openLowdbStore } from '../store/lowdb-store.js';
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
  const store = await openLowdbStore({ file });
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
