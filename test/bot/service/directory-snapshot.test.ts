/**
 * The service's half of the Microsoft sync, called as the sync calls it: the customers, providers
 * and GDAP relationships a pass read are merged into the store (only what changed is written), the
 * GDAP relationships ending soon are announced once, and the invitations still waiting for
 * Microsoft are listed. Graph itself is exercised in test/bot/microsoft.
 */
import { describe, expect, it } from 'vitest';
import { admin, testService } from '../../helpers.js';
import type { DirectoryRelationship } from '../../../bot/service/directory-sync.js';
import type { Invitation } from '../../../store/schema.js';
import { invitationRecord } from '../../records.js';

const DAY = 86_400_000;
const person = { platform: 'cli' as const, userId: 'admin', displayName: 'admin' };

const invitation = invitationRecord;
const viaMicrosoft = (gdapRelationshipId: string) => ({
  resellerLink: 'https://admin.microsoft.com/x',
  gdapRelationshipId,
  approvalLink: 'https://admin.microsoft.com/y',
});

function gdap(id: string, fields: Partial<DirectoryRelationship> = {}): DirectoryRelationship {
  return {
    id,
    displayName: `Relationship ${id}`,
    status: 'active',
    customer: { tenantId: 'tenant-1', displayName: 'Contoso Ltd' },
    roleDefinitionIds: ['role-a', 'role-b'],
    autoExtendDuration: 'PT0S',
    endDateTime: '2027-06-01T00:00:00.000Z',
    ...fields,
  };
}

