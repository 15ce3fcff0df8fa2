import { readFileSync, writeFileSync, appendFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournalStore } from '../../store/journal-store.js';
import { StoreOpenError } from '../../store/store.js';
import { SCHEMA_VERSION } from '../../store/schema.js';
import { LINK_PLACEHOLDER } from '../../store/invitation-secret.js';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { abandonLock } from '../../store/data-file-lock.js';
import { tempDir, tempStore } from '../helpers.js';

const provider = (id: string, name = id) => ({ id, name, tenantId: null, createdAt: '2026-11-23T10:00:00.000Z' });

describe('journal store', () => {
  it('finds after reopening what was written before closing', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    const store = await openJournalStore({ file });
    await store.transact((tx) => tx.put('providers', provider('p1', 'Contoso')));
    await store.close();
    const reopened = await openJournalStore({ file });
    expect(reopened.get('providers', 'p1')?.name).toBe('Contoso');
    await reopened.close();
  });

  it('keeps an acknowledged write when the process never closes the store (journal replay)', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    const store = await openJournalStore({ file });
    await store.transact((tx) => tx.put('providers', provider('p1', 'Contoso')));
    // A crash: no close(), and the lock left behind as a killed process leaves it.
    abandonLock(file);
    const reopened = await openJournalStore({ file });
    expect(reopened.get('providers', 'p1')).toEqual(provider('p1', 'Contoso'));
    await reopened.close();
  });

  it('drops a torn last journal line, which was never acknowledged', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    const store = await openJournalStore({ file });
    await store.transact((tx) => tx.put('providers', provider('p1')));
    appendFileSync(`${file}.journal`, '{"seq":99,"ops":[{"op":"put","c":"provid');
    abandonLock(file);
    const reopened = await openJournalStore({ file });
    expect([...reopened.all('providers')].map((p) => p.id)).toEqual(['p1']);
    await reopened.close();
  });

  it('refuses a corrupt file with its name and leaves it byte for byte as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    writeFileSync(file, '{"schemaVersion": 1, "providers": [');
    const before = readFileSync(file);
    const error = await openJournalStore({ file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('refuses a file whose records break the schema, naming the field', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    const store = await openJournalStore({ file });
    await store.close();
    const data = JSON.parse(readFileSync(file, 'utf8'));
    data.providers = [{ id: 'p1', name: '' }];
    writeFileSync(file, JSON.stringify(data));
    const before = readFileSync(file);
    await expect(openJournalStore({ file })).rejects.toThrow(/providers\.0\.name/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a damaged journal line that is not the last one', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    const store = await openJournalStore({ file });
    await store.close();
    writeFileSync(`${file}.journal`, 'garbage\n{"seq":1,"ops":[]}\n');
    await expect(openJournalStore({ file })).rejects.toThrow(/journal .* is damaged at line 1/);
  });

  it('refuses a file written by a newer schema version', async () => {
    const file = join(tempDir(), 'db.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 99 }));
    await expect(openJournalStore({ file })).rejects.toThrow(/newer version/);
  });

  it('refuses a file one schema version ahead, and leaves it and its journal as they were', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file });
    await store.transact((tx) => tx.put('providers', provider('p1')));
    abandonLock(file); // as if the process died: the entry stays in the journal
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), schemaVersion: SCHEMA_VERSION + 1 }));
    const before = [readFileSync(file), readFileSync(`${file}.journal`)];
    await expect(openJournalStore({ file })).rejects.toThrow(`schema ${SCHEMA_VERSION + 1}; this one reads up to ${SCHEMA_VERSION}`);
    expect(readFileSync(file).equals(before[0]!)).toBe(true);
    expect(readFileSync(`${file}.journal`).equals(before[1]!)).toBe(true);
  });

  it('migrates a version-0 file and keeps the original as a backup', async () => {
    const file = join(tempDir(), 'db.json');
    const v0 = { providers: [provider('p1')], customers: [], relationships: [], invitations: [], removals: [], channels: [], roles: [], audit: [] };
    writeFileSync(file, JSON.stringify(v0));
    const store = await openJournalStore({ file });
    expect(store.get('providers', 'p1')).toEqual(provider('p1'));
    await store.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
    expect(JSON.parse(readFileSync(`${file}.v0.bak`, 'utf8'))).toEqual(v0);
  });

  it('migrates a version-1 file: invitation tokens become hashes, links leave the bodies, journal entries too', async () => {
    const file = join(tempDir(), 'db.json');
    const token = 'Tok3n_in-clear_0123456789abcdefghijklmnopq';
    const link = `http://localhost:3978/invitations/${token}`;
    const at = '2026-11-23T10:00:00.000Z';
    const who = { platform: 'cli', userId: 'admin', displayName: 'Admin' };
    const v1Invitation = (id: string, t: string) => ({
      id, token: t, status: 'draft', channel: 'own-marketing', providerId: null, companyName: null, customerEmail: null, locale: 'en',
      link: `http://localhost:3978/invitations/${t}`, subject: 'Hi', body: `Accept: http://localhost:3978/invitations/${t}`, createdBy: who, createdAt: at,
      expiresAt: '2027-02-21T10:00:00.000Z', sentAt: null, sentBy: null, acceptedAt: null, customerId: null, revokedAt: null, revokedBy: null, draftMessage: null,
    });
    const v1 = { schemaVersion: 1, journalSeq: 0, partner: null, providers: [], customers: [], relationships: [], invitations: [v1Invitation('i1', token)], removals: [], channels: [], roles: [], deliveries: [], audit: [] };
    writeFileSync(file, JSON.stringify(v1));
    // A journal entry written by the previous version, not yet folded into the snapshot.
    const journalToken = 'J0urnal_token_0123456789abcdefghijklmnopqr';
    writeFileSync(`${file}.journal`, `${JSON.stringify({ seq: 1, ops: [{ op: 'put', c: 'invitations', r: v1Invitation('i2', journalToken) }] })}\n`);
    const store = await openJournalStore({ file });
    // The current shape: no token, no link, the hash instead, the link placeholder in the body,
    // `channel` named `acquisition`, and no Microsoft directory data (null by the schema's default).
    const migrated = (id: string, t: string) => {
      const { channel, ...rest } = v1Invitation(id, t);
      const current: Record<string, unknown> = {
        ...rest,
        acquisition: channel,
        body: `Accept: ${LINK_PLACEHOLDER}`,
        tokenHash: createHash('sha256').update(t).digest('hex'),
        microsoft: null,
      };
      delete current.token;
      delete current.link;
      return current;
    };
    expect(store.get('invitations', 'i1')).toEqual(migrated('i1', token));
    expect(store.get('invitations', 'i2')).toEqual(migrated('i2', journalToken));
    await store.close();
    const onDisk = readFileSync(file, 'utf8') + (existsSync(`${file}.journal`) ? readFileSync(`${file}.journal`, 'utf8') : '');
    expect(onDisk).not.toContain(token);
    expect(onDisk).not.toContain(journalToken);
    expect(onDisk).not.toContain(link);
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
    expect(JSON.parse(readFileSync(`${file}.v1.bak`, 'utf8'))).toEqual(v1);
  });

  it('migrates a version-2 file: card locations and delivery targets become typed, journal entries too', async () => {
    const file = join(tempDir(), 'db.json');
    const at = '2026-11-23T10:00:00.000Z';
    const who = { platform: 'teams', userId: 'aad-admin', displayName: 'Admin' };
    const reference = { conversation: { id: 'a:personal' }, serviceUrl: 'http://127.0.0.1:1/' };
    const v2Invitation = (id: string, draftMessage: Record<string, string> | null) => ({
      id, tokenHash: 'a'.repeat(64), status: 'sent', channel: 'own-marketing', providerId: null, companyName: null, customerEmail: null, locale: 'en',
      subject: 'Hi', body: `Accept: ${LINK_PLACEHOLDER}`, createdBy: who, createdAt: at, expiresAt: '2027-02-21T10:00:00.000Z',
      sentAt: null, sentBy: null, acceptedAt: null, customerId: null, revokedAt: null, revokedBy: null, draftMessage,
    });
    const channel = { id: 'teams:19:ops', platform: 'teams', conversationId: '19:ops', name: 'Ops', reference, locale: 'en', createdBy: who, createdAt: at };
    const v2Delivery = { id: 'd1', subscriptionId: channel.id, event: { type: 'invitation.accepted' }, attempts: 2, nextAttemptAt: at, lastError: '403', createdAt: at };
    const v2 = {
      schemaVersion: 2, journalSeq: 0, partner: null, providers: [], customers: [], relationships: [], removals: [], channels: [channel], roles: [], audit: [],
      invitations: [
        v2Invitation('teams', { platform: 'teams', activityId: 'act-1', locale: 'it', reference: JSON.stringify(reference) }),
        v2Invitation('broken', { platform: 'teams', activityId: 'act-2', reference: '{not json' }),
        v2Invitation('none', null),
      ],
      deliveries: [v2Delivery],
    };
    writeFileSync(file, JSON.stringify(v2));
    // Entries written by the previous version, not yet folded into the snapshot.
    const ops = [
      { op: 'put', c: 'invitations', r: v2Invitation('slack', { platform: 'slack', channel: 'C1', ts: '1.2', locale: 'en' }) },
      { op: 'put', c: 'deliveries', r: { ...v2Delivery, id: 'd2' } },
    ];
    writeFileSync(`${file}.journal`, `${JSON.stringify({ seq: 1, ops })}\n`);
    const store = await openJournalStore({ file });
    expect(store.get('invitations', 'teams')!.draftMessage).toEqual({ platform: 'teams', activityId: 'act-1', locale: 'it', reference });
    expect(store.get('invitations', 'broken')!.draftMessage).toBeNull();
    expect(store.get('invitations', 'none')!.draftMessage).toBeNull();
    expect(store.get('invitations', 'slack')!.draftMessage).toEqual({ platform: 'slack', channel: 'C1', ts: '1.2', locale: 'en' });
    for (const id of ['d1', 'd2']) expect(store.get('deliveries', id)).toMatchObject({ target: { kind: 'subscription', subscriptionId: channel.id }, attempts: 2, lastError: '403' });
    await store.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
    expect(JSON.parse(readFileSync(`${file}.v2.bak`, 'utf8'))).toEqual(v2);
  });

  it('migrates a version-4 file: `channels` become `notificationSubscriptions`, an invitation\'s `channel` its `acquisition`, journal entries too', async () => {
    const file = join(tempDir(), 'db.json');
    const at = '2026-11-23T10:00:00.000Z';
    const who = { platform: 'slack', userId: 'UADMIN', displayName: 'Admin' };
    const subscription = (conversationId: string) => ({
      id: `slack:${conversationId}`, platform: 'slack', conversationId, name: `#${conversationId}`, reference: null, locale: 'en', createdBy: who, createdAt: at,
    });
    // A Slack draft card's `channel` is a Slack channel: it keeps its name.
    const v4Invitation = (id: string, channel: string) => ({
      id, tokenHash: 'a'.repeat(64), status: 'sent', channel, providerId: null, companyName: null, customerEmail: null, locale: 'en',
      subject: 'Hi', body: `Accept: ${LINK_PLACEHOLDER}`, createdBy: who, createdAt: at, expiresAt: '2027-02-21T10:00:00.000Z',
      sentAt: null, sentBy: null, acceptedAt: null, customerId: null, revokedAt: null, revokedBy: null,
      draftMessage: { platform: 'slack', channel: 'C0SALES', ts: '1.2', locale: 'en' }, microsoft: null,
    });
    const delivery = { id: 'd1', target: { kind: 'subscription', subscriptionId: 'slack:C1' }, event: { type: 'invitation.accepted' }, attempts: 0, nextAttemptAt: at, lastError: null, createdAt: at };
    const v4 = {
      schemaVersion: 4, journalSeq: 0, partner: null, providers: [], customers: [], relationships: [], removals: [], roles: [], audit: [],
      gdap: [], connections: [], webhookEvents: [], deliveries: [delivery],
      channels: [subscription('C1'), subscription('C2')],
      invitations: [v4Invitation('i1', 'microsoft-referral')],
    };
    writeFileSync(file, JSON.stringify(v4));
    // Written by version 4 and not yet folded into the snapshot: a journal moved aside by a
    // compaction that did not finish, and the journal after it.
    writeFileSync(
      `${file}.journal.old`,
      `${JSON.stringify({ seq: 1, ops: [{ op: 'put', c: 'channels', r: subscription('C3') }, { op: 'put', c: 'invitations', r: v4Invitation('i2', 'indirect-provider') }] })}\n`,
    );
    writeFileSync(`${file}.journal`, `${JSON.stringify({ seq: 2, ops: [{ op: 'del', c: 'channels', id: 'slack:C2' }] })}\n`);
    const store = await openJournalStore({ file });
    expect([...store.all('notificationSubscriptions')].map((s) => s.id)).toEqual(['slack:C1', 'slack:C3']);
    expect(store.get('invitations', 'i1')).toMatchObject({ acquisition: 'microsoft-referral', draftMessage: { platform: 'slack', channel: 'C0SALES', ts: '1.2' } });
    expect(store.get('invitations', 'i2')).toMatchObject({ acquisition: 'indirect-provider' });
    expect(store.get('invitations', 'i1')).not.toHaveProperty('channel');
    expect(store.get('deliveries', 'd1')?.target).toEqual({ kind: 'subscription', subscriptionId: 'slack:C1' });
    await store.close();
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.schemaVersion).toBe(SCHEMA_VERSION);
    expect(onDisk).not.toHaveProperty('channels');
    expect(onDisk.notificationSubscriptions.map((s: { id: string }) => s.id)).toEqual(['slack:C1', 'slack:C3']);
    for (const invitation of onDisk.invitations) {
      expect(invitation).not.toHaveProperty('channel');
      expect(invitation.draftMessage.channel).toBe('C0SALES');
    }
    expect(onDisk.invitations.map((i: { acquisition: string }) => i.acquisition)).toEqual(['microsoft-referral', 'indirect-provider']);
    expect(existsSync(`${file}.journal.old`)).toBe(false);
    expect(JSON.parse(readFileSync(`${file}.v4.bak`, 'utf8'))).toEqual(v4);
    // And it opens again as it is now.
    const reopened = await openJournalStore({ file });
    expect(reopened.count('notificationSubscriptions')).toBe(2);
    await reopened.close();
  });

  it("opens a file written by version 5: no `people` yet, a partner without a name; both kept, the old file kept aside", async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file });
    await store.transact((tx) => tx.setPartner({ id: 'p1', name: null, tenantId: 't1' }));
    await store.close();
    const { people, ...v5 } = { ...JSON.parse(readFileSync(file, 'utf8')), schemaVersion: 5 };
    expect(people).toEqual([]);
    writeFileSync(file, JSON.stringify(v5));
    const reopened = await openJournalStore({ file });
    expect(reopened.partner()).toEqual({ id: 'p1', name: null, tenantId: 't1' });
    expect(reopened.count('people')).toBe(0);
    await reopened.transact((tx) => tx.put('people', { id: 'teams:aad-1', language: 'it', updatedAt: '2026-12-08T10:00:00.000Z' }));
    await reopened.close();
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.schemaVersion).toBe(SCHEMA_VERSION);
    expect(onDisk.people).toEqual([{ id: 'teams:aad-1', language: 'it', updatedAt: '2026-12-08T10:00:00.000Z' }]);
    expect(JSON.parse(readFileSync(`${file}.v5.bak`, 'utf8'))).toEqual(v5);
  });

  it('refuses a version-4 file whose invitation names no known way the customer came, and leaves it untouched', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file });
    await store.close();
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const { notificationSubscriptions, ...rest } = data;
    const at = '2026-11-23T10:00:00.000Z';
    const who = { platform: 'cli', userId: 'admin', displayName: 'Admin' };
    const invitation = {
      id: 'i1', tokenHash: 'a'.repeat(64), status: 'sent', channel: 'carrier-pigeon', providerId: null, companyName: null, customerEmail: null, locale: 'en',
      subject: 'Hi', body: 'x', createdBy: who, createdAt: at, expiresAt: at, sentAt: null, sentBy: null, acceptedAt: null, customerId: null,
      revokedAt: null, revokedBy: null, draftMessage: null, microsoft: null,
    };
    writeFileSync(file, JSON.stringify({ ...rest, schemaVersion: 4, channels: notificationSubscriptions, invitations: [invitation] }));
    const before = readFileSync(file);
    await expect(openJournalStore({ file })).rejects.toThrow(/invitations\.0\.acquisition/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}.v4.bak`)).toBe(false);
  });

  it('refuses to open a data file that another live process holds', async () => {
    const { file } = await tempStore();
    await expect(openJournalStore({ file })).rejects.toThrow(`Cannot open data file ${file}: another process (pid ${process.pid} on ${hostname()}) is using it and keeps its lock`);
  });

  it('loses none of 200 concurrent read-modify-write mutations', async () => {
    const { store, file } = await tempStore();
    await store.transact((tx) => tx.put('providers', provider('counter', '0')));
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.transact((tx, read) => {
          tx.put('providers', provider(`p${i}`));
          const counter = read.get('providers', 'counter')!;
          tx.put('providers', { ...counter, name: String(Number(counter.name) + 1) });
        }),
      ),
    );
    expect(store.get('providers', 'counter')?.name).toBe('200');
    await store.close();
    const reopened = await openJournalStore({ file });
    expect(reopened.count('providers')).toBe(201);
    expect(reopened.get('providers', 'counter')?.name).toBe('200');
    await reopened.close();
  });

  it('writes nothing when a transaction throws or a record is invalid', async () => {
    const { store } = await tempStore();
    await expect(store.transact((tx) => { tx.put('providers', provider('p1')); throw new Error('no'); })).rejects.toThrow('no');
    await expect(store.transact((tx) => tx.put('providers', { ...provider('p2'), name: '' }))).rejects.toThrow();
    expect(store.count('providers')).toBe(0);
  });

  it('keeps committing while a snapshot is written, and loses nothing', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file });
    for (let i = 0; i < 200; i++) await store.transact((tx) => tx.put('providers', provider(`a${i}`)));
    const compaction = store.compact();
    // These commits are acknowledged while the snapshot is being written.
    const during = Array.from({ length: 50 }, (_, i) => store.transact((tx) => tx.put('providers', provider(`b${i}`))));
    await Promise.all([compaction, ...during]);
    expect(existsSync(`${file}.journal.old`)).toBe(false);
    abandonLock(file); // a crash: no close
    const reopened = await openJournalStore({ file });
    expect(reopened.count('providers')).toBe(250);
    await reopened.close();
  });

  it('recovers from a crash in the middle of a compaction (old journal still beside the new one)', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file });
    await store.transact((tx) => tx.put('providers', provider('p1')));
    await store.transact((tx) => tx.put('providers', provider('p2')));
    abandonLock(file);
    // As if the journal was moved aside and the process died before the snapshot was replaced.
    const { renameSync } = await import('node:fs');
    renameSync(`${file}.journal`, `${file}.journal.old`);
    writeFileSync(`${file}.journal`, `${JSON.stringify({ seq: 3, ops: [{ op: 'put', c: 'providers', r: provider('p3') }] })}\n`);
    const reopened = await openJournalStore({ file });
    expect([...reopened.all('providers')].map((p) => p.id).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(existsSync(`${file}.journal.old`)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).providers).toHaveLength(3);
    await reopened.close();
  });

  it('cuts a torn journal tail before appending after it', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file });
    await store.transact((tx) => tx.put('providers', provider('p1')));
    appendFileSync(`${file}.journal`, '{"seq":99,"ops":[{"op":"put"');
    abandonLock(file);
    const second = await openJournalStore({ file });
    await second.transact((tx) => tx.put('providers', provider('p2')));
    abandonLock(file);
    const third = await openJournalStore({ file });
    expect([...third.all('providers')].map((p) => p.id).sort()).toEqual(['p1', 'p2']);
    await third.close();
  });

  it('rewrites the snapshot by itself and empties the journal once the journal grows past its limit', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file, compactBytes: 2_000 });
    // Each entry is ~110 bytes: the journal passes 2,000 bytes at about the 19th write.
    for (let i = 0; i < 30; i++) await store.transact((tx) => tx.put('providers', provider(`p${i}`)));
    // Seen from the files only (nobody calls compact()): a newer snapshot, a short journal, no old one.
    await expect.poll(() => JSON.parse(readFileSync(file, 'utf8')).providers.length, { timeout: 5_000 }).toBeGreaterThan(15);
    await expect.poll(() => existsSync(`${file}.journal.old`)).toBe(false);
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    expect(snapshot.journalSeq).toBe(snapshot.providers.length);
    expect(readFileSync(`${file}.journal`, 'utf8').length).toBeLessThan(2_000);
    await store.close();
  });

  it('moves the oldest records of an archived collection to an append-only file when the snapshot is rewritten', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file, archive: { audit: 5 } });
    const event = (i: number) => ({ id: `e${String(i).padStart(2, '0')}`, at: new Date(Date.UTC(2026, 10, 23, 10, i)).toISOString(), actor: { platform: 'cli' as const, userId: 'a', displayName: 'A' }, action: 'test', target: `t${i}`, details: {} });
    for (let i = 0; i < 12; i++) await store.transact((tx) => tx.put('audit', event(i)));
    await store.compact();
    expect([...store.all('audit')].map((e) => e.id)).toEqual(['e07', 'e08', 'e09', 'e10', 'e11']);
    const archived = readFileSync(`${file}.audit.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(archived).toEqual(['e00', 'e01', 'e02', 'e03', 'e04', 'e05', 'e06']);
    expect(JSON.parse(readFileSync(file, 'utf8')).audit.map((e: { id: string }) => e.id)).toEqual(['e07', 'e08', 'e09', 'e10', 'e11']);
    // More events, a crash, a reopen: the archive only grows, nothing is in both or in neither.
    for (let i = 12; i < 15; i++) await store.transact((tx) => tx.put('audit', event(i)));
    abandonLock(file);
    const reopened = await openJournalStore({ file, archive: { audit: 5 } });
    expect(reopened.count('audit')).toBe(8);
    await reopened.close();
    const final = await openJournalStore({ file, archive: { audit: 5 } });
    const kept = [...final.all('audit')].map((e) => e.id);
    const all = readFileSync(`${file}.audit.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(kept).toEqual(['e10', 'e11', 'e12', 'e13', 'e14']);
    expect([...new Set([...all, ...kept])].sort()).toEqual(Array.from({ length: 15 }, (_, i) => event(i).id));
    expect(all.filter((id: string) => kept.includes(id))).toEqual([]);
    await final.close();
  });

  it('cuts a torn last line off the archive before appending to it', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file, archive: { audit: 1 } });
    const event = (i: number) => ({ id: `e${i}`, at: new Date(Date.UTC(2026, 10, 23, 10, i)).toISOString(), actor: { platform: 'cli' as const, userId: 'a', displayName: 'A' }, action: 'test', target: `t${i}`, details: {} });
    for (let i = 0; i < 3; i++) await store.transact((tx) => tx.put('audit', event(i)));
    await store.compact();
    appendFileSync(`${file}.audit.jsonl`, '{"id":"e1","at":"2026');
    for (let i = 3; i < 5; i++) await store.transact((tx) => tx.put('audit', event(i)));
    await store.compact();
    const lines = readFileSync(`${file}.audit.jsonl`, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).id)).toEqual(['e0', 'e1', 'e2', 'e3']);
    await store.close();
  });

  it('creates a missing data folder readable by this user only (0700)', async () => {
    const dir = join(tempDir(), 'data');
    const { store } = await tempStore(join(dir, 'db.json'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await store.close();
  });
});
