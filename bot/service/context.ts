/** What every part of the service layer shares: the store, the clock, and the ports. */
import type { Check } from './check.js';
import { randomUUID } from 'node:crypto';
import type { Store, Tx } from '../../store/store.js';
import type { Role } from '../../store/schema.js';
import type { Actor } from './actor.js';
import { toActorRef } from './actor.js';
import { ServiceIndexes } from './indexes.js';
import type { ServiceEvent } from './events.js';
import { systemClock } from '../clock.js';
import { trimSlash } from '../server/url.js';
import { embeddedDirectory, type Directory } from './directory.js';
import type { DigestSchedule } from './digest-schedule.js';

/** Receives events once the writes that caused them are on disk. */
export interface Notifier {
  publish(event: ServiceEvent): void;
}

export interface ServiceDeps {
  store: Store;
  /** Base URL of the customer's page, e.g. https://bot.example.com */
  publicUrl: string;
  /** Principals ("teams:<id>", "slack:U0123", "cli:admin") who are Global admins from start-up. */
  bootstrapAdmins?: readonly string[];
  notifier?: Notifier;
  /** Where customers, acceptances and roles come from; the embedded directory by default. */
  directory?: Directory;
  now?: () => Date;
  newId?: () => string;
  /** The deployment's checks (the doctor's), shown to admins by `status`. */
  checks?: () => Promise<Check[]>;
  /** True when `PARTNER_NAME` sets the partner's name: then nobody renames it from a chat. */
  partnerNameFromConfig?: boolean;
  /** Where what went wrong without failing the request is said (a clean-up at Microsoft that failed). */
  logger?: ServiceLogger;
  /** When the inviter is reminded of an invitation nobody answered, in ms after it was sent (INVITATION_REMINDERS). */
  reminders?: readonly number[];
  /** When subscribed conversations get the digest (DIGEST_SCHEDULE in DIGEST_TIMEZONE); Monday 08:00, Europe/Rome by default. */
  digest?: DigestSchedule;
}

/** The part of the bot's logger the service uses. */
export interface ServiceLogger {
  warn(obj: object, msg: string): void;
}

export interface ServiceContext {
  store: Store;
  publicUrl: string;
  bootstrapAdmins: ReadonlySet<string>;
  notifier: Notifier;
  directory: Directory;
  now: () => Date;
  newId: () => string;
  checks: (() => Promise<Check[]>) | null;
  partnerNameFromConfig: boolean;
  logger: ServiceLogger;
  /** Lookups kept current from the store's change feed. */
  indexes: ServiceIndexes;
  /** When the inviter is reminded of an invitation nobody answered, in ms after it was sent. */
  reminders: readonly number[];
  /** Records an audit event inside the same transaction as the change it describes. */
  audit(tx: Tx, actor: Actor, action: string, target: string, details?: Record<string, unknown>): void;
}

export function createContext(deps: ServiceDeps): ServiceContext {
  const now = deps.now ?? (() => systemClock.now());
  const newId = deps.newId ?? randomUUID;
  return {
    store: deps.store,
    publicUrl: trimSlash(deps.publicUrl),
    bootstrapAdmins: new Set(deps.bootstrapAdmins ?? []),
    notifier: deps.notifier ?? { publish: () => {} },
    directory: deps.directory ?? embeddedDirectory,
    now,
    newId,
    checks: deps.checks ?? null,
    partnerNameFromConfig: deps.partnerNameFromConfig ?? false,
    logger: deps.logger ?? { warn: () => {} },
    indexes: new ServiceIndexes(deps.store),
    reminders: deps.reminders ?? DEFAULT_REMINDERS,
    audit(tx, actor, action, target, details = {}) {
      tx.put('audit', { id: newId(), at: now().toISOString(), actor: toActorRef(actor), action, target, details });
    },
  };
}

const DAY = 86_400_000;
/** 7, 30 and 80 days after sending: within the 90 days Microsoft keeps a GDAP request. */
export const DEFAULT_REMINDERS: readonly number[] = [7 * DAY, 30 * DAY, 80 * DAY];

export const ADMIN_ROLES: readonly Role[] = ['global-admin', 'admin-agent'];
