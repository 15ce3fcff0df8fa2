/** Upgrades an older data file, one schema version at a time. */
import { SCHEMA_VERSION } from './schema.js';

type Raw = Record<string, unknown>;

/** `migrations[n]` turns a version-n file into a version n+1 file. */
const migrations: Record<number, (raw: Raw) => Raw> = {
  // Version 0: files written before the version field existed (the first prototype).
  0: (raw) => ({ journalSeq: 0, partner: null, deliveries: [], ...raw, schemaVersion: 1 }),
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