describe('recording what Microsoft lists', () => {
  it('adds customers by tenant id, renames them, fills a missing domain only, and never forgets one', async () => {
    const { service, store, clock } = await testService();
    const first = await service.recordDirectorySnapshot({
      customers: [
        { tenantId: 'tenant-1', displayName: '  Contoso Ltd ', domain: ' CONTOSO.com ' },
        { tenantId: 'tenant-2', displayName: '   ' },
      ],
      relationships: [],
    });
    // The first full listing is the baseline: nothing in it is announced.
    expect(first).toEqual({ added: 2, changed: 0, announced: 0, customers: 2, relationships: 0 });
    const byTenant = (tenantId: string) => [...store.all('customers')].find((c) => c.tenantId === tenantId)!;
    const contoso = byTenant('tenant-1');
    expect(contoso).toMatchObject({
      companyName: 'Contoso Ltd',
      domain: 'contoso.com',
      contact: { name: '', email: '' },
      createdAt: clock.now.toISOString(),
    });
    // Microsoft gave no name: the tenant id stands in.
    expect(byTenant('tenant-2')).toMatchObject({ companyName: 'tenant-2', domain: '' });
    expect([...store.all('relationships')].filter((r) => r.customerId === contoso.id)).toEqual([
      expect.objectContaining({
        kind: 'reseller',
        status: 'active',
        dapGranted: false,
        invitationId: null,
        providerId: null,
        endedAt: null,
      }),
    ]);
    expect(service.listCustomers(admin).items.map((c) => c.companyName)).toEqual(['Contoso Ltd', 'tenant-2']);

    clock.now = new Date(clock.now.getTime() + DAY);
    const same = await service.recordDirectorySnapshot({
      customers: [
        { tenantId: 'tenant-1', displayName: 'Contoso Ltd', domain: 'contoso.com' },
        { tenantId: 'tenant-2', displayName: '' },
      ],
      relationships: [],
    });
    expect(same).toMatchObject({ added: 0, changed: 0 });
    expect(byTenant('tenant-1')).toEqual(contoso);

    const renamed = await service.recordDirectorySnapshot({
      // A new name keeps the domain the customer has; a domain fills in only where there was none.
      customers: [
        { tenantId: 'tenant-1', displayName: 'Contoso Group', domain: 'other.example' },
        { tenantId: 'tenant-2', displayName: 'tenant-2', domain: ' Fabrikam.COM' },
      ],
      relationships: [],
    });
    expect(renamed).toMatchObject({ added: 0, changed: 2 });
    expect(byTenant('tenant-1')).toMatchObject({
      id: contoso.id,
      companyName: 'Contoso Group',
      domain: 'contoso.com',
      updatedAt: clock.now.toISOString(),
    });
    expect(byTenant('tenant-2')).toMatchObject({ companyName: 'tenant-2', domain: 'fabrikam.com' });

    // Listed twice in one pass (Microsoft's pages overlapped): one customer.
    const twice = await service.recordDirectorySnapshot({
      customers: [
        { tenantId: 'tenant-3', displayName: 'Three' },
        { tenantId: 'tenant-3', displayName: 'Three' },
      ],
      relationships: [],
    });
    expect(twice).toMatchObject({ added: 1, changed: 0 });
    expect([...store.all('customers')].filter((c) => c.tenantId === 'tenant-3')).toHaveLength(1);

    // A pass that no longer lists tenant-1 forgets nothing.
    expect(await service.recordDirectorySnapshot({ customers: [], relationships: [] })).toEqual({
      added: 0,
      changed: 0,
      announced: 0,
      customers: 0,
      relationships: 0,
    });
    expect(service.listCustomers(admin).total).toBe(3);
  });

  it('adds indirect providers by tenant id, ignoring case and ones already known', async () => {
    const { service, store, clock } = await testService();
    await store.transact((tx) =>
      tx.put('providers', { id: 'known', name: 'Known Distribution', tenantId: 'ABC-1', createdAt: clock.now.toISOString() }),
    );
    await service.recordDirectorySnapshot({
      customers: [],
      relationships: [],
      providers: [
        { tenantId: 'abc-1', name: 'Known again' },
        { tenantId: 'P-2', name: '  ' },
        { tenantId: 'p-2', name: 'Twice in one pass' },
        { tenantId: 'p-3', name: ' Tailspin Distribution ' },
      ],
    });
    expect([...store.all('providers')].map((p) => [p.name, p.tenantId]).sort()).toEqual([
      ['Known Distribution', 'ABC-1'],
      ['P-2', 'P-2'],
      ['Tailspin Distribution', 'p-3'],
    ]);
    await service.recordDirectorySnapshot({ customers: [], relationships: [], providers: null });
    expect(store.count('providers')).toBe(3);
    // A provider recorded by hand without a tenant id matches nothing, and breaks nothing.
    await store.transact((tx) => tx.put('providers', { id: 'manual', name: 'Manual', tenantId: null, createdAt: clock.now.toISOString() }));
    await service.recordDirectorySnapshot({ customers: [], relationships: [], providers: [{ tenantId: 'p-4', name: 'Four' }] });
    expect(store.count('providers')).toBe(5);
  });

  it('writes a GDAP relationship only when something Microsoft says about it changed, keeping what the bot added', async () => {
    const { service, store, clock } = await testService();
    await store.transact((tx) => {
      tx.put('invitations', invitation('inv-1', { microsoft: viaMicrosoft('g1') }));
      tx.put('invitations', invitation('inv-2', { microsoft: viaMicrosoft('g2') }));
    });
    const tick = () => {
      clock.now = new Date(clock.now.getTime() + 60_000);
      return clock.now.toISOString();
    };
    const first = clock.now.toISOString();
    const result = await service.recordDirectorySnapshot({
      customers: [],
      relationships: [gdap('g1'), gdap('g9', { customer: null })],
    });
    expect(result.relationships).toBe(2);
    expect(store.get('gdap', 'g1')).toEqual({
      id: 'g1',
      displayName: 'Relationship g1',
      status: 'active',
      customerTenantId: 'tenant-1',
      customerName: 'Contoso Ltd',
      roleDefinitionIds: ['role-a', 'role-b'],
      autoExtendDuration: 'PT0S',
      endDateTime: '2027-06-01T00:00:00.000Z',
      invitationId: 'inv-1',
      syncedAt: first,
      expiryNoticeAt: null,
    });
    expect(store.get('gdap', 'g9')).toMatchObject({ customerTenantId: null, customerName: null, invitationId: null });

    tick();
    await service.recordDirectorySnapshot({ customers: [], relationships: [gdap('g1')] });
    expect(store.get('gdap', 'g1')!.syncedAt).toBe(first);

    // Once announced and once matched to its invitation, a record keeps both, whatever changes.
    await store.transact((tx) => {
      tx.put('gdap', { ...store.get('gdap', 'g1')!, expiryNoticeAt: first });
      tx.delete('invitations', 'inv-1');
    });
    const changes: Array<Partial<DirectoryRelationship>> = [
      { status: 'expiring' },
      { endDateTime: '2027-07-01T00:00:00.000Z' },
      { autoExtendDuration: 'P180D' },
      { customer: { tenantId: 'tenant-2', displayName: 'Contoso Ltd' } },
      { customer: { tenantId: 'tenant-2', displayName: 'Contoso Group' } },
      { displayName: 'Renamed' },
      { roleDefinitionIds: ['role-a'] },
    ];
    let current: Partial<DirectoryRelationship> = {};
    for (const change of changes) {
      current = { ...current, ...change };
      const at = tick();
      await service.recordDirectorySnapshot({ customers: [], relationships: [gdap('g1', current)] });
      const record = store.get('gdap', 'g1')!;
      expect(record.syncedAt, JSON.stringify(change)).toBe(at);
      expect(record).toMatchObject({ invitationId: 'inv-1', expiryNoticeAt: first });
    }
    expect(store.get('gdap', 'g1')).toMatchObject({
      status: 'expiring',
      endDateTime: '2027-07-01T00:00:00.000Z',
      autoExtendDuration: 'P180D',
      customerTenantId: 'tenant-2',
      customerName: 'Contoso Group',
      displayName: 'Renamed',
      roleDefinitionIds: ['role-a'],
    });
  });
});

