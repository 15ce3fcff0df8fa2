/**
 * The Microsoft directory's sync, end to end below the chat: the real app (service, store on a
 * temp file, directory, sync) and the real Graph client against the stand-in of Microsoft.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMicrosoftSync } from '../../../bot/microsoft/sync.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';
import { admin, openApp, sentInvitation } from './harness.js';

type App = Awaited<ReturnType<typeof openApp>>;
const DAY = 24 * 60 * 60 * 1000;

let now: Date;
const clock = { now: () => now };
let fake: FakeMicrosoft;
const open: App[] = [];

async function boot(options: Parameters<typeof openApp>[2] = {}) {
  const app = await openApp(fake, clock, options);
  open.push(app);
  return app;
}
async function shutdown(app: App) {
  await app.sync?.stop();
  await app.store.close();
  open.splice(open.indexOf(app), 1);
}

const acceptedDeliveries = (app: App) => [...app.store.all('deliveries')].filter((d) => d.event.type === 'invitation.accepted');
const endingDeliveries = (app: App) => [...app.store.all('deliveries')].filter((d) => d.event.type === 'adminAccess.ending');
const subscribe = (app: App) =>
  Promise.all([
    app.service.subscribeToNotifications(admin, { platform: 'teams', conversationId: '19:sales@thread.tacv2', name: 'Sales' }),
    app.service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C0NEWS', name: 'customer-news' }),
  ]);
const contoso = { tenantId: 'c0a7b3d1-0000-4000-8000-00000000c0de', displayName: 'Contoso Ltd' };

beforeEach(async () => {
  now = new Date('2031-03-01T09:00:00.000Z');
  fake = await startFakeMicrosoft({ now: () => now, pageSize: 2 });
});
afterEach(async () => {
  while (open.length) await shutdown(open.at(-1)!);
  await fake.close();
});

describe('acceptance through the sync', () => {
  it('accepts an approved invitation exactly once, however many passes run, at once or later', async () => {
    const app = await boot();
    await subscribe(app);
    const { id, relationshipId } = await sentInvitation(app, { companyName: 'Contoso' });
    expect((await app.sync!.runOnce()).accepted).toBe(0);
    expect(app.service.getInvitation(admin, id).effectiveStatus).toBe('sent');

    fake.approve(relationshipId, contoso);
    // Two passes asked at once, and a second sync on the same service (as after a rolling restart).
    const other = createMicrosoftSync({
      graph: app.graph,
      service: app.service,
      clock,
      logger: { info() {}, warn() {}, error() {}, debug() {} } as never,
      intervalSeconds: 60,
    });
    const passes = await Promise.all([app.sync!.runOnce(), app.sync!.runOnce(), other.runOnce()]);
    // The two asked of one sync share one pass; the other sync's pass does not accept it again.
    expect(passes[0]).toBe(passes[1]);
    expect(passes[0]!.accepted + passes[2]!.accepted).toBe(1);
    now = new Date(now.getTime() + 60_000);
    expect((await app.sync!.runOnce()).accepted).toBe(0);

    const invitation = app.service.getInvitation(admin, id);
    expect(invitation.status).toBe('accepted');
    const customers = [...app.store.all('customers')];
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ tenantId: contoso.tenantId, companyName: 'Contoso Ltd' });
    expect(invitation.customerId).toBe(customers[0]!.id);
    // One delivery per subscribed channel, once.
    expect(acceptedDeliveries(app)).toHaveLength(2);
    expect([...app.store.all('audit')].filter((a) => a.action === 'invitation.accepted')).toHaveLength(1);
  });

  it('counts an acceptance in exactly one of two concurrent syncs', async () => {
    const app = await boot();
    await subscribe(app);
    const { relationshipId } = await sentInvitation(app);
    fake.approve(relationshipId, contoso);
    const other = createMicrosoftSync({
      graph: app.graph,
      service: app.service,
      clock,
      logger: { info() {}, warn() {}, error() {}, debug() {} } as never,
      intervalSeconds: 60,
    });
    const [a, b] = await Promise.all([app.sync!.runOnce(), other.runOnce()]);
    expect(a.accepted + b.accepted).toBe(1);
    expect(acceptedDeliveries(app)).toHaveLength(2);
  });

  it('accepts after a restart between Microsoft approving and the next pass, and never again after one', async () => {
    const first = await boot();
    await subscribe(first);
    const { id, relationshipId } = await sentInvitation(first);
    fake.approve(relationshipId, contoso);
    await shutdown(first);

    const second = await boot({ dataFile: first.dataFile });
    expect((await second.sync!.runOnce()).accepted).toBe(1);
    await shutdown(second);

    const third = await boot({ dataFile: first.dataFile });
    expect((await third.sync!.runOnce()).accepted).toBe(0);
    expect(third.service.getInvitation(admin, id).status).toBe('accepted');
    expect([...third.store.all('customers')]).toHaveLength(1);
    expect(acceptedDeliveries(third)).toHaveLength(2);
  });

  it('loses nothing when stopped in the middle of a pass', async () => {
    const first = await boot();
    await subscribe(first);
    const { id, relationshipId } = await sentInvitation(first);
    fake.approve(relationshipId, contoso);
    // The pass is under way (slowed by a throttled customer list) when the bot stops.
    fake.failNext('GET /v1.0/tenantRelationships/delegatedAdminCustomers', { status: 503, retryAfter: 1 });
    const pass = first.sync!.runOnce();
    await shutdown(first);
    await pass;

    const second = await boot({ dataFile: first.dataFile });
    expect((await second.sync!.runOnce()).accepted).toBe(0);
    expect(second.service.getInvitation(admin, id).status).toBe('accepted');
    expect([...second.store.all('customers')]).toHaveLength(1);
    expect(acceptedDeliveries(second)).toHaveLength(2);
  });
});

describe('requests that end before approval', () => {
  it('marks the invitation expired when its request expired, was terminated or is gone', async () => {
    const app = await boot();
    const expired = await sentInvitation(app);
    const terminated = await sentInvitation(app);
    const gone = await sentInvitation(app);
    const waiting = await sentInvitation(app);
    fake.expire(expired.relationshipId);
    fake.terminate(terminated.relationshipId);
    // Microsoft no longer knows the request this invitation points to.
    await app.store.transact((tx, read) => {
      const invitation = read.get('invitations', gone.id)!;
      tx.put('invitations', { ...invitation, microsoft: { ...invitation.microsoft!, gdapRelationshipId: randomUUID() } });
    });

    const pass = await app.sync!.runOnce();
    expect(pass.expired).toBe(3);
    for (const { id } of [expired, terminated, gone]) expect(app.service.getInvitation(admin, id).effectiveStatus).toBe('expired');
    expect(app.service.getInvitation(admin, waiting.id).effectiveStatus).toBe('sent');
    expect((await app.sync!.runOnce()).expired).toBe(0);
    expect([...app.store.all('audit')].filter((a) => a.action === 'invitation.endedAtMicrosoft')).toHaveLength(3);

    // An expired invitation is never accepted later, even if Microsoft showed it approved.
    expect(app.service.invitationsAwaitingMicrosoft().map((i) => i.invitationId)).toEqual([waiting.id]);
  });
});

describe('Graph throttling and outages during a pass', () => {
  it('honours 429 Retry-After and 503 and still completes the pass', async () => {
    const app = await boot();
    const { relationshipId } = await sentInvitation(app);
    fake.approve(relationshipId, contoso);
    fake.failNext('GET /v1.0/tenantRelationships/delegatedAdminRelationships', { status: 429, retryAfter: 7 });
    fake.failNext('GET /v1.0/tenantRelationships/delegatedAdminCustomers', { status: 503, retryAfter: 3 });
    const pass = await app.sync!.runOnce();
    expect(pass.accepted).toBe(1);
    expect(app.sleeps).toContain(7000);
    expect(app.sleeps).toContain(3000);
    expect(app.sync!.health()).toMatchObject({ lastError: null, stale: false });
  });

  it('reports a failed pass, retries it later, and is stale only after three intervals without success', async () => {
    const app = await boot({ env: { MICROSOFT_SYNC_SECONDS: '60' } });
    await app.sync!.runOnce();
    const okAt = now.toISOString();
    const { relationshipId } = await sentInvitation(app);
    fake.approve(relationshipId, contoso);

    fake.failNext('GET /v1.0/tenantRelationships/delegatedAdminRelationships', { status: 503, times: 5 });
    now = new Date(now.getTime() + 60_000);
    await expect(app.sync!.runOnce()).rejects.toThrow();
    expect(app.sync!.health()).toMatchObject({ lastSuccessAt: okAt, stale: false });
    expect(app.sync!.health().lastError).toBeTruthy();

    now = new Date(Date.parse(okAt) + 3 * 60_000);
    expect(app.sync!.health().stale).toBe(false);
    now = new Date(Date.parse(okAt) + 3 * 60_000 + 1);
    expect(app.sync!.health().stale).toBe(true);
    const status = await app.service.directoryStatus(admin);
    expect(status.sync).toMatchObject({ stale: true, lastSuccessAt: okAt });

    // Microsoft answers again: the next pass accepts and health recovers.
    expect((await app.sync!.runOnce()).accepted).toBe(1);
    expect(app.sync!.health()).toMatchObject({ lastError: null, stale: false, lastSuccessAt: now.toISOString() });
  });

  it('is not stale before its first interval even when the first pass has not run yet', async () => {
    const app = await boot({ env: { MICROSOFT_SYNC_SECONDS: '30' } });
    expect(app.sync!.health()).toMatchObject({ lastSuccessAt: null, stale: false });
    now = new Date(now.getTime() + 90_001);
    expect(app.sync!.health().stale).toBe(true);
  });
});

describe('customers from Microsoft', () => {
  it('lists every delegatedAdminCustomer over several pages, merged by tenant id with one the bot accepted', async () => {
    const app = await boot();
    const { relationshipId } = await sentInvitation(app);
    fake.approve(relationshipId, contoso);
    const listed = Array.from({ length: 5 }, (_, i) => ({
      tenantId: `00000000-0000-4000-8000-00000000000${i}`,
      displayName: `Fabrikam ${i}`,
    }));
    for (const customer of listed) fake.addCustomer(customer);

    const pass = await app.sync!.runOnce();
    expect(pass.accepted).toBe(1);
    expect(pass.customers).toBe(6);
    // pageSize 2: the customer list took three pages.
    expect(fake.requests().filter((r) => r.path === '/v1.0/tenantRelationships/delegatedAdminCustomers').length).toBeGreaterThanOrEqual(3);
    const customers = [...app.store.all('customers')];
    expect(customers).toHaveLength(6);
    expect(customers.filter((c) => c.tenantId === contoso.tenantId)).toHaveLength(1);
    const page = app.service.listCustomers(admin, {});
    expect(page.total ?? page.items.length).toBe(6);

    // Renamed at Microsoft, another pass and a restart: still one customer per tenant.
    fake.addCustomer({ ...listed[0]!, displayName: 'Fabrikam Renamed' });
    expect((await app.sync!.runOnce()).added).toBe(0);
    await shutdown(app);
    const again = await boot({ dataFile: app.dataFile });
    expect((await again.sync!.runOnce()).added).toBe(0);
    expect([...again.store.all('customers')]).toHaveLength(6);
    expect([...again.store.all('customers')].find((c) => c.tenantId === listed[0]!.tenantId)?.companyName).toBe('Fabrikam Renamed');
  });
});

describe('admin access ending soon', () => {
  it('posts once for a relationship ending within 30 days without auto-extend, never again across passes or restarts', async () => {
    const app = await boot({ env: { GDAP_DURATION_DAYS: '20', GDAP_AUTO_EXTEND: 'false' } });
    await subscribe(app);
    const ending = await sentInvitation(app);
    fake.approve(ending.relationshipId, contoso);
    const first = await app.sync!.runOnce();
    expect(first.announced).toBe(1);
    expect(endingDeliveries(app)).toHaveLength(2);
    expect(endingDeliveries(app)[0]!.event).toMatchObject({
      type: 'adminAccess.ending',
      relationshipId: ending.relationshipId,
      companyName: 'Contoso Ltd',
    });

    for (let day = 1; day <= 3; day++) {
      now = new Date(now.getTime() + DAY + 1);
      expect((await app.sync!.runOnce()).announced).toBe(0);
    }
    await shutdown(app);
    const again = await boot({ dataFile: app.dataFile, env: { GDAP_DURATION_DAYS: '20', GDAP_AUTO_EXTEND: 'false' } });
    expect((await again.sync!.runOnce()).announced).toBe(0);
    expect(endingDeliveries(again)).toHaveLength(2);
  });

  it('does not announce a relationship that auto-extends or ends later than 30 days', async () => {
    const app = await boot({ env: { GDAP_DURATION_DAYS: '20', GDAP_AUTO_EXTEND: 'true' } });
    await subscribe(app);
    fake.approve((await sentInvitation(app)).relationshipId, contoso);
    expect((await app.sync!.runOnce()).announced).toBe(0);
    await shutdown(app);
    const long = await boot({ env: { GDAP_DURATION_DAYS: '90', GDAP_AUTO_EXTEND: 'false' } });
    await subscribe(long);
    fake.approve((await sentInvitation(long)).relationshipId, { tenantId: randomUUID(), displayName: 'Adatum' });
    expect((await long.sync!.runOnce()).announced).toBe(0);
    expect(endingDeliveries(long)).toHaveLength(0);
  });
});
