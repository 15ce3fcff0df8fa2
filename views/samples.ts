/**
 * Sample data for every view, for `npm run cards`, the card validation test, and reviewers.
 * Every string that comes from outside the bot (a customer, a partner user, Microsoft, Slack)
 * goes through `outside`, so a test can make all of them hostile at once.
 */
import { permissionsOf } from '../bot/service/permissions.js';
import { hashToken } from '../store/invitation-secret.js';
import type { Customer, Locale } from '../store/schema.js';
import type { InvitationRecord } from '../bot/service/invitations.js';
import { sliceOf, type CustomerDetails } from '../bot/service/customers.js';
import { attestationText } from '../bot/service/attestation.js';
import {
  toAcceptedView,
  toAttestationView,
  toAuditView,
  toCustomerDetailsView,
  toCustomerListView,
  toDraftView,
  toHelpView,
  toInvitationsView,
  toMessageView,
  toProviderPickerView,
  toProvidersView,
  toRemovalOutcomeView,
  toSentView,
  type View,
} from './index.js';

const at = '2026-11-23T14:02:00.000Z';
const link = 'https://bot.example.com/invitations/q3VbX0m2b8Jc1a7kN5pL4sT9wY6zR2uE1oI8hG3fD0c';

/** Text as it came in: unchanged for the samples, hostile in the tests that try to break the cards. */
export type Outside = (text: string) => string;

const person = (o: Outside) => ({ platform: 'teams' as const, userId: 'aad-1', displayName: o('Alice Bianchi') });

function customerOf(o: Outside): Customer {
  return {
    id: 'cust-adatum',
    companyName: o('Adatum Corporation'),
    domain: o('adatum.com'),
    tenantId: '3c9e1f2a-7b4d-4e8a-a1c6-5d2f8b0e9a13',
    contact: { name: o('Giulia Rossi'), email: o('giulia.rossi@adatum.com') },
    subscriptions: [{ id: 's1', offer: o('Microsoft 365 E3'), quantity: 25, status: 'active', renewsOn: '2027-03-01' }],
    users: [{ id: 'u1', displayName: o('Giulia Rossi'), email: o('giulia.rossi@adatum.com'), licenses: [o('Microsoft 365 E3')] }],
    licenses: [{ sku: o('Microsoft 365 E3'), assigned: 21, total: 25 }],
    createdAt: at,
    updatedAt: at,
  };
}

/** What the service gives for a customer: one page of each long list. */
function detailsOf(o: Outside, c: Customer, pages: { users?: number; subscriptions?: number } = {}): CustomerDetails {
  const { users, subscriptions, licenses, ...account } = c;
  return {
    customer: account,
    users: sliceOf(users, pages.users),
    subscriptions: sliceOf(subscriptions, pages.subscriptions),
    licenses: sliceOf(licenses, 1),
    relationships: [
      { id: 'r1', customerId: c.id, kind: 'reseller', providerId: null, providerName: null, status: 'active', dapGranted: true, invitationId: null, createdAt: at, endedAt: null },
      { id: 'r2', customerId: c.id, kind: 'provider', providerId: 'p1', providerName: o('Contoso Distribution'), status: 'active', dapGranted: true, invitationId: null, createdAt: at, endedAt: null },
    ],
    dapGranted: true,
    activeSubscriptions: subscriptions.filter((x) => x.status === 'active').length,
    microsoft: null,
  };
}

/** A tenant of real size: 300 users, 15 subscriptions, 12 license SKUs. */
function largeOf(o: Outside): Customer {
  return {
    ...customerOf(o),
    id: 'cust-fabrikam',
    companyName: o('Fabrikam Industrie Meccaniche S.p.A.'),
    domain: o('fabrikam-industrie.it'),
    subscriptions: Array.from({ length: 15 }, (_, i) => ({ id: `fs${i}`, offer: o(`Microsoft 365 E5, plan ${i + 1}`), quantity: 20 + i, status: 'active' as const, renewsOn: '2027-03-01' })),
    users: Array.from({ length: 300 }, (_, i) => ({ id: `fu${i}`, displayName: o(`Utente ${i + 1} Fabrikam`), email: o(`utente${i + 1}@fabrikam-industrie.it`), licenses: [o('Microsoft 365 E5')] })),
    licenses: Array.from({ length: 12 }, (_, i) => ({ sku: o(`SKU ${i + 1}`), assigned: 10, total: 20 })),
  };
}