describe('admin access ending soon', () => {
  it('announces, once, each live relationship ending within 30 days that will not extend itself, to every subscribed conversation', async () => {
    const now = new Date('2027-03-01T09:00:00.000Z');
    const { service, store } = await testService({ now });
    const inDays = (days: number, extraMs = 0) => new Date(now.getTime() + days * DAY + extraMs).toISOString();
    await service.recordDirectorySnapshot({ customers: [{ tenantId: 'tenant-1', displayName: 'Contoso Ltd' }], relationships: [] });
    await store.transact((tx) => {
      for (const id of ['s1', 's2'])
        tx.put('notificationSubscriptions', {
          id,
          platform: 'slack',
          conversationId: `C-${id}`,
          name: id,
          reference: null,
          locale: 'en',
          createdBy: person,
          createdAt: now.toISOString(),
        });
    });
    const announce = {
      known: gdap('known', { endDateTime: inDays(10), customer: { tenantId: 'tenant-1', displayName: 'Name at Microsoft' } }),
      atHorizon: gdap('atHorizon', {
        autoExtendDuration: '',
        endDateTime: inDays(30),
        customer: { tenantId: 'tenant-9', displayName: 'Nine Ltd' },
      }),
      noCustomer: gdap('noCustomer', { status: 'expiring', endDateTime: inDays(1), customer: null }),
      unnamed: gdap('unnamed', { endDateTime: inDays(2), customer: { tenantId: 'tenant-8', displayName: null } }),
      // P0D is Graph's other way of writing "no auto-extend".
      zeroDays: gdap('zeroDays', {
        autoExtendDuration: 'P0D',
        endDateTime: inDays(3),
        customer: { tenantId: 'tenant-7', displayName: 'Seven Ltd' },
      }),
    };
    const quiet = [
      gdap('extends', { autoExtendDuration: 'P180D', endDateTime: inDays(5) }),
      gdap('later', { endDateTime: inDays(30, 1) }),
      gdap('now', { endDateTime: inDays(0) }),
      gdap('ended', { status: 'expired', endDateTime: inDays(5) }),
      gdap('pending', { status: 'approvalPending', endDateTime: inDays(5) }),
      gdap('open', { endDateTime: null }),
    ];
    await service.recordDirectorySnapshot({ customers: [], relationships: [...Object.values(announce), ...quiet] });

    expect(await service.announceEndingAdminAccess()).toBe(5);
    const deliveries = [...store.all('deliveries')];
    expect(deliveries).toHaveLength(10);
    const contoso = [...store.all('customers')].find((c) => c.tenantId === 'tenant-1')!;
    const events = new Map(deliveries.map((d) => [d.event.relationshipId as string, d.event]));
    expect([...events.keys()].sort()).toEqual(Object.keys(announce).sort());
    expect(events.get('known')).toEqual({
      type: 'adminAccess.ending',
      relationshipId: 'known',
      relationshipName: 'Relationship known',
      customerId: contoso.id,
      companyName: 'Contoso Ltd',
      endsAt: inDays(10),
      deliveryIds: [],
      autoExtendable: true,
    });
    // Only a known customer's relationship offers auto-extend on its notice.
    expect(events.get('atHorizon')).toMatchObject({ customerId: null, companyName: 'Nine Ltd', autoExtendable: false });
    expect(events.get('noCustomer')).toMatchObject({ customerId: null, companyName: 'Relationship noCustomer' });
    expect(events.get('unnamed')).toMatchObject({ customerId: null, companyName: 'tenant-8' });
    for (const d of deliveries) expect(d).toMatchObject({ attempts: 0, nextAttemptAt: now.toISOString(), lastError: null });
    expect(deliveries.map((d) => (d.target.kind === 'subscription' ? d.target.subscriptionId : '')).sort()).toEqual([
      's1',
      's1',
      's1',
      's1',
      's1',
      's2',
      's2',
      's2',
      's2',
      's2',
    ]);
    expect(store.get('gdap', 'known')!.expiryNoticeAt).toBe(now.toISOString());
    expect(store.get('gdap', 'later')!.expiryNoticeAt).toBeNull();

    expect(await service.announceEndingAdminAccess()).toBe(0);
    expect(store.count('deliveries')).toBe(10);
  });
});

