/**
 * The store as `npm run doctor` sees it from outside (store/inspect.ts), without its lock, and the
 * Store line it makes of that (bot/doctor/store.ts): a data file in every state the bot would
 * open, upgrade or refuse, and a database fresh, migrated, newer or out of reach.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeCheck } from '../../bot/doctor/store.js';
import { inspectDataFile } from '../../store/inspect.js';
import { inspectDatabase } from '../../store/pg/inspect.js';
import { openJournalStore } from '../../store/journal-store.js';
import { openPgStore } from '../../store/pg/pg-store.js';
import { SCHEMA_VERSION, type Connection } from '../../store/schema.js';
import { freePort } from '../fakes/processes.js';
import { tempDir } from '../helpers.js';
import { query, testDatabase } from '../pg.js';

const connection: Connection = {
  id: 'partner-center',
  encryptedCache: 'opaque',
  account: 'ada@northwind.example',
  connectedBy: { platform: 'teams', userId: 'aad-ada', displayName: 'Ada' },
  connectedAt: '2026-11-01T09:00:00.000Z',
  refreshExpiresAt: '2027-01-30T09:00:00.000Z',
  capabilities: {},
  nudgedAt: null,
  lostAt: null,
  announceTo: null,
};

/** A data file holding `text`, in a folder of its own. */
function dataFile(text?: string): string {
  const file = join(tempDir(), 'db.json');
  if (text !== undefined) writeFileSync(file, text);
  return file;
}

