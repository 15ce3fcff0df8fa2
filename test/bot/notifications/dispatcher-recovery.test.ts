/**
 * The dispatcher's recovery branches, on the real service and store (a temp file), with a sender
 * that records its posts and a cluster that stands in for the database's holds: a conversation
 * unsubscribed while its delivery is pending, a platform this replica has no sender for, a hold
 * the database refused to give, and a failed attempt the store refused to record.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { admin, contact, testService } from '../../helpers.js';
import { createDispatcher, type Destination, type Sender } from '../../../bot/notifications/dispatcher.js';
import { createLogger } from '../../../bot/logger.js';
import type { Cluster, Held } from '../../../store/cluster.js';
import type { Delivery } from '../../../store/schema.js';

const OPS = { platform: 'teams' as const, conversationId: '19:ops@thread.tacv2', name: 'Ops' };
const OPS_ID = 'teams:19:ops@thread.tacv2';

/** A logger writing to memory: the records it wrote, parsed. */
function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('debug', stream), lines, messages: () => lines.map((l) => String(l.msg)) };
}

/** A sender that records what it posted and can be told to refuse. */
function recordingSender() {
  const posts: Destination[] = [];
  const sender: Sender<'teams'> & { posts: Destination[]; refuse: Error | null } = {
    posts,
    refuse: null,
    async post(destination) {
      if (sender.refuse) throw sender.refuse;
      posts.push(destination);
    },
    async update() {},
  };
  return sender;
}

/**
 * The holds of a one-replica database: `hold` reads the record when asked, then waits for `gate`
 * (what another replica does meanwhile happens there), and `failNext` makes the next hold throw as
 * a dropped connection would.
 */
function standInCluster(read: (id: string) => Delivery | undefined) {
  const state = { gate: null as Promise<void> | null, failNext: null as Error | null, holds: 0, releases: 0 };
  const cluster: Cluster = {
    claim: async () => true,
    release: async () => {},
    secret: async () => Buffer.alloc(32),
    hold: (async (_collection: 'deliveries', id: string): Promise<Held<Delivery> | null> => {
      state.holds++;
      if (state.failNext) {
        const error = state.failNext;
        state.failNext = null;
        throw error;
      }
      const record = read(id);
      if (state.gate) await state.gate;
      if (!record) return null;
      return { record, held: true, release: async () => void state.releases++ };
    }) as Cluster['hold'],
  };
  return { cluster, state };
}

/** The service with Ops subscribed and a customer who accepted: one delivery to Ops, due now. */
async function pendingDelivery() {
  const f = await testService();
  await f.service.subscribeToNotifications(admin, OPS);
  const draft = await f.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await f.service.acceptInvitation(draft.token, contact());
  const deliveries = [...f.store.all('deliveries')];
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]!.target).toEqual({ kind: 'subscription', subscriptionId: OPS_ID });
  return { ...f, delivery: deliveries[0]! };
}

