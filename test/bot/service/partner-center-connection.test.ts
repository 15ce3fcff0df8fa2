/**
 * The service's rules for the Partner Center connection, on a stored connection record with the
 * clock stepped to the edges: when admins are nudged to reconnect, when a lost connection is
 * announced, where, and that each is said once. The sign-in itself (device code, MFA, tokens) is
 * tested against the stand-ins in test/bot/partner-center.
 */
import { describe, expect, it } from 'vitest';
import { admin, testService } from '../../helpers.js';
import { RECONNECT_NUDGE_DAYS } from '../../../bot/service/partner-center.js';
import type { Connection } from '../../../store/schema.js';

const DAY = 86_400_000;
const LAPSES = '2027-02-20T12:00:00.000Z';

function connection(fields: Partial<Connection> = {}): Connection {
  return {
    id: 'partner-center',
    encryptedCache: 'opaque',
    account: 'alice@northwind.example',
    connectedBy: { platform: 'teams', userId: 'alice', displayName: 'Alice' },
    connectedAt: '2026-11-22T12:00:00.000Z',
    refreshExpiresAt: LAPSES,
    capabilities: { customers: { allowed: true, code: null, checkedAt: '2026-11-22T12:00:00.000Z' } },
    nudgedAt: null,
    lostAt: null,
    announceTo: { platform: 'slack', conversationId: 'C-admins', reference: null, locale: 'it' },
    ...fields,
  };
}

async function withConnection(fields: Partial<Connection> | null, now: Date) {
  const fixture = await testService({ now });
  if (fields) await fixture.store.transact((tx) => tx.put('connections', connection(fields)));
  return fixture;
}

describe('the Partner Center connection, as the service keeps it', () => {
  it(`nudges once, from exactly ${RECONNECT_NUDGE_DAYS} days before the refresh window lapses, to the admins' conversation`, async () => {
    const edge = new Date(Date.parse(LAPSES) - RECONNECT_NUDGE_DAYS * DAY);
    const early = await withConnection({}, new Date(edge.getTime() - 1));
    expect(await early.service.checkPartnerCenterConnection(null)).toBeNull();
    expect(early.store.count('deliveries')).toBe(0);

    const f = await withConnection({}, edge);
    const event = await f.service.checkPartnerCenterConnection(null);
    expect(event).toEqual({ type: 'partnerCenter.reconnect', reason: 'expiring', at: LAPSES, deliveryIds: [expect.any(String)] });
    expect(f.events).toEqual([event]);
    expect(f.store.get('connections', 'partner-center')).toMatchObject({ nudgedAt: edge.toISOString(), lostAt: null });
    expect([...f.store.all('deliveries')]).toEqual([
      expect.objectContaining({
        id: event!.deliveryIds[0],
        target: { kind: 'conversation', platform: 'slack', conversationId: 'C-admins', reference: null, locale: 'it' },
        event: { ...event, deliveryIds: [] },
      }),
    ]);
    f.clock.now = new Date(edge.getTime() + DAY);
    expect(await f.service.checkPartnerCenterConnection(null)).toBeNull();
    expect(f.store.count('deliveries')).toBe(1);
  });

  it('announces a lost connection once, at the time it was found lost, and never nudges a lost one', async () => {
    const now = new Date('2026-12-01T08:00:00.000Z');
    const f = await withConnection({}, now);
    const lost = await f.service.checkPartnerCenterConnection({ code: 'invalid_grant' });
    expect(lost).toMatchObject({ reason: 'lost', at: now.toISOString() });
    expect(f.store.get('connections', 'partner-center')).toMatchObject({ lostAt: now.toISOString(), nudgedAt: null });
    expect(await f.service.checkPartnerCenterConnection({ code: 'invalid_grant' })).toBeNull();
    f.clock.now = new Date(Date.parse(LAPSES) - DAY);
    expect(await f.service.checkPartnerCenterConnection(null)).toBeNull();
    expect(f.store.count('deliveries')).toBe(1);
    expect(f.service.partnerCenterState()).toMatchObject({ lost: true, available: false, ready: false });
  });

  it('ignores a finding about a sign-in that was replaced while it was checked (an admin connected again meanwhile)', async () => {
    const now = new Date('2026-12-01T08:00:00.000Z');
    const f = await withConnection({ encryptedCache: 'signed-in-again' }, now);
    expect(await f.service.checkPartnerCenterConnection({ code: 'key-changed', cache: 'the-old-one' })).toBeNull();
    expect(f.store.get('connections', 'partner-center')).toMatchObject({ lostAt: null });
    expect(f.store.count('deliveries')).toBe(0);
    expect(f.events).toEqual([]);
    // The same finding about the sign-in that is stored does count.
    expect(await f.service.checkPartnerCenterConnection({ code: 'key-changed', cache: 'signed-in-again' })).toMatchObject({ reason: 'keyChanged' });
    expect(f.store.get('connections', 'partner-center')).toMatchObject({ lostAt: now.toISOString() });
  });

  it('says nothing with no connection, no known lapse, or no conversation to tell (but still marks it)', async () => {
    const now = new Date(Date.parse(LAPSES) - DAY);
    expect(await (await withConnection(null, now)).service.checkPartnerCenterConnection({ code: 'x' })).toBeNull();
    expect(await (await withConnection({ refreshExpiresAt: null }, now)).service.checkPartnerCenterConnection(null)).toBeNull();
    expect(
      await (await withConnection({ nudgedAt: '2027-02-01T00:00:00.000Z' }, now)).service.checkPartnerCenterConnection(null),
    ).toBeNull();
    const silent = await withConnection({ announceTo: null }, now);
    expect(await silent.service.checkPartnerCenterConnection(null)).toMatchObject({ reason: 'expiring', deliveryIds: [] });
    expect(silent.store.count('deliveries')).toBe(0);
    expect(silent.store.get('connections', 'partner-center')!.nudgedAt).toBe(now.toISOString());
  });

  it('shows the account, dates and capabilities, never the tokens', async () => {
    const f = await withConnection({}, new Date('2026-12-01T08:00:00.000Z'));
    const state = f.service.partnerCenterState();
    expect(state).toEqual({
      available: false,
      ready: false,
      account: 'alice@northwind.example',
      connectedAt: '2026-11-22T12:00:00.000Z',
      refreshExpiresAt: LAPSES,
      lost: false,
      keyChanged: false,
      capabilities: { customers: { allowed: true, code: null, checkedAt: '2026-11-22T12:00:00.000Z' } },
    });
    expect(JSON.stringify(state)).not.toContain('opaque');
    const none = await withConnection(null, new Date('2026-12-01T08:00:00.000Z'));
    expect(none.service.partnerCenterState()).toEqual({
      available: false,
      ready: false,
      account: null,
      connectedAt: null,
      refreshExpiresAt: null,
      lost: false,
      keyChanged: false,
      capabilities: {},
    });
  });

  it('refuses to connect or disconnect without the Microsoft directory, saying what is needed', async () => {
    const f = await withConnection(null, new Date('2026-12-01T08:00:00.000Z'));
    await expect(f.service.connectPartnerCenter(admin, null)).rejects.toMatchObject({ key: 'partnerCenter.needsMicrosoft' });
    await expect(f.service.disconnectPartnerCenter(admin)).rejects.toMatchObject({ key: 'partnerCenter.needsMicrosoft' });
  });
});
