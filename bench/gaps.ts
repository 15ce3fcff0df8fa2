/**
 * How long `gaps` takes to answer on a 2,000-customer book as the Microsoft directory's sync
 * leaves it (customers, their GDAP relationships of every kind, invitations with a provider):
 * the typed command and a page of one gap, through the conversation (role check, the rules, the
 * view) and rendered as a Teams card and a Slack message. In process, on the real store code held
 * in memory: the HTTP and connector costs are the `list customers` rows' business.
 */
import { openJournalStore } from '../store/journal-store.js';
import { createService } from '../bot/service/index.js';
import { embeddedDirectory, type Directory } from '../bot/service/directory.js';
import { createConversation, type Turn } from '../bot/conversation/handler.js';
import { renderAdaptiveCard } from '../render/teams/adaptive.js';
import { toSlackMessage } from '../render/slack/blocks.js';
import type { View } from '../views/index.js';

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const AT = '2026-06-01T09:00:00.000Z';
const NOW = new Date('2026-12-01T09:00:00.000Z');
const DAY = 86_400_000;

/** The rules read only the store; the directory says which kind it is (Graph is not called by `gaps`). */
const microsoftKind: Directory = { ...embeddedDirectory, kind: 'microsoft' };

async function bookOf(customers: number) {
  const store = await openJournalStore({ file: null });
  const who = { platform: 'cli' as const, userId: 'bench', displayName: 'Bench' };
  await store.transact((tx) => {
    tx.put('roles', { id: 'cli:bench', platform: 'cli', userId: 'bench', role: 'global-admin', grantedBy: who, grantedAt: AT });
    tx.put('providers', { id: 'prov-1', name: 'Contoso Distribution', tenantId: 'b0b0b0b0-0000-4000-8000-00000000d157', createdAt: AT });
    for (let i = 0; i < customers; i++) {
      const id = `cust-${i}`;
      const tenantId = `7c0ffee0-1234-4abc-9def-${String(i).padStart(12, '0')}`;
      const name = `Customer ${String(i).padStart(4, '0')} Holding Internazionale S.p.A.`;
      tx.put('customers', {
        id,
        companyName: name,
        domain: `customer-${i}.example`,
        tenantId,
        contact: { name: '', email: '' },
        subscriptions: [],
        users: [],
        licenses: [],
        createdAt: AT,
        updatedAt: AT,
      });
      tx.put('relationships', {
        id: `rel-${i}`,
        customerId: id,
        kind: 'reseller',
        providerId: null,
        status: 'active',
        dapGranted: false,
        invitationId: null,
        createdAt: AT,
        endedAt: null,
      });
      if (i % 13 === 0) continue; // no GDAP at all
      tx.put('gdap', {
        id: `gdap-${i}`,
        displayName: i % 9 === 0 ? `MLT_${i}` : `Northwind_GDAP_${i}`,
        status: i % 11 === 0 ? 'expired' : 'active',
        customerTenantId: tenantId,
        customerName: name,
        roleDefinitionIds: i % 7 === 0 ? [GLOBAL_ADMIN, DIRECTORY_READERS] : [DIRECTORY_READERS],
        autoExtendDuration: 'PT0S',
        endDateTime: new Date(NOW.getTime() + (i % 4 === 0 ? 1 + (i % 29) : 300) * DAY).toISOString(),
        invitationId: null,
        syncedAt: AT,
        expiryNoticeAt: null,
      });
    }
  });
  return store;
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
const render = (views: View[]) => views.forEach((view) => (renderAdaptiveCard(view), toSlackMessage(view)));

/** Median and 95th percentile of `runs` answers each, in ms, for the typed `gaps` and a page of one gap. */
export async function gapsLatency(customers = 2_000, runs = 50): Promise<Record<string, number>> {
  const store = await bookOf(customers);
  const service = createService({ store, publicUrl: 'http://localhost:3978', directory: microsoftKind, now: () => NOW });
  const conversation = createConversation(service, { error: () => {}, warn: () => {} });
  const turn: Turn = {
    actor: { platform: 'cli', userId: 'bench', displayName: 'Bench', locale: 'en' },
    conversation: { platform: 'cli', conversationId: 'bench', name: 'bench' },
  };
  const typed: number[] = [];
  const paged: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    let started = performance.now();
    render(await conversation.handleText(turn, 'gaps'));
    const typedMs = performance.now() - started;
    started = performance.now();
    render((await conversation.handleAction(turn, 'gaps.page', { kind: 'endingWithoutAutoExtend', page: 3 })).views);
    const pagedMs = performance.now() - started;
    // The first few warm the JIT and the date formats.
    if (i >= 5) {
      typed.push(typedMs);
      paged.push(pagedMs);
    }
  }
  await store.close();
  return {
    gapsMs: quantile(typed, 0.5),
    gapsP95Ms: quantile(typed, 0.95),
    gapPageMs: quantile(paged, 0.5),
    gapPageP95Ms: quantile(paged, 0.95),
  };
}
