/**
 * Older data files and journal entries brought to the current shape (store/migrations.ts), one
 * version at a time: where a draft card lives, where a delivery goes, the renamed `channel` and
 * `channels`, and the refusals of a version that is no whole number.
 */
import { describe, expect, it } from 'vitest';
import { migrate, upgradeOp, upgradeRecord, withAcquisition, withDeliveryTarget, withTypedCardLocation } from '../../store/migrations.js';
import type { JournalOp } from '../../store/journal.js';
import { SCHEMA_VERSION } from '../../store/schema.js';

describe('record upgrades', () => {
  it("types a draft card's location from schema 2's strings, and forgets one that cannot be found again", () => {
    const card = (draftMessage: unknown) => withTypedCardLocation({ id: 'i1', draftMessage }).draftMessage;
    expect(card({ platform: 'slack', channel: 'C1', ts: '171.1', locale: 'it' })).toEqual({
      platform: 'slack',
      channel: 'C1',
      ts: '171.1',
      locale: 'it',
    });
    expect(card({ platform: 'slack', channel: 'C1', ts: '' })).toBeNull();
    expect(card({ platform: 'teams', activityId: 'a1', reference: '{"conversation":{"id":"19:x"}}', locale: 'de' })).toEqual({
      platform: 'teams',
      activityId: 'a1',
      reference: { conversation: { id: '19:x' } },
      locale: 'en',
    });
    expect(card({ platform: 'teams', activityId: 'a1', reference: '{not json' })).toBeNull();
    expect(card({ platform: 'teams', activityId: 'a1', reference: '"a string"' })).toBeNull();
    expect(card({ platform: 'teams', activityId: 'a1' })).toBeNull();
    expect(card({ platform: 'webex', id: 'x' })).toBeNull();
    // Already typed, or no card at all: unchanged.
    const typed = { platform: 'slack', channel: 'C1', ts: '1', locale: 'en' };
    expect(card(typed)).toBe(typed);
    expect(card(null)).toBeNull();
    expect(withTypedCardLocation({ id: 'i2' })).toEqual({ id: 'i2' });
  });

  it("gives a schema 2 delivery its subscription target, and renames an invitation's channel once", () => {
    expect(withDeliveryTarget({ id: 'd1', subscriptionId: 's1', attempts: 0 })).toEqual({
      id: 'd1',
      attempts: 0,
      target: { kind: 'subscription', subscriptionId: 's1' },
    });
    const current = { id: 'd2', target: { kind: 'conversation' } };
    expect(withDeliveryTarget(current)).toBe(current);
    expect(withAcquisition({ id: 'i1', channel: 'referral' })).toEqual({ id: 'i1', acquisition: 'referral' });
    const both = { id: 'i2', channel: 'x', acquisition: 'own-marketing' };
    expect(withAcquisition(both)).toBe(both);
    expect(upgradeRecord('deliveries', { id: 'd3', subscriptionId: 's3' })).toMatchObject({ target: { subscriptionId: 's3' } });
    const customer = { id: 'c1', channel: 'kept' };
    expect(upgradeRecord('customers', customer)).toBe(customer);
  });

  it("moves a journal op to the collection's current name, upgrading its record", () => {
    // A line of a schema 4 journal: its collection had another name then.
    const old = JSON.parse('{"op":"del","c":"channels","id":"n1"}') as JournalOp;
    expect(upgradeOp(old)).toEqual({ op: 'del', c: 'notificationSubscriptions', id: 'n1' });
    const del = { op: 'del' as const, c: 'customers' as const, id: 'c1' };
    expect(upgradeOp(del)).toBe(del);
    const partner = { op: 'partner' as const, r: { name: 'Northwind' } };
    expect(upgradeOp(partner)).toBe(partner);
    expect(upgradeOp({ op: 'put', c: 'deliveries', r: { id: 'd1', subscriptionId: 's1' } })).toEqual({
      op: 'put',
      c: 'deliveries',
      r: { id: 'd1', target: { kind: 'subscription', subscriptionId: 's1' } },
    });
  });
});

describe('migrate', () => {
  it('brings a file from before the version field to the current schema, with every collection added since', () => {
    const { data, migratedFrom } = migrate({ customers: [], invitations: [{ id: 'i1', channel: 'referral' }], channels: [{ id: 'n1' }] });
    expect(migratedFrom).toBe(0);
    expect(data).toMatchObject({
      schemaVersion: SCHEMA_VERSION,
      journalSeq: 0,
      partner: null,
      deliveries: [],
      gdap: [],
      connections: [],
      webhookEvents: [],
      people: [],
      batches: [],
      digestSubscriptions: [],
      downloads: [],
      notificationSubscriptions: [{ id: 'n1' }],
      invitations: [expect.objectContaining({ id: 'i1', acquisition: 'referral' })],
    });
    expect(data).not.toHaveProperty('channels');
  });

  it("keeps what a version's step finds already there, and leaves a file without `channels` without it", () => {
    const { data } = migrate({ schemaVersion: 3, gdap: [{ id: 'g1' }], connections: 'odd', invitations: 'not a list' });
    expect(data).toMatchObject({ gdap: [{ id: 'g1' }], connections: [], invitations: 'not a list', schemaVersion: SCHEMA_VERSION });
    expect(data).not.toHaveProperty('notificationSubscriptions');
    expect(migrate({ schemaVersion: SCHEMA_VERSION }).migratedFrom).toBeNull();
  });

  it('refuses a version that is no whole number, or newer than this bot', () => {
    expect(() => migrate({ schemaVersion: '7' })).toThrow('schemaVersion must be a whole number, found "7"');
    expect(() => migrate({ schemaVersion: 2.5 })).toThrow('schemaVersion must be a whole number, found 2.5');
    expect(() => migrate({ schemaVersion: -1 })).toThrow('no migration from schema version -1');
    expect(() => migrate({ schemaVersion: SCHEMA_VERSION + 1 })).toThrow(
      `newer version of this bot (schema ${SCHEMA_VERSION + 1}; this one reads up to ${SCHEMA_VERSION})`,
    );
  });
});
