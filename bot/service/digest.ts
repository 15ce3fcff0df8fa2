/**
 * The weekly digest: `digest here` subscribes a conversation, `stop digest` ends it, `digest` shows
 * it now. At each DIGEST_SCHEDULE moment every subscribed conversation gets one delivery, its id
 * the subscription's and the period's, written in the transaction that records the period as
 * queued: two replicas, or a restart, never queue a period twice, and periods missed while the bot
 * was down come as one digest (the current period's), not one per week missed.
 *
 * Its chart is an image the bot's web server renders from the store when asked, at an address
 * signed with the subscription's own key (HMAC-SHA256 over the path and the expiry): any replica
 * checks it without a record per link, and it stops working when it expires or the conversation
 * unsubscribes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Delivery, DeliveryTarget, DigestSubscription } from '../../store/schema.js';
import type { StoreReader, Tx } from '../../store/store.js';
import { toActorRef, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { queueDelivery } from './deliveries.js';
import type { GapSummary } from './gap-kinds.js';
import { chartWeeks, digestReport, type ChartWeek, type DigestReport } from './digest-report.js';
import { nextDue, periodStart, type DigestSchedule } from './digest-schedule.js';
import { InvalidInput } from './errors.js';
import type { DigestEvent } from './events.js';
import { subscriptionKey } from './notification-subscriptions.js';
import { requireRole } from './roles.js';
import { platformData, singleLine } from './text.js';

/** How long a chart link works: a digest read a month later shows its alt text (the same figures). */
export const CHART_LINK_MS = 30 * 86_400_000;

const digestId = (subscriptionId: string, period: string) => `digest:${subscriptionId}:${period}`;
export const isDigestDelivery = (delivery: Readonly<Delivery>) => delivery.event.type === 'digest';

/** The path a chart is served at; `at` is the digest's moment in ms, so the image shows the same weeks as its alt text. */
export const chartPath = (subscriptionId: string, at: number) => `/digest/chart/${encodeURIComponent(subscriptionId)}/${at}.png`;

const signature = (key: string, path: string, expires: number) =>
  createHmac('sha256', Buffer.from(key, 'base64url')).update(`${path}?exp=${expires}`).digest('base64url');

export interface DigestPlace {
  platform: 'teams' | 'slack';
  conversationId: string;
  name?: string;
  reference?: Record<string, unknown> | null;
}

/** What `digest` shows besides the figures: whether this conversation gets it, and when next. */
export interface DigestNow {
  report: DigestReport;
  subscribed: boolean;
  nextAt: string;
}

/** A digest subscription and its digests still waiting; its chart links stop working with its key. */
export function deleteDigestSubscription(tx: Tx, read: StoreReader, id: string): void {
  tx.delete('digestSubscriptions', id);
  for (const d of read.all('deliveries')) if (d.id.startsWith(`digest:${id}:`)) tx.delete('deliveries', d.id);
}

