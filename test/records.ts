/**
 * Whole, valid store records for tests that put data in the store directly (the shapes a sync, an
 * old data file or another replica could leave), with only what a test cares about given.
 */
import { hashToken } from '../store/invitation-secret.js';
import type { Customer, Invitation, Relationship } from '../store/schema.js';

const T = '2026-01-01T00:00:00.000Z';
const admin = { platform: 'cli' as const, userId: 'admin', displayName: 'admin' };

export function customerRecord(id: string, companyName: string, domain: string, fields: Partial<Customer> = {}): Customer {
  return {
    id,
    companyName,
    domain,
    tenantId: null,
    contact: { name: 'x', email: 'x@y.z' },
    subscriptions: [],
    users: [],
    licenses: [],
    createdAt: T,
    updatedAt: T,
    ...fields,
  };
}

export function relationshipRecord(id: string, customerId: string, fields: Partial<Relationship> = {}): Relationship {
  return {
    id,
    customerId,
    kind: 'reseller',
    providerId: null,
    status: 'active',
    dapGranted: false,
    invitationId: null,
    createdAt: T,
    endedAt: null,
    ...fields,
  };
}

/** A sent invitation, valid until 2027-01-30; its token is `token-<id>` unless a tokenHash is given. */
export function invitationRecord(id: string, fields: Partial<Invitation> = {}): Invitation {
  return {
    id,
    tokenHash: hashToken(`token-${id}`),
    status: 'sent',
    acquisition: 'own-marketing',
    providerId: null,
    companyName: null,
    customerEmail: null,
    locale: 'en',
    subject: 's',
    body: 'b',
    createdBy: admin,
    createdAt: '2026-11-01T00:00:00.000Z',
    expiresAt: '2027-01-30T00:00:00.000Z',
    sentAt: null,
    sentBy: null,
    acceptedAt: null,
    customerId: null,
    revokedAt: null,
    revokedBy: null,
    draftMessage: null,
    microsoft: null,
    ...fields,
  };
}
