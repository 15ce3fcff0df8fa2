/**
 * The Microsoft directory's background sync. Each pass reads the GDAP relationships and customers
 * from Graph, then hands what they mean to the service:
 *
 * - a pending invitation whose relationship is approved or active is accepted through the one
 *   acceptance path (customer, notifications to subscribed conversations and the inviter's card,
 *   in one durable step);
 * - one whose relationship expired, ended or disappeared is marked expired;
 * - the customers and relationships are recorded as the synced cache `list customers` shows;
 * - once a day, relationships ending within 30 days without auto-extend are announced.
 *
 * Exactly once across restarts: the acceptance is conditional on the invitation still being
 * pending, in the same transaction that writes its notifications. Graph's 429/503 are retried by
 * the client (Retry-After); a failed pass is retried with back-off, and /healthz reports a sync
 * that has not succeeded for three intervals.
 */
import type { Service } from '../service/index.js';
import { ENDED_GDAP, LIVE_GDAP } from '../service/directory-sync.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { GdapRelationship, GraphClient } from './graph.js';
import type { SyncHealth } from './directory.js';
import type { AccessRule } from './access-config.js';
import { assignAccess } from './access.js';
import type { PartnerCenterFeatures } from '../partner-center/features.js';
import { inSpan } from '../telemetry.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_BACKOFF_MS = 15 * 60_000;

export interface SyncOptions {
  graph: GraphClient;
  /** Partner Center's API where the partner has it. */
  partnerCenter?: PartnerCenterFeatures | null;
  service: Service;
  clock: Clock;
  logger: Logger;
  intervalSeconds: number;
  /** GDAP_ACCESS: the groups assigned to each active relationship the bot requested (none: nothing assigned). */
  access?: readonly AccessRule[];
}

export interface SyncPass {
  accepted: number;
  expired: number;
  customers: number;
  added: number;
  announced: number;
  /** Relationships whose access became ready in this pass. */
  accessReady: number;
}

