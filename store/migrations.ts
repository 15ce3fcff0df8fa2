/** Upgrades an older data file, one schema version at a time. */
import { CardLocation, SCHEMA_VERSION, type CollectionName } from './schema.js';
import { withoutClearToken } from './invitation-secret.js';
import type { JournalOp } from './journal.js';

type Raw = Record<string, unknown>;

const isRaw = (value: unknown): value is Raw => Boolean(value) && typeof value === 'object' && !Array.isArray(value);
const upgradeAll = (list: unknown, upgrade: (record: Raw) => Raw) => (Array.isArray(list) ? list.map((r: unknown) => (isRaw(r) ? upgrade(r) : r)) : list);

/**
 * Schema 2 kept where a draft card was posted as strings only, a Teams conversation reference as
 * JSON inside a string; schema 3 keeps a typed location. Anything incomplete becomes null (the
 * card is then not updated on acceptance, as before). Records already in the new shape pass.
 */
export function withTypedCardLocation(invitation: Raw): Raw {
  const old = invitation.draftMessage;
  if (!isRaw(old) || CardLocation.safeParse(old).success) return invitation;
  const locale = old.locale === 'it' ? 'it' : 'en';
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  let card: Raw | null = null;
  if (old.platform === 'slack' && text(old.channel) && text(old.ts)) {
    card = { platform: 'slack', channel: old.channel, ts: old.ts, locale };
  } else if (old.platform === 'teams' && text(old.activityId) && text(old.reference)) {
    try {
      const reference: unknown = JSON.parse(old.reference as string);
      if (isRaw(reference)) card = { platform: 'teams', activityId: old.activityId, reference, locale };
    } catch {
      // An unreadable reference: the card cannot be found again.
    }
  }
  return { ...invitation, draftMessage: card };
}

/** Schema 2 deliveries always went to a subscription; schema 3 says where each one goes. */
export function withDeliveryTarget(delivery: Raw): Raw {
  if (typeof delivery.subscriptionId !== 'string') return delivery;
  const { subscriptionId, ...rest } = delivery;
  return { ...rest, target: { kind: 'subscription', subscriptionId } };
}

/** Schema 4 named how the customer came an invitation's `channel`; schema 5 names it `acquisition`. */
export function withAcquisition(invitation: Raw): Raw {
  if (!('channel' in invitation) || 'acquisition' in invitation) return invitation;
  const { channel, ...rest } = invitation;
  return { ...rest, acquisition: channel };
}

/** Collections renamed since: the old name and the current one. */
export const RENAMED_COLLECTIONS: Readonly<Record<string, CollectionName>> = {
  // Schema 5: the conversations notified of acceptances were `channels`.
  channels: 'notificationSubscriptions',
};

/** `migrations[n]` turns a version-n file into a version n+1 file. */
const migrations: Record<number, (raw: Raw) => Raw> = {
  // Version 0: files written before the version field existed (the first prototype).
  0: (raw) => ({ journalSeq: 0, partner: null, deliveries: [], ...raw, schemaVersion: 1 }),
  // Version 1 kept invitation tokens and links in clear; version 2 keeps a hash (journal entries
  // written by version 1 are upgraded the same way when replayed, see journal-store.ts).
  1: (raw) => ({
    ...raw,
    invitations: upgradeAll(raw.invitations, withoutClearToken),
    schemaVersion: 2,
  }),
  // Version 3 types where a card lives and where a delivery goes (journal entries written by
  // version 2 are upgraded the same way when replayed).
  2: (raw) => ({
    ...raw,
    invitations: upgradeAll(raw.invitations, withTypedCardLocation),
    deliveries: upgradeAll(raw.deliveries, withDeliveryTarget),
    schemaVersion: 3,
  }),
  // Version 4 adds the Microsoft directory: `invitations[].microsoft` (null for every older
  // invitation, by the schema's default), and the `gdap`, `connections` and `webhookEvents` collections.
  3: (raw) => ({
    ...raw,
    gdap: Array.isArray(raw.gdap) ? raw.gdap : [],
    connections: Array.isArray(raw.connections) ? raw.connections : [],
    webhookEvents: Array.isArray(raw.webhookEvents) ? raw.webhookEvents : [],
    schemaVersion: 4,
  }),
  // Version 5 renames what said "channel" without being one: the `channels` collection is
  // `notificationSubscriptions`, an invitation's `channel` (how the customer came) is
  // `acquisition` (journal entries written by version 4 are upgraded the same way when replayed).
  4: (raw) => {
    const { channels, ...rest } = raw;
    return {
      ...rest,
      ...(channels === undefined ? {} : { notificationSubscriptions: channels }),
      invitations: upgradeAll(raw.invitations, withAcquisition),
      schemaVersion: 5,
    };
  },
  // Version 6 adds `people`: what each person chose for themselves (the language they are answered in).
  // The partner's name may be null from version 5 on (nothing is invented until someone gives it).
  5: (raw) => ({ ...raw, people: Array.isArray(raw.people) ? raw.people : [], schemaVersion: 6 }),
  // Version 7 adds `batches` (bulk invitations), `digestSubscriptions` (the weekly digest) and
  // `downloads` (one-time export links).
  6: (raw) => ({
    ...raw,
    batches: Array.isArray(raw.batches) ? raw.batches : [],
    digestSubscriptions: Array.isArray(raw.digestSubscriptions) ? raw.digestSubscriptions : [],
    downloads: Array.isArray(raw.downloads) ? raw.downloads : [],
    schemaVersion: 7,
  }),
};

/** One record of a journal entry written by an older version, in the current shape (idempotent). */
export function upgradeRecord(collection: string, record: Raw): Raw {
  if (collection === 'invitations') return withAcquisition(withTypedCardLocation(withoutClearToken(record)));
  if (collection === 'deliveries') return withDeliveryTarget(record);
  return record;
}

/**
 * An op of a journal entry (or change feed row) written by an older version, in the current shape:
 * its collection under its current name, its record upgraded (idempotent). Not checked: see checkOp.
 */
export function upgradeOp(op: JournalOp): JournalOp {
  if (op.op === 'partner') return op;
  const c = Object.hasOwn(RENAMED_COLLECTIONS, op.c) ? RENAMED_COLLECTIONS[op.c]! : op.c;
  if (op.op === 'del') return c === op.c ? op : { ...op, c };
  return { ...op, c, r: isRaw(op.r) ? (upgradeRecord(c, op.r) as typeof op.r) : op.r };
}

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