export function createDigestOperations(ctx: ServiceContext, schedule: DigestSchedule, gapCounts: () => GapSummary[]) {
  const targetOf = (s: Readonly<DigestSubscription>): DeliveryTarget => ({
    kind: 'conversation',
    platform: s.platform,
    conversationId: s.conversationId,
    reference: s.reference,
    locale: s.locale,
  });

  const chartUrlOf = (s: Readonly<DigestSubscription> | undefined, at: Date): string | null => {
    if (!s?.chartKey) return null;
    const path = chartPath(s.id, at.getTime());
    const expires = at.getTime() + CHART_LINK_MS;
    return `${ctx.publicUrl}${path}?exp=${expires}&sig=${signature(s.chartKey, path, expires)}`;
  };

  const reportFor = (s: Readonly<DigestSubscription> | undefined, at: Date) =>
    digestReport(ctx.store, at, schedule.timeZone, chartUrlOf(s, at), gapCounts());

  return {
    /** `digest here`: this conversation gets the digest from the next DIGEST_SCHEDULE moment on. Harmless twice. */
    async subscribeToDigest(
      actor: Actor,
      place: DigestPlace,
    ): Promise<{ subscription: DigestSubscription; nextAt: string; timeZone: string }> {
      requireRole(ctx, actor);
      if (!place.conversationId) throw new InvalidInput('digest.noConversation');
      const id = subscriptionKey(place.platform, place.conversationId);
      const now = ctx.now();
      const subscription = await ctx.store.transact((tx, read) => {
        const existing = read.get('digestSubscriptions', id);
        const record: DigestSubscription = {
          ...existing,
          id,
          platform: place.platform,
          conversationId: place.conversationId,
          name: singleLine(place.name ?? '') || existing?.name || singleLine(place.conversationId),
          reference: place.reference ? platformData(place.reference) : (existing?.reference ?? null),
          locale: actor.locale,
          createdBy: existing?.createdBy ?? toActorRef(actor),
          createdAt: existing?.createdAt ?? now.toISOString(),
          chartKey: existing?.chartKey ?? randomBytes(32).toString('base64url'),
          // The period already under way was before it subscribed: the first digest is the next one.
          lastPeriodStart: existing?.lastPeriodStart ?? periodStart(schedule, now).toISOString(),
        };
        tx.put('digestSubscriptions', record);
        ctx.audit(tx, actor, 'digest.subscribed', id, { name: record.name });
        return record;
      });
      return { subscription, nextAt: nextDue(schedule, now).toISOString(), timeZone: schedule.timeZone };
    },

    /** `stop digest`: no more digests here, none still waiting, and its chart links stop working. */
    async unsubscribeFromDigest(actor: Actor, place: Pick<DigestPlace, 'platform' | 'conversationId'>): Promise<{ removed: boolean }> {
      requireRole(ctx, actor);
      const id = subscriptionKey(place.platform, place.conversationId);
      return ctx.store.transact((tx, read) => {
        const existing = read.get('digestSubscriptions', id);
        if (!existing) return { removed: false };
        deleteDigestSubscription(tx, read, id);
        ctx.audit(tx, actor, 'digest.unsubscribed', id, { name: existing.name ?? '' });
        return { removed: true };
      });
    },

    /** `digest`: the digest as it would be sent now, with the chart where this conversation is subscribed. */
    digestNow(actor: Actor, place: Pick<DigestPlace, 'platform' | 'conversationId'> | null): DigestNow {
      requireRole(ctx, actor);
      const now = ctx.now();
      const subscription = place ? ctx.store.get('digestSubscriptions', subscriptionKey(place.platform, place.conversationId)) : undefined;
      return { report: reportFor(subscription, now), subscribed: Boolean(subscription), nextAt: nextDue(schedule, now).toISOString() };
    },

    /**
     * Queues the current period's digest for every subscription that has not had it: run at start
     * and at each due moment (bot/notifications/digest-scheduler.ts). Returns how many it queued.
     */
    async queueDueDigests(): Promise<number> {
      const period = periodStart(schedule, ctx.now());
      const events = await ctx.store.transact((tx, read) => {
        const queued: DigestEvent[] = [];
        const due = [...read.all('digestSubscriptions')].filter(
          (s) => !s.lastPeriodStart || Date.parse(s.lastPeriodStart) < period.getTime(),
        );
        // A digest of an earlier period still not delivered (its conversation failing) is superseded by this one.
        const ids = new Set(due.map((s) => s.id));
        for (const d of read.all('deliveries'))
          if (d.event.type === 'digest' && ids.has(String(d.event.subscriptionId))) tx.delete('deliveries', d.id);
        for (const s of due) {
          const event: DigestEvent = { type: 'digest', subscriptionId: s.id, period: period.toISOString(), deliveryIds: [] };
          queueDelivery(ctx, tx, targetOf(s), event, undefined, digestId(s.id, event.period));
          tx.put('digestSubscriptions', { ...s, lastPeriodStart: event.period });
          queued.push(event);
        }
        return queued;
      });
      for (const event of events) ctx.notifier.publish(event);
      return events.length;
    },

    /** When the next digest is due after now (the scheduler's timer). */
    nextDigestAt: (): Date => nextDue(schedule, ctx.now()),

    /**
     * A digest about to be posted, with its figures read now; null (and dropped) when its
     * conversation unsubscribed since it was queued.
     */
    async prepareDigest(delivery: Readonly<Delivery>): Promise<DigestEvent | null> {
      const event = delivery.event as unknown as DigestEvent;
      const subscription = ctx.store.get('digestSubscriptions', event.subscriptionId);
      if (subscription) return { ...event, report: reportFor(subscription, ctx.now()), nextAt: nextDue(schedule, ctx.now()).toISOString() };
      await ctx.store.transact((tx, read) => {
        if (read.get('deliveries', delivery.id)) tx.delete('deliveries', delivery.id);
      });
      return null;
    },

    /**
     * The chart a signed link names, or null: a wrong or expired signature, an unknown or
     * unsubscribed conversation, a moment in the future. Compared in constant time.
     */
    digestChart(
      subscriptionId: string,
      atText: string,
      expiresText: string,
      sig: string,
    ): { weeks: ChartWeek[]; locale: DigestSubscription['locale']; timeZone: string } | null {
      const subscription = ctx.store.get('digestSubscriptions', subscriptionId);
      if (!subscription?.chartKey || !/^\d{1,15}$/.test(atText) || !/^\d{1,15}$/.test(expiresText)) return null;
      const at = Number(atText);
      const expires = Number(expiresText);
      const now = ctx.now().getTime();
      if (expires <= now || at > now) return null;
      const expected = Buffer.from(signature(subscription.chartKey, chartPath(subscription.id, at), expires));
      const given = Buffer.from(sig);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return { weeks: chartWeeks(ctx.store, new Date(at)), locale: subscription.locale, timeZone: schedule.timeZone };
    },
  };
}