function invitation(locale: Locale, o: Outside): InvitationRecord {
  const who = person(o);
  return {
    id: 'inv-1',
    token: link.split('/').pop()!,
    tokenHash: hashToken(link.split('/').pop()!),
    status: 'draft',
    effectiveStatus: 'draft',
    acquisition: 'indirect-provider',
    providerId: 'p1',
    providerName: o('Contoso Distribution'),
    partnerName: o('Northwind Cloud'),
    companyName: null,
    customerEmail: o('giulia.rossi@adatum.com'),
    locale,
    link,
    subject: o(locale === 'it' ? 'Northwind Cloud e Contoso Distribution ti invitano' : 'Northwind Cloud and Contoso Distribution invite you'),
    microsoft: null,
    body: locale === 'it' ? `${o('Buongiorno,')}\n\napri questo link per accettare:\n${link}\n\nCordiali saluti` : `${o('Hello,')}\n\nopen this link to accept:\n${link}\n\nKind regards`,
    createdBy: who,
    createdAt: at,
    expiresAt: '2027-02-21T14:02:00.000Z',
    sentAt: null,
    sentBy: null,
    acceptedAt: null,
    customerId: null,
    revokedAt: null,
    revokedBy: null,
    draftMessage: null,
  };
}

export function sampleViews(locale: Locale, o: Outside = (text) => text): Record<string, View> {
  const viewer = { locale, isAdmin: true, permissions: permissionsOf('global-admin'), timeZone: 'Europe/Rome' };
  const inv = invitation(locale, o);
  const who = person(o);
  const customer = customerOf(o);
  const large = largeOf(o);
  const removal = {
    removal: {
      id: 'rem-1', customerId: customer.id, relationshipId: 'r1', status: 'pending' as const, requestedBy: who, requestedAt: at,
      attestationVersion: attestationText(locale).version, attestationLocale: locale, attestedBy: null, attestedAt: null, cancelledBy: null, cancelledAt: null,
    },
    companyName: customer.companyName,
    domain: customer.domain,
    attestation: attestationText(locale),
    alreadyDone: false,
    followUp: null,
  };
  return {
    help: toHelpView(viewer),
    error: toMessageView(viewer, 'error', 'error.adminOnly', { role: 'Sales agent' }),
    'email-draft': toDraftView(viewer, inv),
    'email-draft-error': toDraftView(viewer, inv, { body: o('Hello'), error: 'invitation.linkMissing' }),
    'invitation-sent': toSentView(viewer, { ...inv, status: 'sent', effectiveStatus: 'sent', sentAt: at, sentBy: who }),
    'provider-picker': toProviderPickerView(viewer, [
      { id: 'p1', name: o('Contoso Distribution'), tenantId: null, createdAt: at },
      { id: 'p2', name: o('Fabrikam Distribution'), tenantId: null, createdAt: at },
    ]),
    'customer-list': toCustomerListView(viewer, { items: [customer, large], total: 12, page: 1, pageCount: 2, pageSize: 10, query: o('') }),
    'customer-not-found': toMessageView(viewer, 'error', 'customer.notFound', { query: o('Fabrikam') }),
    'customer-details': toCustomerDetailsView(viewer, detailsOf(o, customer)),
    'customer-details-large': toCustomerDetailsView(viewer, detailsOf(o, large, { users: 2 })),
    attestation: toAttestationView(viewer, removal),
    'removal-done': toRemovalOutcomeView(viewer, { ...removal, removal: { ...removal.removal, status: 'confirmed', attestedBy: who, attestedAt: at } }),
    'acceptance-notification': toAcceptedView(viewer, {
      type: 'invitation.accepted', invitationId: 'inv-1', customerId: customer.id, companyName: customer.companyName, domain: customer.domain,
      contactName: o('Giulia Rossi'), providerName: o('Contoso Distribution'), invitedBy: o('Alice Bianchi'), acceptedAt: at, deliveryIds: [],
    }),
    invitations: toInvitationsView(viewer, [inv, { ...inv, id: 'inv-2', status: 'accepted', effectiveStatus: 'accepted', companyName: o('Tailspin Toys') }], new Date('2026-12-02T10:00:00Z')),
    providers: toProvidersView(viewer, [{ id: 'p1', name: o('Contoso Distribution'), tenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70', createdAt: at }]),
    audit: toAuditView(viewer, [{ id: 'a1', at, actor: who, action: 'invitation.sent', target: 'inv-1', details: {} }]),
  };
}