export function createMicrosoftSync(options: SyncOptions) {
  const { graph, service, clock, logger } = options;
  const intervalMs = options.intervalSeconds * 1000;
  const startedAt = clock.now().getTime();
  let lastSuccessAt: number | null = null;
  let lastError: string | null = null;
  let lastExpiryCheck = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<SyncPass> | null = null;
  let stopped = true;

  async function pass(): Promise<SyncPass> {
    const relationships = await graph.listRelationships();
    const byId = new Map<string, GdapRelationship>(relationships.map((r) => [r.id, r]));
    let accepted = 0;
    let expired = 0;
    for (const { invitationId, gdapRelationshipId } of service.invitationsAwaitingMicrosoft()) {
      const relationship = byId.get(gdapRelationshipId) ?? (await graph.getRelationship(gdapRelationshipId));
      if (!relationship) {
        if (await service.expireFromDirectory(invitationId, 'deleted')) expired++;
      } else if (LIVE_GDAP.has(relationship.status) && relationship.customer) {
        const done = await service.acceptFromDirectory(invitationId, {
          tenantId: relationship.customer.tenantId,
          companyName: relationship.customer.displayName?.trim() || relationship.customer.tenantId,
        });
        if (done.accepted) {
          accepted++;
          logger.info({ invitationId, relationshipId: relationship.id }, 'customer approved the GDAP request at Microsoft');
        }
      } else if (ENDED_GDAP.has(relationship.status)) {
        if (await service.expireFromDirectory(invitationId, relationship.status)) expired++;
      }
    }
    const customers: Array<{ tenantId: string; displayName: string; domain?: string; resellerRelationship?: boolean }> =
      await graph.listCustomers();
    // Partner Center's API, where the partner has it, adds reseller customers (with their domain) and providers.
    const features = options.partnerCenter ?? null;
    let providers: Array<{ tenantId: string; name: string }> | null = null;
    let fromPartnerCenter: Awaited<ReturnType<PartnerCenterFeatures['resellerCustomers']>> = null;
    if (features) {
      fromPartnerCenter = await features.resellerCustomers().catch((err: unknown) => {
        logger.warn({ err }, 'Partner Center customers could not be read; the list stays as Graph has it');
        return null;
      });
      const byTenant = new Map(customers.map((c) => [c.tenantId, c]));
      for (const c of fromPartnerCenter ?? []) byTenant.set(c.tenantId, { ...byTenant.get(c.tenantId), ...c, resellerRelationship: true });
      customers.splice(0, customers.length, ...byTenant.values());
      providers = await features.indirectProviders().catch((err: unknown) => {
        logger.warn({ err }, 'Partner Center indirect providers could not be read; the providers stay as they were');
        return null;
      });
      // A lapsed or revoked sign-in is announced once, in the admins' conversation.
      await service.checkPartnerCenterConnection(await features.connectionLost());
    }
    const recorded = await service.recordDirectorySnapshot({
      customers,
      relationships,
      providers,
      partnerCenterListed: Array.isArray(fromPartnerCenter),
    });
    // Whether the customers invited with a provider have that provider too (only Partner Center can say).
    if (features) await checkProviderRelationships(features);
    if (recorded.announced)
      logger.info({ announced: recorded.announced }, 'customers new at Microsoft without an invitation here were announced');
    const accessReady = options.access?.length ? await assignAccess({ graph, service, rules: options.access, logger }) : 0;
    let announced = 0;
    const now = clock.now().getTime();
    if (now - lastExpiryCheck >= DAY_MS) {
      announced = await service.announceEndingAdminAccess();
      lastExpiryCheck = now;
    }
    return { accepted, expired, customers: recorded.customers, added: recorded.added, announced, accessReady };
  }

  /** Reads the partners of the customers the gaps ask about (a bounded number a pass) and records them. */
  async function checkProviderRelationships(features: PartnerCenterFeatures): Promise<void> {
    const facts: Array<{ tenantId: string; partnerTenantIds: string[] }> = [];
    let refused = 0;
    let lastError: unknown = null;
    for (const tenantId of service.customersToCheckForProviders()) {
      const partners = await features.customerPartners(tenantId).catch((err: unknown) => {
        refused++;
        lastError = err;
        return null;
      });
      if (partners) facts.push({ tenantId, partnerTenantIds: partners });
    }
    // Once a pass, not once a customer: those customers' provider gap stays unknown until Partner Center answers.
    if (refused)
      logger.warn({ err: lastError, refused }, "Partner Center did not list some customers' partners; their provider gap stays unknown");
    if (facts.length) await service.recordCustomerPartners(facts);
  }

  /** One pass now; a pass already under way is shared, never run twice at once. */
  function runOnce(): Promise<SyncPass> {
    running ??= inSpan('microsoft.sync', {}, pass)
      .then(
        (result) => {
          lastSuccessAt = clock.now().getTime();
          lastError = null;
          failures = 0;
          return result;
        },
        (error: unknown) => {
          failures++;
          lastError = (error as Error)?.message?.slice(0, 300) ?? String(error);
          throw error;
        },
      )
      .finally(() => {
        running = null;
      });
    return running;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => logger.warn({ err, failures }, 'Microsoft sync failed; will retry'))
        .finally(() => schedule(failures ? Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(failures - 1, 10)) : intervalMs));
    }, delayMs);
    timer.unref();
  }

  return {
    runOnce,
    health(): SyncHealth {
      const now = clock.now().getTime();
      const since = lastSuccessAt ?? startedAt;
      return {
        lastSuccessAt: lastSuccessAt === null ? null : new Date(lastSuccessAt).toISOString(),
        lastError,
        stale: now - since > 3 * intervalMs,
      };
    },
    start(): void {
      stopped = false;
      schedule(0);
    },
    /** Stops the timer and waits for a pass under way, so nothing is cut in the middle. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => {});
    },
  };
}

export type MicrosoftSync = ReturnType<typeof createMicrosoftSync>;