describe('dispatcher recovery', () => {
  it('drops, without posting, a delivery whose conversation was unsubscribed while this replica took its hold', async () => {
    const f = await pendingDelivery();
    const log = memoryLogger();
    const { cluster, state } = standInCluster((id) => f.store.get('deliveries', id));
    const sender = recordingSender();
    const dispatcher = createDispatcher({ store: f.store, outcomes: f.service, logger: log.logger, now: () => f.clock.now, cluster });
    dispatcher.register('teams', sender);

    // The hold is taken on the delivery as it is now; before it is granted, an admin unsubscribes Ops.
    let open!: () => void;
    state.gate = new Promise((resolve) => (open = resolve));
    const attempt = dispatcher.runDue();
    await expect.poll(() => state.holds).toBe(1);
    expect(await f.service.unsubscribeFromNotifications(admin, OPS)).toEqual({ removed: true });
    open();
    await attempt;
    await dispatcher.idle();

    expect(sender.posts).toEqual([]);
    expect(f.store.count('deliveries')).toBe(0);
    expect(state.releases).toBe(1);
    const dropped = log.lines.find((l) => l.msg === 'conversation unsubscribed: its delivery is dropped');
    expect(dropped).toMatchObject({ deliveryId: f.delivery.id, subscription: OPS_ID });
    // Not a failure: nothing was recorded against the delivery or the conversation.
    expect(log.lines.filter((l) => Number(l.level) >= 40)).toEqual([]);
  });

  it('deletes a kept delivery whose subscription is no longer in the store, instead of retrying it at every poll', async () => {
    const f = await pendingDelivery();
    const log = memoryLogger();
    // A delivery left behind for a subscription the store no longer has (written by an older version).
    const orphan: Delivery = { ...f.delivery, id: 'orphan-delivery', target: { kind: 'subscription', subscriptionId: 'teams:19:gone@thread.tacv2' } };
    await f.store.transact((tx) => tx.put('deliveries', orphan));
    const sender = recordingSender();
    const dispatcher = createDispatcher({ store: f.store, outcomes: f.service, logger: log.logger, now: () => f.clock.now });
    dispatcher.register('teams', sender);

    await dispatcher.runDue();
    await dispatcher.idle();

    expect(f.store.get('deliveries', 'orphan-delivery')).toBeUndefined();
    expect(sender.posts.map((p) => p.conversationId)).toEqual([OPS.conversationId]);
    expect(f.store.count('deliveries')).toBe(0);
    expect(log.lines.find((l) => l.deliveryId === 'orphan-delivery')?.msg).toBe('conversation unsubscribed: its delivery is dropped');
  });

  it('keeps, untouched, a delivery for a platform this replica has no sender for, and posts it once one is registered', async () => {
    const f = await pendingDelivery();
    const log = memoryLogger();
    const dispatcher = createDispatcher({ store: f.store, outcomes: f.service, logger: log.logger, now: () => f.clock.now });
    const slack = { post: async () => expect.unreachable('a Teams delivery went to Slack'), update: async () => {} };
    dispatcher.register('slack', slack);

    await dispatcher.runDue();
    await dispatcher.idle();
    // No attempt was made: none counted, no error, no back-off.
    expect(f.store.get('deliveries', f.delivery.id)).toEqual(f.delivery);
    expect(log.lines.filter((l) => Number(l.level) >= 40)).toEqual([]);

    const teams = recordingSender();
    dispatcher.register('teams', teams);
    await dispatcher.runDue();
    await dispatcher.idle();
    expect(teams.posts.map((p) => p.conversationId)).toEqual([OPS.conversationId]);
    expect(f.store.count('deliveries')).toBe(0);
  });

  it('leaves a delivery whose hold could not be taken to the next poll, which sends it', async () => {
    const f = await pendingDelivery();
    const log = memoryLogger();
    const { cluster, state } = standInCluster((id) => f.store.get('deliveries', id));
    const sender = recordingSender();
    const dispatcher = createDispatcher({ store: f.store, outcomes: f.service, logger: log.logger, now: () => f.clock.now, cluster });
    dispatcher.register('teams', sender);

    state.failNext = new Error('Connection terminated unexpectedly');
    await dispatcher.runDue();
    await dispatcher.idle();
    expect(sender.posts).toEqual([]);
    expect(f.store.get('deliveries', f.delivery.id)).toEqual(f.delivery);
    const warning = log.lines.find((l) => l.msg === 'could not claim a delivery; the next poll retries');
    expect(warning).toMatchObject({ deliveryId: f.delivery.id, level: 40, err: { message: 'Connection terminated unexpectedly' } });

    // The next poll: the hold is granted, the delivery sent once and done.
    await dispatcher.runDue();
    await dispatcher.idle();
    expect(sender.posts.map((p) => p.conversationId)).toEqual([OPS.conversationId]);
    expect(f.store.count('deliveries')).toBe(0);
    expect(state.releases).toBe(1);
  });

  it('logs a failed attempt the store refused to record, and the delivery is tried again', async () => {
    const f = await pendingDelivery();
    const log = memoryLogger();
    const refusals: string[] = [];
    const outcomes = {
      recordDelivered: (id: string) => f.service.recordDelivered(id),
      recordDeliveryFailure: async (id: string) => {
        refusals.push(id);
        throw new Error('disk full');
      },
    };
    const sender = recordingSender();
    const dispatcher = createDispatcher({ store: f.store, outcomes, logger: log.logger, now: () => f.clock.now });
    dispatcher.register('teams', sender);

    sender.refuse = new Error('RestError 503');
    await dispatcher.onAccepted({ deliveryIds: [f.delivery.id] } as unknown as Parameters<typeof dispatcher.onAccepted>[0]);
    await dispatcher.idle();
    expect(refusals).toEqual([f.delivery.id]);
    const error = log.lines.find((l) => l.msg === 'could not record a failed delivery');
    expect(error).toMatchObject({ level: 50, err: { message: 'disk full' } });
    // Nothing recorded, so the delivery is still due as it was, and the next poll sends it.
    expect(f.store.get('deliveries', f.delivery.id)).toEqual(f.delivery);
    sender.refuse = null;
    await dispatcher.runDue();
    await dispatcher.idle();
    expect(sender.posts.map((p) => p.conversationId)).toEqual([OPS.conversationId]);
    expect(f.store.count('deliveries')).toBe(0);
  });
});
