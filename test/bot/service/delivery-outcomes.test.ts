/**
 * The service's rules for deliveries that cannot succeed, on the real store with the clock
 * stepped: when one is given up, when a subscription is dropped, where and how often the admins
 * are told, and who may see and remove subscriptions. The same rules end to end, with the Teams
 * connector and Slack stand-ins refusing, are in test/reliability/dead-conversations.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { actor, admin, contact, testService } from '../../helpers.js';
import { GIVE_UP_AFTER_ATTEMPTS, GIVE_UP_AFTER_DAYS } from '../../../bot/service/delivery-outcomes.js';
import type { Connection, Delivery } from '../../../store/schema.js';
import type { NotificationsTroubleEvent } from '../../../bot/service/events.js';

const DAY = 86_400_000;
const OPS = { platform: 'teams' as const, conversationId: '19:ops@thread.tacv2', name: 'Ops' };
const ADMINS = { platform: 'slack' as const, conversationId: 'C0ADMINS', name: 'admins' };
const sales = actor('sam');

/** A service where an admin subscribed Ops and, before it, the admins' channel; a Sales agent exists. */
async function fixture() {
  const f = await testService();
  await f.service.grantRole(admin, { role: 'sales-agent', principal: 'cli:sam' });
  await f.service.subscribeToNotifications(admin, ADMINS);
  f.clock.now = new Date(f.clock.now.getTime() + 1_000);
  await f.service.subscribeToNotifications(admin, OPS);
  return f;
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

/** A customer accepts: one delivery per subscription; returns the one to Ops. */
async function acceptance(f: Fixture): Promise<Delivery> {
  const before = new Set([...f.store.all('deliveries')].map((d) => d.id));
  const draft = await f.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await f.service.acceptInvitation(draft.token, contact(`c${f.store.count('customers')}.example`));
  const toOps = [...f.store.all('deliveries')].filter(
    (d) => !before.has(d.id) && d.target.kind === 'subscription' && d.target.subscriptionId === 'teams:19:ops@thread.tacv2',
  );
  expect(toOps).toHaveLength(1);
  return toOps[0]!;
}

const notices = (f: Fixture) => [...f.store.all('deliveries')].filter((d) => d.event.type === 'notifications.trouble');
const published = (f: Fixture) => f.events.filter((e): e is NotificationsTroubleEvent => e.type === 'notifications.trouble');
const later = (f: Fixture, ms: number) => (f.clock.now = new Date(f.clock.now.getTime() + ms));
const failure = (f: Fixture, gone: 'removed' | 'notFound' | 'archived' | null = null) => ({
  error: gone ? 'Teams answered 404' : 'RestError 500',
  gone,
  retryAt: new Date(f.clock.now.getTime() + 30_000).toISOString(),
});

describe('deliveries that cannot succeed', () => {
  it(`gives a delivery up at attempt ${GIVE_UP_AFTER_ATTEMPTS}, not before, keeps it, and tells the admins once`, async () => {
    const f = await fixture();
    const delivery = await acceptance(f);
    for (let i = 1; i < GIVE_UP_AFTER_ATTEMPTS; i++) {
      later(f, 60_000);
      expect(await f.service.recordDeliveryFailure(delivery.id, failure(f))).toEqual({ outcome: 'retry', attempts: i });
    }
    expect(f.store.get('deliveries', delivery.id)).toMatchObject({ attempts: GIVE_UP_AFTER_ATTEMPTS - 1, lastError: 'RestError 500' });
    expect(notices(f)).toEqual([]);
    later(f, 60_000);
    expect(await f.service.recordDeliveryFailure(delivery.id, failure(f))).toEqual({ outcome: 'givenUp', attempts: GIVE_UP_AFTER_ATTEMPTS });
    // Kept for the health view, never tried again.
    expect(f.store.get('deliveries', delivery.id)).toMatchObject({ attempts: GIVE_UP_AFTER_ATTEMPTS, givenUpAt: f.clock.now.toISOString() });
    expect(await f.service.recordDeliveryFailure(delivery.id, failure(f))).toMatchObject({ outcome: 'none' });
    // Told in the admins' channel (the other one an admin subscribed), once.
    expect(notices(f)).toMatchObject([
      { target: { kind: 'conversation', platform: 'slack', conversationId: 'C0ADMINS' }, event: { outcome: 'givenUp', name: 'Ops', attempts: GIVE_UP_AFTER_ATTEMPTS } },
    ]);
    expect(published(f)).toHaveLength(1);
    expect(f.store.get('notificationSubscriptions', 'teams:19:ops@thread.tacv2')).toMatchObject({ givenUpAt: f.clock.now.toISOString(), lastError: 'RestError 500' });
  });

  it(`gives a delivery up once it is ${GIVE_UP_AFTER_DAYS} days old, whatever its attempts (the bot was down)`, async () => {
    const f = await fixture();
    const delivery = await acceptance(f);
    later(f, GIVE_UP_AFTER_DAYS * DAY - 1);
    expect(await f.service.recordDeliveryFailure(delivery.id, failure(f))).toEqual({ outcome: 'retry', attempts: 1 });
    later(f, 1);
    expect(await f.service.recordDeliveryFailure(delivery.id, failure(f))).toEqual({ outcome: 'givenUp', attempts: 2 });
    expect(published(f)).toHaveLength(1);
  });

  it('tells the admins once per outage: not for each delivery given up, again after a success', async () => {
    const f = await fixture();
    const giveUp = async (d: Delivery) => {
      later(f, GIVE_UP_AFTER_DAYS * DAY);
      expect(await f.service.recordDeliveryFailure(d.id, failure(f))).toMatchObject({ outcome: 'givenUp' });
    };
    await giveUp(await acceptance(f));
    await giveUp(await acceptance(f));
    expect(published(f)).toHaveLength(1);
    // Ops takes a post again: the outage is over, and its health says when.
    const ok = await acceptance(f);
    await f.service.recordDelivered(ok.id);
    expect(f.store.get('deliveries', ok.id)).toBeUndefined();
    const ops = f.store.get('notificationSubscriptions', 'teams:19:ops@thread.tacv2')!;
    expect(ops.lastDeliveredAt).toBe(f.clock.now.toISOString());
    expect(ops.givenUpAt).toBeUndefined();
    await giveUp(await acceptance(f));
    expect(published(f)).toHaveLength(2);
  });

  it.each(['removed', 'notFound', 'archived'] as const)(
    'drops a subscription whose conversation is gone (%s) at the first refusal, audited, with what was queued for it, and tells the admins once',
    async (reason) => {
      const f = await fixture();
      const first = await acceptance(f);
      const second = await acceptance(f);
      expect(await f.service.recordDeliveryFailure(first.id, failure(f, reason))).toEqual({ outcome: 'dropped', attempts: 1 });
      expect(f.store.get('notificationSubscriptions', 'teams:19:ops@thread.tacv2')).toBeUndefined();
      expect(f.store.get('deliveries', first.id)).toBeUndefined();
      expect(f.store.get('deliveries', second.id)).toBeUndefined();
      expect([...f.store.all('audit')].filter((a) => a.action === 'channel.dropped')).toMatchObject([
        { actor: { platform: 'teams', userId: 'platform' }, target: 'teams:19:ops@thread.tacv2', details: { name: 'Ops', reason } },
      ]);
      // A replica that tried the second delivery at the same moment reports it too: nothing more happens.
      expect(await f.service.recordDeliveryFailure(second.id, failure(f, reason))).toMatchObject({ outcome: 'none' });
      expect(notices(f)).toMatchObject([{ target: { conversationId: 'C0ADMINS' }, event: { outcome: 'gone', reason, name: 'Ops' } }]);
      expect(published(f)).toHaveLength(1);
      // The admins' channel still gets the next acceptance; Ops does not.
      const draft = await f.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
      await f.service.acceptInvitation(draft.token, contact('next.example'));
      const targets = [...f.store.all('deliveries')].filter((d) => d.event.type === 'invitation.accepted').map((d) => d.target);
      expect(targets).toContainEqual({ kind: 'subscription', subscriptionId: 'slack:C0ADMINS' });
      expect(targets).not.toContainEqual({ kind: 'subscription', subscriptionId: 'teams:19:ops@thread.tacv2' });
    },
  );

  it("never announces a notice that cannot be delivered: gone or given up, it is only kept as given up", async () => {
    const f = await fixture();
    await f.service.recordDeliveryFailure((await acceptance(f)).id, failure(f, 'notFound'));
    const [notice] = notices(f);
    expect(await f.service.recordDeliveryFailure(notice!.id, failure(f, 'removed'))).toMatchObject({ outcome: 'givenUp' });
    expect(f.store.get('deliveries', notice!.id)!.givenUpAt).toBe(f.clock.now.toISOString());
    // The admins' channel itself then fails: its own deliveries give up, and nobody is left to tell.
    const toAdmins = [...f.store.all('deliveries')].filter((d) => d.target.kind === 'subscription');
    for (const d of toAdmins) {
      later(f, GIVE_UP_AFTER_DAYS * DAY);
      await f.service.recordDeliveryFailure(d.id, failure(f));
    }
    expect(notices(f)).toHaveLength(1);
    expect(published(f)).toHaveLength(1);
  });

  it("tells the conversation Partner Center's sign-in announces to, when there is one", async () => {
    const f = await fixture();
    const announceTo = { platform: 'teams' as const, conversationId: 'a:personal-alice', reference: { conversation: { id: 'a:personal-alice' } }, locale: 'it' as const };
    await f.store.transact((tx) => tx.put('connections', connection(announceTo)));
    await f.service.recordDeliveryFailure((await acceptance(f)).id, failure(f, 'removed'));
    expect(notices(f)).toMatchObject([{ target: { kind: 'conversation', ...announceTo } }]);
  });

  it('drops the subscription even when no admin can be told, and tells nobody else', async () => {
    const f = await testService();
    await f.service.grantRole(admin, { role: 'sales-agent', principal: 'cli:sam' });
    // Subscribed by a Sales agent: not the admins' place.
    await f.service.subscribeToNotifications(sales, ADMINS);
    await f.service.subscribeToNotifications(admin, OPS);
    const draft = await f.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await f.service.acceptInvitation(draft.token, contact());
    const toOps = [...f.store.all('deliveries')].find((d) => d.target.kind === 'subscription' && d.target.subscriptionId.startsWith('teams:'))!;
    expect(await f.service.recordDeliveryFailure(toOps.id, { error: 'Teams answered 403', gone: 'removed', retryAt: f.clock.now.toISOString() })).toMatchObject({
      outcome: 'dropped',
    });
    expect([...f.store.all('deliveries')].filter((d) => d.event.type === 'notifications.trouble')).toEqual([]);
    expect([...f.store.all('audit')].some((a) => a.action === 'channel.dropped')).toBe(true);
  });

  it('gives up at once on a card or a conversation that is gone, and tells nobody', async () => {
    const f = await fixture();
    const at = f.clock.now.toISOString();
    const card: Delivery = {
      id: 'card-1',
      target: { kind: 'card', card: { platform: 'slack', channel: 'C0SALES', ts: '1.2', locale: 'en' } },
      event: { type: 'invitation.accepted', deliveryIds: [] },
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      createdAt: at,
    };
    await f.store.transact((tx) => tx.put('deliveries', card));
    expect(await f.service.recordDeliveryFailure('card-1', { error: 'Slack answered message_not_found', gone: 'notFound', retryAt: at })).toEqual({
      outcome: 'givenUp',
      attempts: 1,
    });
    expect(f.store.get('deliveries', 'card-1')).toMatchObject({ givenUpAt: at, lastError: 'Slack answered message_not_found' });
    expect(notices(f)).toEqual([]);
  });
});

describe('the notifications list', () => {
  it('shows every subscription with what waits and what was given up, to anyone with a role', async () => {
    const f = await fixture();
    await acceptance(f);
    const givenUp = await acceptance(f);
    later(f, GIVE_UP_AFTER_DAYS * DAY);
    await f.service.recordDeliveryFailure(givenUp.id, failure(f));
    const health = f.service.notificationHealth(sales);
    expect(health.map((h) => ({ id: h.subscription.id, pending: h.pending, givenUp: h.givenUp, failing: Boolean(h.subscription.givenUpAt) }))).toEqual([
      { id: 'slack:C0ADMINS', pending: 2, givenUp: 0, failing: false },
      { id: 'teams:19:ops@thread.tacv2', pending: 1, givenUp: 1, failing: true },
    ]);
    expect(() => f.service.notificationHealth(actor('nobody'))).toThrow(expect.objectContaining({ key: 'error.noRole' }));
  });

  it('lets only admins remove a subscription: audited, its deliveries gone, a second click harmless', async () => {
    const f = await fixture();
    await acceptance(f);
    const before = JSON.stringify([[...f.store.all('notificationSubscriptions')], [...f.store.all('deliveries')]]);
    await expect(f.service.removeNotificationSubscription(sales, 'teams:19:ops@thread.tacv2')).rejects.toMatchObject({ key: 'error.adminOnly' });
    await expect(f.service.removeNotificationSubscription(actor('nobody'), 'teams:19:ops@thread.tacv2')).rejects.toMatchObject({ key: 'error.noRole' });
    expect(JSON.stringify([[...f.store.all('notificationSubscriptions')], [...f.store.all('deliveries')]])).toBe(before);

    await expect(f.service.removeNotificationSubscription(admin, 'teams:19:ops@thread.tacv2')).resolves.toEqual({ removed: true, name: 'Ops' });
    expect(f.store.get('notificationSubscriptions', 'teams:19:ops@thread.tacv2')).toBeUndefined();
    expect([...f.store.all('deliveries')].filter((d) => d.target.kind === 'subscription' && d.target.subscriptionId.startsWith('teams:'))).toEqual([]);
    expect([...f.store.all('audit')].filter((a) => a.action === 'channel.removed')).toMatchObject([
      { actor: { userId: 'admin' }, target: 'teams:19:ops@thread.tacv2', details: { name: 'Ops' } },
    ]);
    await expect(f.service.removeNotificationSubscription(admin, 'teams:19:ops@thread.tacv2')).resolves.toEqual({ removed: false, name: null });
    await expect(f.service.removeNotificationSubscription(admin, '')).rejects.toMatchObject({ key: 'notifications.unknown' });
    expect([...f.store.all('audit')].filter((a) => a.action === 'channel.removed')).toHaveLength(1);
  });

  it('keeps the health of a conversation subscribed again', async () => {
    const f = await fixture();
    await f.service.recordDelivered((await acceptance(f)).id);
    const delivered = f.store.get('notificationSubscriptions', 'teams:19:ops@thread.tacv2')!.lastDeliveredAt;
    expect(delivered).toBe(f.clock.now.toISOString());
    await f.service.subscribeToNotifications(admin, OPS);
    expect(f.store.get('notificationSubscriptions', 'teams:19:ops@thread.tacv2')!.lastDeliveredAt).toBe(delivered);
  });
});

function connection(announceTo: Connection['announceTo']): Connection {
  return {
    id: 'partner-center',
    encryptedCache: 'opaque',
    account: 'alice@northwind.example',
    connectedBy: { platform: 'teams', userId: 'alice', displayName: 'Alice' },
    connectedAt: '2026-11-22T12:00:00.000Z',
    refreshExpiresAt: '2027-02-20T12:00:00.000Z',
    capabilities: {},
    nudgedAt: null,
    lostAt: null,
    announceTo,
  };
}
