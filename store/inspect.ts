/**
 * The store looked at from outside, for the doctor: read only, never the data file's lock (a
 * running bot holds it, which is normal), never a write to the database (its session is read-only).
 * It says whether the bot could open the store, at which schema version, and returns the Partner
 * Center connection record, the one thing the doctor needs from the data. The database's half is
 * store/pg/inspect.ts.
 */
import { constants, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { readJournal } from './journal.js';
import { migrate, upgradeRecord } from './migrations.js';
import { Connection, Snapshot } from './schema.js';

export interface StoreInspection {
  kind: 'file' | 'database';
  /** The data file, or the database URL without its password. */
  where: string;
  /** `fresh`: nothing there yet, the bot creates it at start; `older`: the bot upgrades it at start. */
  state: 'ready' | 'fresh' | 'older' | 'refused';
  /** Why the bot would refuse it (damaged, newer, unreachable, not writable). */
  problem: string | null;
  schemaVersion: number | null;
  /** Database only: applied SQL migrations and the latest this code knows. */
  migrations: { applied: number; latest: number } | null;
  /** The Partner Center sign-in's record (`connections/partner-center`), when there is one. */
  partnerCenter: Connection | null;
}

/** The Partner Center sign-in's record id in `connections`. */
export const PARTNER_CENTER = 'partner-center';

/** The data file: snapshot, then journals replayed for the connection record, as the store opens it. */
export async function inspectDataFile(file: string): Promise<StoreInspection> {
  const result: StoreInspection = { kind: 'file', where: file, state: 'ready', problem: null, schemaVersion: null, migrations: null, partnerCenter: null };
  const refused = (problem: string) => ({ ...result, state: 'refused' as const, problem });
  try {
    await fs.access(dirname(file), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A folder that does not exist yet is created at start; one the bot may not write to is a problem.
    if (code !== 'ENOENT') return refused(`the bot cannot write to its folder ${dirname(file)} (${code})`);
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { ...result, state: 'fresh' } : refused(`it cannot be read (${code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return refused(`it is not valid JSON (${(error as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return refused('it does not hold a JSON object');
  const found = (raw as { schemaVersion?: unknown }).schemaVersion;
  let migrated;
  try {
    migrated = migrate(raw as Record<string, unknown>);
  } catch (error) {
    return { ...refused((error as Error).message), schemaVersion: typeof found === 'number' ? found : null };
  }
  const parsed = Snapshot.safeParse(migrated.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refused(`it does not match the schema (${issue?.path.join('.') || '(root)'}: ${issue?.message})`);
  }
  let connection = parsed.data.connections.find((c) => c.id === PARTNER_CENTER) ?? null;
  try {
    for (const journal of [`${file}.journal.old`, `${file}.journal`]) {
      for (const entry of (await readJournal(journal)).entries) {
        if (entry.seq <= parsed.data.journalSeq) continue;
        for (const op of entry.ops) {
          if (op.op === 'put' && op.c === 'connections' && op.r.id === PARTNER_CENTER) connection = Connection.parse(upgradeRecord('connections', op.r));
          if (op.op === 'del' && op.c === 'connections' && op.id === PARTNER_CENTER) connection = null;
        }
      }
    }
  } catch (error) {
    return refused((error as Error).message);
  }
  return {
    ...result,
    state: migrated.migratedFrom === null ? 'ready' : 'older',
    schemaVersion: typeof found === 'number' ? found : 0,
    partnerCenter: connection,
  };
}
