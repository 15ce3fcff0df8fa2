/** Upgrades an older data file, one schema version at a time. */
import { SCHEMA_VERSION } from './schema.js';
import { withoutClearToken } from './invitation-secret.js';

type Raw = Record<string, unknown>;

/** `migrations[n]` turns a version-n file into a version n+1 file. */
const migrations: Record<number, (raw: Raw) => Raw> = {
  // Version 0: files written before the version field existed (the first prototype).
  0: (raw) => ({ journalSeq: 0, partner: null, deliveries: [], ...raw, schemaVersion: 1 }),
  // Version 1 kept invitation tokens and links in clear; version 2 keeps a hash (journal entries
  // written by version 1 are upgraded the same way when replayed, see lowdb-store.ts).
  1: (raw) => ({
    ...raw,
    invitations: Array.isArray(raw.invitations) ? raw.invitations.map((r: unknown) => (r && typeof r === 'object' ? withoutClearToken(r as Raw) : r)) : raw.invitations,
    schemaVersion: 2,
  }),
};

/** Returns the data at the current version and whether anything changed. */
export function migrate(raw: Raw): { data: Raw; migratedFrom: number | null } {
  const found = raw.schemaVersion === undefined ? 0 : raw.schemaVersion;
  if (typeof found !== 'number' || !Number.isInteger(found)) {
    throw new Error(`schemaVersion must be a whole number, found ${JSON.stringify(found)}`);
  }
  if (found > SCHEMA_VERSION) {
    throw new Error(
      `it was written by a newer version of this bot (schema ${found}; this one reads up to ${SCHEMA_VERSION})`,
    );
  }
  let data = raw;
  for (let v = found; v < SCHEMA_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new Error(`no migration from schema version ${v}`);
    data = step(data);
  }
  return { data, migratedFrom: found === SCHEMA_VERSION ? null : found };
}
