/**
 * The store's collections and the version of their shape, validated whenever a data file or the
 * database is opened. The record schemas themselves are in record-schemas.ts, re-exported here.
 */
import { z } from 'zod';
import {
  AuditEvent,
  Batch,
  DigestSubscription,
  Download,
  NotificationSubscription,
  Connection,
  Customer,
  Delivery,
  GdapRecord,
  Invitation,
  Partner,
  Person,
  Provider,
  Relationship,
  Removal,
  RoleGrant,
  WebhookEvent,
} from './record-schemas.js';

export * from './record-schemas.js';

export const SCHEMA_VERSION = 7;

/** Every collection of the store, keyed by name, with its record schema. */
export const collections = {
  providers: Provider,
  customers: Customer,
  relationships: Relationship,
  invitations: Invitation,
  removals: Removal,
  notificationSubscriptions: NotificationSubscription,
  roles: RoleGrant,
  deliveries: Delivery,
  audit: AuditEvent,
  gdap: GdapRecord,
  connections: Connection,
  webhookEvents: WebhookEvent,
  people: Person,
  batches: Batch,
  digestSubscriptions: DigestSubscription,
  downloads: Download,
} as const;

export type Collections = { [K in keyof typeof collections]: z.infer<(typeof collections)[K]> };
export type CollectionName = keyof Collections;
export const collectionNames = Object.keys(collections) as CollectionName[];

/** The on-disk snapshot. */
export const Snapshot = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  journalSeq: z.number().int().nonnegative(),
  partner: Partner.nullable(),
  ...(Object.fromEntries(collectionNames.map((n) => [n, z.array(collections[n])])) as {
    [K in CollectionName]: z.ZodArray<(typeof collections)[K]>;
  }),
});
export type Snapshot = z.infer<typeof Snapshot>;
