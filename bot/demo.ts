/** Demo data: a partner, two indirect providers and a few customers, for trying the bot. */
import { randomBytes } from 'node:crypto';
import type { Customer, Invitation, Relationship } from '../store/schema.js';
import { hashToken, LINK_PLACEHOLDER } from '../store/invitation-secret.js';
import type { Store } from '../store/store.js';

const at = '2026-09-01T09:00:00.000Z';
const system = { platform: 'cli' as const, userId: 'demo', displayName: 'Demo data' };

function customer(id: string, companyName: string, domain: string, contact: [string, string], extra: Partial<Customer> = {}): Customer {
  return {
    id,
    companyName,
    domain,
    tenantId: null,
    contact: { name: contact[0], email: contact[1] },
    subscriptions: [],
    users: [],
    licenses: [],
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

function relationship(id: string, customerId: string, kind: Relationship['kind'], providerId: string | null = null): Relationship {
  return { id, customerId, kind, providerId, status: 'active', dapGranted: true, invitationId: null, createdAt: at, endedAt: null };
}

const DAY_MS = 86_400_000;

/** An invitation sent `daysAgo` days before `now`, still waiting for the customer (its link is nobody's: a demo). */
function waiting(id: string, companyName: string, email: string, now: Date, daysAgo: number, providerId: string | null = null): Invitation {
  const sentAt = new Date(now.getTime() - daysAgo * DAY_MS);
  const alice = { platform: 'cli' as const, userId: 'alice', displayName: 'alice' };
  return {
    id,
    tokenHash: hashToken(randomBytes(32).toString('base64url')),
    status: 'sent',
    acquisition: providerId ? 'indirect-provider' : 'own-marketing',
    providerId,
    companyName,
    customerEmail: email,
    locale: 'en',
    subject: `Northwind Cloud invites ${companyName}`,
    body: `Hello,\n\nopen this link to accept:\n${LINK_PLACEHOLDER}\n\nKind regards`,
    createdBy: alice,
    createdAt: sentAt.toISOString(),
    expiresAt: new Date(sentAt.getTime() + 90 * DAY_MS).toISOString(),
    sentAt: sentAt.toISOString(),
    sentBy: alice,
    acceptedAt: null,
    customerId: null,
    revokedAt: null,
    revokedBy: null,
    draftMessage: null,
    microsoft: null,
  };
}

/**
 * Fills an empty store; a store that already has a partner is left alone. Two invitations wait
 * for their customers, dated from `now`, so the onboarding board has something on it.
 */
export async function seedDemo(store: Store, now: Date): Promise<boolean> {
  if (store.partner()) return false;
  await store.transact((tx) => {
    tx.setPartner({ id: 'partner-northwind', name: 'Northwind Cloud', tenantId: '6f1c2a9e-4b7d-4c1e-9a53-2d8e7f0b1c44' });
    tx.put('providers', { id: 'prov-contoso', name: 'Contoso Distribution', tenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70', createdAt: at });
    tx.put('providers', { id: 'prov-fabrikam', name: 'Fabrikam Distribution', tenantId: null, createdAt: at });
    const customers = [
      customer('cust-adatum', 'Adatum Corporation', 'adatum.com', ['Giulia Rossi', 'giulia.rossi@adatum.com'], {
        tenantId: '3c9e1f2a-7b4d-4e8a-a1c6-5d2f8b0e9a13',
        subscriptions: [
          { id: 'sub-1', offer: 'Microsoft 365 E3', quantity: 25, status: 'active', renewsOn: '2027-03-01' },
          { id: 'sub-2', offer: 'Microsoft Defender for Business', quantity: 25, status: 'active', renewsOn: '2027-03-01' },
        ],
        users: [
          { id: 'u-1', displayName: 'Giulia Rossi', email: 'giulia.rossi@adatum.com', licenses: ['Microsoft 365 E3'] },
          { id: 'u-2', displayName: 'Marco Bianchi', email: 'marco.bianchi@adatum.com', licenses: ['Microsoft 365 E3'] },
        ],
        licenses: [
          { sku: 'Microsoft 365 E3', assigned: 21, total: 25 },
          { sku: 'Microsoft Defender for Business', assigned: 25, total: 25 },
        ],
      }),
      customer('cust-tailspin', 'Tailspin Toys', 'tailspintoys.com', ['Sam Taylor', 'sam@tailspintoys.com'], {
        subscriptions: [{ id: 'sub-3', offer: 'Microsoft 365 Business Premium', quantity: 12, status: 'active', renewsOn: '2027-01-15' }],
        users: [{ id: 'u-3', displayName: 'Sam Taylor', email: 'sam@tailspintoys.com', licenses: ['Microsoft 365 Business Premium'] }],
        licenses: [{ sku: 'Microsoft 365 Business Premium', assigned: 10, total: 12 }],
      }),
      customer('cust-wingtip', 'Wingtip Toys', 'wingtiptoys.com', ['Ana Lopez', 'ana@wingtiptoys.com'], {
        subscriptions: [{ id: 'sub-4', offer: 'Exchange Online (Plan 1)', quantity: 5, status: 'expired', renewsOn: null }],
        users: [{ id: 'u-4', displayName: 'Ana Lopez', email: 'ana@wingtiptoys.com', licenses: [] }],
      }),
      customer('cust-alpine', 'Alpine Ski House', 'alpineskihouse.com', ['Luca Ferrari', 'luca@alpineskihouse.com']),
      // A customer of Contoso Distribution only: it must never appear in our list.
      customer('cust-litware', 'Litware Inc', 'litware.com', ['Kim Lee', 'kim@litware.com']),
    ];
    for (const c of customers) tx.put('customers', c);
    tx.put('relationships', relationship('rel-adatum', 'cust-adatum', 'reseller'));
    tx.put('relationships', relationship('rel-tailspin', 'cust-tailspin', 'reseller'));
    tx.put('relationships', relationship('rel-tailspin-p', 'cust-tailspin', 'provider', 'prov-contoso'));
    tx.put('relationships', relationship('rel-wingtip', 'cust-wingtip', 'reseller'));
    tx.put('relationships', relationship('rel-alpine', 'cust-alpine', 'reseller'));
    tx.put('relationships', relationship('rel-litware-p', 'cust-litware', 'provider', 'prov-contoso'));
    tx.put('invitations', waiting('inv-fabrikam', 'Fabrikam Srl', 'giulia@fabrikam.example', now, 2, 'prov-contoso'));
    tx.put('invitations', waiting('inv-northwind', 'Northwind Traders', 'ops@northwindtraders.example', now, 9));
    for (const [userId, role] of [['alice', 'global-admin'], ['carla', 'admin-agent'], ['bob', 'sales-agent']] as const) {
      tx.put('roles', { id: `cli:${userId}`, platform: 'cli', userId, role, grantedBy: system, grantedAt: at });
    }
  });
  return true;
}
