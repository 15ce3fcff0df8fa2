/**
 * The digest's rules on the real store: when a period starts (DIGEST_SCHEDULE in DIGEST_TIMEZONE,
 * across daylight saving time), each period queued once even when asked at once from two places,
 * a digest dropped when its conversation unsubscribed, the chart link's signature, and the
 * configuration refused in one sentence.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../bot/config.js';
import { createService } from '../../../bot/service/index.js';
import { nextDue, parseDigestSchedule, periodStart } from '../../../bot/service/digest-schedule.js';
import { ensurePartner } from '../../../bot/service/partner.js';
import type { ServiceEvent } from '../../../bot/service/events.js';
import { admin, tempStore } from '../../helpers.js';
import { customerRecord, invitationRecord, relationshipRecord } from '../../records.js';

const rome = (text: string) => parseDigestSchedule(text, 'Europe/Rome')!;
const iso = (d: Date) => d.toISOString();

async function digestService(now: Date, schedule = rome('monday 08:00')) {
  const { store } = await tempStore();
  await ensurePartner(store, { name: 'Northwind Cloud', id: null });
  const clock = { now };
  const events: ServiceEvent[] = [];
  const service = createService({
    store,
    publicUrl: 'https://bot.example.com',
    bootstrapAdmins: ['cli:admin'],
    notifier: { publish: (e) => events.push(e) },
    now: () => clock.now,
    digest: schedule,
  });
  return { service, store, clock, events };
}

describe('the digest schedule', () => {
  it('reads a day or daily and a 24-hour time, and nothing else', () => {
    expect(rome('Monday 8:00')).toMatchObject({ days: [1], hour: 8, minute: 0, text: 'monday 08:00' });
    expect(rome('daily 23:59').days).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const bad of ['monday', 'monday 24:00', 'mon 08:00', 'lunedì 08:00', 'weekly 08:00', '08:00', 'monday 8.00'])
      expect(parseDigestSchedule(bad, 'Europe/Rome')).toBeNull();
  });

  it('keeps 08:00 in Rome across daylight saving time, both ways', () => {
    const monday = rome('monday 08:00');
    // Summer time starts on 29 March 2026 and ends on 25 October 2026.
    expect(iso(periodStart(monday, new Date('2026-03-25T12:00:00Z')))).toBe('2026-03-23T07:00:00.000Z');
    expect(iso(nextDue(monday, new Date('2026-03-25T12:00:00Z')))).toBe('2026-03-30T06:00:00.000Z');
    expect(iso(periodStart(monday, new Date('2026-10-28T12:00:00Z')))).toBe('2026-10-26T07:00:00.000Z');
    expect(iso(periodStart(monday, new Date('2026-10-26T06:59:59Z')))).toBe('2026-10-19T06:00:00.000Z');
    // Exactly at the moment, the new period has started.
    expect(iso(periodStart(monday, new Date('2026-03-30T06:00:00Z')))).toBe('2026-03-30T06:00:00.000Z');
    const daily = rome('daily 02:30');
    // 02:30 does not exist on 29 March in Rome: the moment is still once that day.
    const onChange = [periodStart(daily, new Date('2026-03-29T12:00:00Z')), nextDue(daily, new Date('2026-03-28T12:00:00Z'))];
    expect(onChange[0]!.getTime()).toBe(onChange[1]!.getTime());
    expect(iso(nextDue(daily, new Date('2026-12-31T23:00:00Z')))).toBe('2027-01-01T01:30:00.000Z');
  });

  it('stops start-up with one sentence for a schedule or a time zone it cannot read', () => {
    expect(loadConfig({}).digest).toMatchObject({ days: [1], hour: 8, minute: 0, timeZone: 'Europe/Rome' });
    expect(loadConfig({ DIGEST_SCHEDULE: 'daily 07:30', DIGEST_TIMEZONE: 'America/New_York' }).digest).toMatchObject({
      days: [0, 1, 2, 3, 4, 5, 6],
      hour: 7,
      minute: 30,
      timeZone: 'America/New_York',
    });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ DIGEST_SCHEDULE: 'every monday' })).toEqual([
      'DIGEST_SCHEDULE must be a day and a 24-hour time such as "monday 08:00", or "daily 08:00", got "every monday".',
    ]);
    expect(problems({ DIGEST_TIMEZONE: 'Europe/Roma' })).toEqual([
      'DIGEST_TIMEZONE must be an IANA time zone such as Europe/Rome, got "Europe/Roma".',
    ]);
  });
});

describe('digests queued and sent', () => {
  it('queues each period once for each subscription, even asked twice at once, and the next period again', async () => {
    const { service, store, clock, events } = await digestService(new Date('2026-12-02T10:00:00Z'));
    await service.subscribeToDigest(admin, { platform: 'slack', conversationId: 'C0SALES', name: '#sales' });
    await service.subscribeToDigest({ ...admin, locale: 'it' }, { platform: 'slack', conversationId: 'C0ITA', name: '#italia' });
    // Subscribed on a Wednesday: nothing for the Monday already past.
    expect(await service.queueDueDigests()).toBe(0);

    clock.now = new Date('2026-12-07T07:00:05Z');
    const counts = await Promise.all([service.queueDueDigests(), service.queueDueDigests()]);
    expect(counts.sort()).toEqual([0, 2]);
    expect([...store.all('deliveries')].map((d) => d.id).sort()).toEqual([
      'digest:slack:C0ITA:2026-12-07T07:00:00.000Z',
      'digest:slack:C0SALES:2026-12-07T07:00:00.000Z',
    ]);
    expect(events.filter((e) => e.type === 'digest')).toHaveLength(2);

    // Three weeks later (the bot was down): one more each, for the current period only; the
    // first period's, never delivered, is superseded rather than sent late beside it.
    clock.now = new Date('2026-12-29T09:00:00Z');
    expect(await service.queueDueDigests()).toBe(2);
    expect([...store.all('deliveries')].map((d) => d.id).sort()).toEqual([
      'digest:slack:C0ITA:2026-12-28T07:00:00.000Z',
      'digest:slack:C0SALES:2026-12-28T07:00:00.000Z',
    ]);
    expect(await service.queueDueDigests()).toBe(0);
  });

  it('drops a queued digest whose conversation unsubscribed, and reads the figures when it is sent', async () => {
    const { service, store, clock } = await digestService(new Date('2026-12-02T10:00:00Z'));
    await service.subscribeToDigest(admin, { platform: 'slack', conversationId: 'C0SALES', name: '#sales' });
    await service.subscribeToDigest(admin, { platform: 'slack', conversationId: 'C0OPS', name: '#ops' });
    clock.now = new Date('2026-12-07T08:00:00Z');
    await service.queueDueDigests();
    const [ops, sales] = [...store.all('deliveries')].sort((a, b) => a.id.localeCompare(b.id));
    const prepared = await service.prepareDelivery(sales!);
    expect(prepared).toMatchObject({ type: 'digest', report: { at: '2026-12-07T08:00:00.000Z', timeZone: 'Europe/Rome' } });

    await service.unsubscribeFromDigest(admin, { platform: 'slack', conversationId: 'C0OPS' });
    expect(store.get('deliveries', ops!.id)).toBeUndefined();
    expect(await service.prepareDelivery(ops!)).toBeNull();
  });

  it('shows the chart only at an address signed for the conversation, until it expires', async () => {
    const { service, clock } = await digestService(new Date('2026-12-02T10:00:00Z'));
    expect(service.digestNow(admin, { platform: 'slack', conversationId: 'C0SALES' }).report.chartUrl).toBeNull();
    await service.subscribeToDigest(admin, { platform: 'slack', conversationId: 'C0SALES', name: '#sales' });
    const url = new URL(service.digestNow(admin, { platform: 'slack', conversationId: 'C0SALES' }).report.chartUrl!);
    const [, , , sub, file] = url.pathname.split('/');
    const at = file!.replace('.png', '');
    const exp = url.searchParams.get('exp')!;
    const sig = url.searchParams.get('sig')!;
    expect(decodeURIComponent(sub!)).toBe('slack:C0SALES');
    expect(service.digestChart('slack:C0SALES', at, exp, sig)?.weeks).toHaveLength(8);
    expect(service.digestChart('slack:C0SALES', at, String(Number(exp) + 1), sig)).toBeNull();
    expect(service.digestChart('slack:C0OTHER', at, exp, sig)).toBeNull();
    expect(service.digestChart('slack:C0SALES', at, exp, `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    clock.now = new Date(Number(exp) + 1);
    expect(service.digestChart('slack:C0SALES', at, exp, sig)).toBeNull();
  });

  it('counts the open gaps by the rules of `gaps`: a customer invited with a provider that has no provider relationship', async () => {
    const { service, store } = await digestService(new Date('2026-12-02T10:00:00Z'));
    const empty = service.digestNow(admin, null).report.gaps;
    expect(empty).toEqual([{ kind: 'providerWithoutRelationship', count: 0, unknown: 0 }]);
    await store.transact((tx) => {
      tx.put('customers', customerRecord('c1', 'Customer 1', 'c1.example'));
      tx.put('relationships', relationshipRecord('r1', 'c1'));
    });
    const provider = await service.addProvider(admin, { name: 'Contoso Distribution' });
    await store.transact((tx) => {
      tx.put('invitations', invitationRecord('i1', { status: 'accepted', customerId: 'c1', providerId: provider.id, acceptedAt: '2026-12-01T10:00:00.000Z' }));
    });
    const report = service.digestNow(admin, null).report;
    expect(report.gaps).toEqual(service.gapCounts());
    expect(report.gaps).toEqual([{ kind: 'providerWithoutRelationship', count: 1, unknown: 0 }]);
  });
});