describe('invitations waiting for Microsoft', () => {
  it('lists the pending ones with a GDAP request, newest first', async () => {
    const { service, store } = await testService({ now: new Date('2026-12-01T00:00:00.000Z') });
    await store.transact((tx) => {
      tx.put(
        'invitations',
        invitation('older', { status: 'draft', createdAt: '2026-11-01T00:00:00.000Z', microsoft: viaMicrosoft('g-older') }),
      );
      tx.put('invitations', invitation('newer', { createdAt: '2026-11-02T00:00:00.000Z', microsoft: viaMicrosoft('g-newer') }));
      tx.put(
        'invitations',
        invitation('expired', {
          createdAt: '2026-08-01T00:00:00.000Z',
          expiresAt: '2026-11-30T00:00:00.000Z',
          microsoft: viaMicrosoft('g-x'),
        }),
      );
      tx.put('invitations', invitation('embedded', { createdAt: '2026-11-03T00:00:00.000Z' }));
      tx.put(
        'invitations',
        invitation('accepted', { status: 'accepted', acceptedAt: '2026-11-05T00:00:00.000Z', microsoft: viaMicrosoft('g-a') }),
      );
    });
    expect(service.invitationsAwaitingMicrosoft()).toEqual([
      { invitationId: 'newer', gdapRelationshipId: 'g-newer' },
      { invitationId: 'older', gdapRelationshipId: 'g-older' },
    ]);
  });
});

describe('an acceptance Partner Center announced', () => {
  const contoso = { tenantId: 'tenant-c', companyName: 'Contoso Ltd', domain: 'Contoso.com' };

  async function withInvitations(invitations: Invitation[], relationships: DirectoryRelationship[] = []) {
    const fixture = await testService({ now: new Date('2026-12-01T00:00:00.000Z') });
    await fixture.store.transact((tx) => {
      for (const i of invitations) tx.put('invitations', i);
    });
    await fixture.service.recordDirectorySnapshot({ customers: [], relationships });
    return fixture;
  }
  const statusOf = (f: Awaited<ReturnType<typeof withInvitations>>, id: string) => f.store.get('invitations', id)!.status;
  const listedTenants = (f: Awaited<ReturnType<typeof withInvitations>>) => f.service.listCustomers(admin).items.map((c) => c.tenantId);

  it('takes the invitation whose GDAP request this tenant approved before one matching by email or name', async () => {
    const f = await withInvitations(
      [
        invitation('by-gdap', { microsoft: viaMicrosoft('g1') }),
        invitation('by-email', { customerEmail: 'anna@contoso.com', companyName: 'Contoso Ltd' }),
        invitation('other-gdap', { microsoft: viaMicrosoft('g2') }),
      ],
      [
        gdap('g1', { customer: { tenantId: 'tenant-c', displayName: 'Contoso' } }),
        gdap('g2', { customer: { tenantId: 'tenant-x', displayName: 'X' } }),
      ],
    );
    expect(await f.service.acceptCustomerFromPartnerCenter(contoso)).toEqual({ invitationId: 'by-gdap' });
    expect(statusOf(f, 'by-gdap')).toBe('accepted');
    expect(statusOf(f, 'by-email')).toBe('sent');
    expect(f.store.get('invitations', 'by-gdap')!.customerId).toBe(
      [...f.store.all('customers')].find((c) => c.tenantId === 'tenant-c')!.id,
    );
  });

  it("then the recipient's email domain (ignoring case, whole domain only), then the company name", async () => {
    const f = await withInvitations([
      invitation('by-email', { customerEmail: 'Anna@CONTOSO.COM' }),
      invitation('look-alike', { customerEmail: 'bob@notcontoso.com', companyName: 'Contoso Ltd' }),
    ]);
    expect(await f.service.acceptCustomerFromPartnerCenter(contoso)).toEqual({ invitationId: 'by-email' });
    expect(statusOf(f, 'look-alike')).toBe('sent');

    const g = await withInvitations([
      invitation('by-name', { customerEmail: 'bob@elsewhere.example', companyName: '  contoso LTD ' }),
      invitation('other-name', { companyName: 'Contoso' }),
    ]);
    expect(await g.service.acceptCustomerFromPartnerCenter(contoso)).toEqual({ invitationId: 'by-name' });
    expect(statusOf(g, 'by-name')).toBe('accepted');
  });

  it('accepts none when a rule matches several, or only an expired one, and still lists the customer', async () => {
    const f = await withInvitations([
      invitation('email-1', { customerEmail: 'anna@contoso.com' }),
      invitation('email-2', { customerEmail: 'bob@contoso.com' }),
      // Unique by name, but the email rule already found two: the Graph sync will say which.
      invitation('name', { companyName: 'Contoso Ltd' }),
    ]);
    expect(await f.service.acceptCustomerFromPartnerCenter(contoso)).toEqual({ invitationId: null });
    for (const id of ['email-1', 'email-2', 'name']) expect(statusOf(f, id)).toBe('sent');
    expect(listedTenants(f)).toEqual(['tenant-c']);
    expect([...f.store.all('customers')][0]).toMatchObject({ companyName: 'Contoso Ltd', domain: 'contoso.com' });

    const g = await withInvitations([
      invitation('expired', { customerEmail: 'anna@contoso.com', expiresAt: '2026-11-30T00:00:00.000Z' }),
      invitation('accepted', { status: 'accepted', acceptedAt: '2026-11-20T00:00:00.000Z', customerEmail: 'anna@contoso.com' }),
    ]);
    expect(await g.service.acceptCustomerFromPartnerCenter(contoso)).toEqual({ invitationId: null });
    expect(listedTenants(g)).toEqual(['tenant-c']);
  });

  it('matches nothing on an empty domain or name', async () => {
    const f = await withInvitations([invitation('blank', { customerEmail: 'someone@', companyName: null })]);
    expect(await f.service.acceptCustomerFromPartnerCenter({ tenantId: 'tenant-b', companyName: '   ', domain: '' })).toEqual({
      invitationId: null,
    });
    expect(statusOf(f, 'blank')).toBe('sent');
  });
});

