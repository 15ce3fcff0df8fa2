/**
 * Data files for benchmarks and load tests: a valid snapshot with N customers, each with an
 * active reseller relationship (DAP granted), a subscription, a user and a license, and the
 * accepted invitation it came from. Written directly, as a migration tool would.
 */
import { hashToken } from '../store/invitation-secret.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SCHEMA_VERSION, collectionNames } from '../store/schema.js';

const WORDS = ['Adatum', 'Alpine', 'Blue', 'Contoso', 'Fabrikam', 'Humongous', 'Litware', 'Lucerne', 'Margie', 'Northwind', 'Proseware', 'Tailspin', 'Trey', 'Wide', 'Wingtip', 'Woodgrove'];
const KINDS = ['Bakery', 'Clinic', 'Consulting', 'Design', 'Foods', 'Legal', 'Logistics', 'Media', 'Motors', 'Studio', 'Systems', 'Travel'];

export function snapshotWith(customers: number, options: { partnerName?: string; admins?: string[]; users?: number; subscriptions?: number } = {}) {
  const at = '2026-06-01T09:00:00.000Z';
  const who = { platform: 'cli' as const, userId: 'seed', displayName: 'Seed' };
  const snap = {
    schemaVersion: SCHEMA_VERSION,
    journalSeq: 0,
    partner: { id: 'partner-1', name: options.partnerName ?? 'Northwind Cloud', tenantId: 'partner-tenant' },
    providers: [{ id: 'prov-1', name: 'Contoso Distribution', tenantId: null, createdAt: at }],
    customers: [] as unknown[],
    relationships: [] as unknown[],
    invitations: [] as unknown[],
    removals: [],
    notificationSubscriptions: [],
    roles: (options.admins ?? []).map((id) => ({ id, platform: id.split(':')[0], userId: id.split(':').slice(1).join(':'), role: 'global-admin', grantedBy: who, grantedAt: at })),
    deliveries: [],
    audit: [],
  };
  for (let i = 0; i < customers; i++) {
    const name = `${WORDS[i % WORDS.length]} ${KINDS[Math.floor(i / WORDS.length) % KINDS.length]} ${i}`;
    const domain = `${name.toLowerCase().replace(/\s+/g, '-')}.example`;
    const id = `cust-${i}`;
    snap.customers.push({
      id,
      companyName: name,
      domain,
      tenantId: null,
      contact: { name: 'Anna Verdi', email: `anna@${domain}` },
      subscriptions: sized(options.subscriptions, (n) => ({ id: `sub-${i}${n ? `-${n}` : ''}`, offer: OFFERS[n % OFFERS.length]!, quantity: 5 + ((i + n) % 50), status: 'active', renewsOn: '2027-06-01' })),
      users: sized(options.users, (n) => ({ id: `user-${i}${n ? `-${n}` : ''}`, displayName: n ? `User ${n} of ${name}` : 'Anna Verdi', email: n ? `user${n}@${domain}` : `anna@${domain}`, licenses: ['M365 BP'] })),
      licenses: [{ sku: 'M365 BP', assigned: 1, total: 5 + (i % 50) }],
      createdAt: at,
      updatedAt: at,
    });
    snap.relationships.push({ id: `rel-${i}`, customerId: id, kind: 'reseller', providerId: null, status: 'active', dapGranted: true, invitationId: `inv-${i}`, createdAt: at, endedAt: null });
    snap.invitations.push({
      id: `inv-${i}`, tokenHash: hashToken(randomBytes(32).toString('base64url')), status: 'accepted', acquisition: 'own-marketing', providerId: null,
      companyName: name, customerEmail: null, locale: 'en',
      subject: 'Invitation', body: 'Please accept.', createdBy: who, createdAt: at, expiresAt: '2026-08-30T09:00:00.000Z',
      sentAt: at, sentBy: who, acceptedAt: at, customerId: id, revokedAt: null, revokedBy: null, draftMessage: null,
    });
  }
  // Collections added to the schema since this fixture was written start empty.
  for (const name of collectionNames) (snap as Record<string, unknown>)[name] ??= [];
  return snap;
}

/** Real-sized tenants have hundreds of users and a dozen subscriptions; the default fixture one of each. */
const OFFERS = ['Microsoft 365 Business Premium', 'Microsoft 365 E3', 'Exchange Online (Plan 1)', 'Microsoft Teams Essentials', 'Power BI Pro'];
const sized = <T>(count: number | undefined, make: (n: number) => T): T[] => Array.from({ length: count ?? 1 }, (_, n) => make(n));

export function writeSnapshot(file: string, customers: number, options?: Parameters<typeof snapshotWith>[1]): number {
  mkdirSync(dirname(file), { recursive: true });
  const text = JSON.stringify(snapshotWith(customers, options));
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}