describe('inspectDataFile', () => {
  it('finds nothing yet where the bot would create the file', async () => {
    const file = dataFile();
    const found = await inspectDataFile(file);
    expect(found).toMatchObject({ kind: 'file', where: file, state: 'fresh', problem: null });
    expect(storeCheck(found)).toMatchObject({ state: 'ok', text: 'doctor.store.fileFresh' });
  });

  it('refuses, saying why, a file that is not JSON, not an object, newer than this bot, or off the schema', async () => {
    const cases: [string, RegExp, number | null][] = [
      ['{"schemaVersion": ', /^it is not valid JSON \(/, null],
      ['[1, 2]', /^it does not hold a JSON object$/, null],
      [
        JSON.stringify({ schemaVersion: SCHEMA_VERSION + 5 }),
        new RegExp(`newer version of this bot \\(schema ${SCHEMA_VERSION + 5}; this one reads up to ${SCHEMA_VERSION}\\)`),
        SCHEMA_VERSION + 5,
      ],
      [JSON.stringify({ schemaVersion: SCHEMA_VERSION, customers: 'none' }), /^it does not match the schema \(/, null],
    ];
    for (const [text, problem, version] of cases) {
      const found = await inspectDataFile(dataFile(text));
      expect(found.state, text).toBe('refused');
      expect(found.problem, text).toMatch(problem);
      expect(found.schemaVersion, text).toBe(version);
      expect(storeCheck(found)).toMatchObject({ state: 'fail', text: 'doctor.store.refused', params: { problem: found.problem } });
    }
  });

  it('reads the Partner Center sign-in from the snapshot and from the journal of a store still open, and sees it deleted', async () => {
    const file = dataFile();
    const store = await openJournalStore({ file });
    try {
      await store.transact((tx) => tx.put('connections', connection));
      let found = await inspectDataFile(file);
      expect(found).toMatchObject({ state: 'ready', schemaVersion: SCHEMA_VERSION, partnerCenter: { account: 'ada@northwind.example' } });
      expect(storeCheck(found)).toMatchObject({ state: 'ok', text: 'doctor.store.file', params: { version: SCHEMA_VERSION } });
      await store.transact((tx) => tx.delete('connections', 'partner-center'));
      found = await inspectDataFile(file);
      expect(found.partnerCenter).toBeNull();
    } finally {
      await store.close();
    }
    expect((await inspectDataFile(file)).partnerCenter).toBeNull();
  });

  it('refuses a data file it cannot read, and one whose version is no number, without inventing a version', async () => {
    const folder = tempDir();
    const unreadable = await inspectDataFile(folder);
    expect(unreadable).toMatchObject({ state: 'refused', problem: 'it cannot be read (EISDIR)' });
    const odd = await inspectDataFile(dataFile(JSON.stringify({ schemaVersion: '7' })));
    expect(odd).toMatchObject({ state: 'refused', problem: 'schemaVersion must be a whole number, found "7"', schemaVersion: null });
  });

  it('calls a file from before the version field one the bot upgrades, at version 0', async () => {
    const file = dataFile();
    await (await openJournalStore({ file })).close();
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete snapshot.schemaVersion;
    writeFileSync(file, JSON.stringify(snapshot));
    expect(await inspectDataFile(file)).toMatchObject({ state: 'older', schemaVersion: 0 });
  });

  it('calls a file of an older schema one the bot upgrades at start', async () => {
    const file = dataFile();
    await (await openJournalStore({ file })).close();
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    // Schema 7 added these three collections, migrated in as empty from 6.
    for (const added of ['batches', 'digestSubscriptions', 'downloads']) delete snapshot[added];
    writeFileSync(file, JSON.stringify({ ...snapshot, schemaVersion: 6 }));
    const found = await inspectDataFile(file);
    expect(found).toMatchObject({ state: 'older', schemaVersion: 6, problem: null });
    expect(storeCheck(found)).toMatchObject({ state: 'ok', text: 'doctor.store.older', params: { version: 6 } });
  });
});

describe('inspectDatabase', () => {
  it('refuses a database out of reach, naming no password', async () => {
    const port = await freePort();
    const found = await inspectDatabase(`postgres://bot:pw-hidden-7@127.0.0.1:${port}/csp`);
    expect(found).toMatchObject({ kind: 'database', where: `postgres://bot:***@127.0.0.1:${port}/csp`, state: 'refused' });
    expect(found.problem).toBe(`it cannot be reached (connect ECONNREFUSED 127.0.0.1:${port})`);
  });

  it('finds an empty database fresh, then ready once a bot migrated it, with the sign-in it keeps', async () => {
    const url = await testDatabase();
    const fresh = await inspectDatabase(url);
    expect(fresh).toMatchObject({ state: 'fresh', migrations: { applied: 0 } });
    expect(storeCheck(fresh)).toMatchObject({ state: 'ok', text: 'doctor.store.databaseFresh' });

    const store = await openPgStore({ url });
    await store.transact((tx) => tx.put('connections', connection));
    await store.close();
    const ready = await inspectDatabase(url);
    expect(ready).toMatchObject({ state: 'ready', schemaVersion: SCHEMA_VERSION, partnerCenter: { account: 'ada@northwind.example' } });
    expect(ready.migrations!.applied).toBe(ready.migrations!.latest);
    expect(storeCheck(ready)).toMatchObject({
      state: 'ok',
      text: 'doctor.store.database',
      params: { applied: ready.migrations!.applied, version: SCHEMA_VERSION },
    });

    // An older bot's database: its last migration not applied yet, then its records' version unknown.
    const latestApplied = ready.migrations!.applied;
    await query(url, 'DELETE FROM schema_migrations WHERE version = $1', [latestApplied]);
    expect(await inspectDatabase(url)).toMatchObject({ state: 'older', migrations: { applied: latestApplied - 1, latest: latestApplied } });
    await query(url, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'put back')", [latestApplied]);
    // A newer bot's records, then a newer bot's migrations: refused, each with its reason.
    await query(url, 'UPDATE store_state SET data_schema_version = $1 WHERE id = 1', [SCHEMA_VERSION + 1]);
    expect((await inspectDatabase(url)).problem).toBe(
      `its records are at schema version ${SCHEMA_VERSION + 1}, newer than this version of the bot reads (${SCHEMA_VERSION})`,
    );
    const latest = ready.migrations!.latest;
    await query(url, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'from-a-newer-bot')", [latest + 1]);
    expect((await inspectDatabase(url)).problem).toBe(
      `the database is at schema version ${latest + 1}, newer than this version of the bot knows (${latest})`,
    );
  });
});