describe('acceptance seen at Microsoft', () => {
  it('accepts a pending invitation once, as the tenant, keeping the customer the bot already knew', async () => {
    const f = await testService({ now: new Date('2026-12-01T00:00:00.000Z') });
    const provider = await f.service.addProvider(admin, { name: 'Contoso Distribution' });
    await f.store.transact((tx) => {
      tx.put('invitations', invitation('first', { customerEmail: 'anna@contoso.com', locale: 'it' }));
      tx.put('invitations', invitation('second', { customerEmail: null, providerId: provider.id }));
      tx.put('invitations', invitation('third', { customerEmail: null, providerId: provider.id }));
    });
    await expect(f.service.acceptFromDirectory('missing', { tenantId: 'tenant-c', companyName: 'Contoso' })).rejects.toMatchObject({
      code: 'NotFound',
      key: 'invitation.notFound',
    });

    const first = await f.service.acceptFromDirectory('first', { tenantId: 'tenant-c', companyName: 'Contoso' });
    expect(first).toMatchObject({ accepted: true, invitationId: 'first', providerName: null });
    const customer = [...f.store.all('customers')].find((c) => c.tenantId === 'tenant-c')!;
    expect(customer).toMatchObject({ companyName: 'Contoso', domain: '', contact: { name: '', email: 'anna@contoso.com' } });
    const [audit] = f.service.listAudit(admin, { target: 'first' });
    expect(audit).toMatchObject({
      action: 'invitation.accepted',
      actor: { platform: 'web', userId: 'tenant:tenant-c', displayName: 'Contoso' },
    });
    expect(await f.service.acceptFromDirectory('first', { tenantId: 'tenant-c', companyName: 'Contoso' })).toEqual({ accepted: false });

    // The same tenant again, through a provider: one customer, renamed, its contact kept, one reseller relationship.
    const second = await f.service.acceptFromDirectory('second', { tenantId: 'tenant-c', companyName: 'Contoso Group' });
    expect(second).toMatchObject({ accepted: true, providerName: 'Contoso Distribution' });
    expect(f.store.get('customers', customer.id)).toMatchObject({
      companyName: 'Contoso Group',
      tenantId: 'tenant-c',
      contact: { email: 'anna@contoso.com' },
    });
    expect([...f.store.all('customers')]).toHaveLength(1);
    const kinds = () =>
      f.service
        .getCustomer(admin, customer.id)
        .relationships.map((r) => `${r.kind}:${r.status}:${r.providerName ?? '-'}`)
        .sort();
    expect(kinds()).toEqual(['provider:active:Contoso Distribution', 'reseller:active:-']);

    // Once the provider relationship has ended, accepting through that provider starts a new one.
    const providerRelationship = f.service.getCustomer(admin, customer.id).relationships.find((r) => r.kind === 'provider')!;
    await f.store.transact((tx) =>
      tx.put('relationships', { ...providerRelationship, status: 'removed', endedAt: '2026-12-01T00:00:00.000Z' }),
    );
    await f.service.acceptFromDirectory('third', { tenantId: 'tenant-c', companyName: 'Contoso Group' });
    expect(kinds()).toEqual(['provider:active:Contoso Distribution', 'provider:removed:Contoso Distribution', 'reseller:active:-']);
  });

  it('keeps tenants apart, a known tenant id through a web acceptance, and a relationship per provider', async () => {
    const f = await testService({ now: new Date('2026-12-01T00:00:00.000Z') });
    const [a, b] = [await f.service.addProvider(admin, { name: 'Provider A' }), await f.service.addProvider(admin, { name: 'Provider B' })];
    await f.store.transact((tx) => {
      tx.put('invitations', invitation('one', {}));
      tx.put('invitations', invitation('two', {}));
    });
    await f.service.acceptFromDirectory('one', { tenantId: 'tenant-1', companyName: 'One Ltd' });
    await f.service.acceptFromDirectory('two', { tenantId: 'tenant-2', companyName: 'Two Ltd' });
    const byTenant = new Map([...f.store.all('customers')].map((c) => [c.tenantId, c.companyName]));
    expect(byTenant).toEqual(
      new Map([
        ['tenant-1', 'One Ltd'],
        ['tenant-2', 'Two Ltd'],
      ]),
    );

    // The customer accepts again on the page, through each provider in turn: its tenant id stays.
    const one = [...f.store.all('customers')].find((c) => c.tenantId === 'tenant-1')!;
    await f.store.transact((tx) => tx.put('customers', { ...one, domain: 'one.example' }));
    for (const provider of [a, b]) {
      const draft = await f.service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: provider.id, locale: 'en' });
      await f.service.acceptInvitation(draft.token, {
        companyName: 'One Ltd',
        domain: 'one.example',
        name: 'Anna Verdi',
        email: 'anna@one.example',
      });
    }
    expect(f.store.get('customers', one.id)).toMatchObject({
      tenantId: 'tenant-1',
      contact: { name: 'Anna Verdi', email: 'anna@one.example' },
    });
    expect(
      f.service
        .getCustomer(admin, one.id)
        .relationships.map((r) => `${r.kind}:${r.providerName ?? '-'}`)
        .sort(),
    ).toEqual(['provider:Provider A', 'provider:Provider B', 'reseller:-']);
  });

  it('marks a pending invitation expired when its request ended at Microsoft, once, and audits why', async () => {
    const now = new Date('2026-12-01T00:00:00.000Z');
    const f = await testService({ now });
    await f.store.transact((tx) => {
      tx.put('invitations', invitation('pending', { locale: 'it' }));
      tx.put('invitations', invitation('done', { status: 'accepted', acceptedAt: '2026-11-20T00:00:00.000Z' }));
    });
    expect(await f.service.expireFromDirectory('pending', 'expired')).toBe(true);
    expect(f.store.get('invitations', 'pending')).toMatchObject({ status: 'sent', expiresAt: now.toISOString() });
    expect(f.service.getInvitation(admin, 'pending').effectiveStatus).toBe('expired');
    expect(f.service.listAudit(admin, { target: 'pending' })).toEqual([
      expect.objectContaining({
        action: 'invitation.endedAtMicrosoft',
        actor: { platform: 'web', userId: 'microsoft', displayName: 'Microsoft' },
        details: { reason: 'expired' },
      }),
    ]);
    expect(await f.service.expireFromDirectory('pending', 'terminated')).toBe(false);
    expect(await f.service.expireFromDirectory('done', 'terminated')).toBe(false);
    expect(await f.service.expireFromDirectory('missing', 'terminated')).toBe(false);
    expect(f.store.get('invitations', 'done')!.expiresAt).toBe('2027-01-30T00:00:00.000Z');
    expect(f.service.listAudit(admin, { target: 'done' })).toEqual([]);
  });
});
