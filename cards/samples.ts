/** Sample data for every view, for `npm run cards`, the card validation test, and reviewers. */
import { permissionsOf } from '../bot/service/permissions.js';
import type { Customer, Locale } from '../store/schema.js';
import type { InvitationView } from '../bot/service/invitations.js';
import type { CustomerDetails } from '../bot/service/customers.js';
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
} from './views.js';

const at = '2026-11-23T14:02:00.000Z';
const who = { platform: 'teams' as const, userId: 'aad-1', displayName: 'Alice Bianchi' };
const link = 'https://bot.example.com/invitations/q3VbX0m2b8Jc1a7kN5pL4sT9wY6zR2uE1oI8hG3fD0c';

const customer: Customer = {
  id: 'cust-adatum',
  companyName: 'Adatum Corporation',
  domain: 'adatum.com',
  tenantId: '3c9e1f2a-7b4d-4e8a-a1c6-5d2f8b0e9a13',
  contact: { name: 'Giulia Rossi', email: 'giulia.rossi@adatum.com' },
  subscriptions: [{ id: 's1', offer: 'Microsoft 365 E3', quantity: 25, status: 'active', renewsOn: '2027-03-01' }],
  users: [{ id: 'u1', displayName: 'Giulia Rossi', email: 'giulia.rossi@adatum.com', licenses: ['Microsoft 365 E3'] }],
  licenses: [{ sku: 'Microsoft 365 E3', assigned: 21, total: 25 }],
  createdAt: at,
  updatedAt: at,
};

const details: CustomerDetails = {
  customer,
  relationships: [
    { id: 'r1', customerId: customer.id, kind: 'reseller', providerId: null, providerName: null, status: 'active', dapGranted: true, invitationId: null, createdAt: at, endedAt: null },
    { id: 'r2', customerId: customer.id, kind: 'provider', providerId: 'p1', providerName: 'Contoso Distribution', status: 'active', dapGranted: true, invitationId: null, createdAt: at, endedAt: null },
  ],
  dapGranted: true,
  activeSubscriptions: 1,
};

function invitation(locale: Locale): InvitationView {
  return {
    id: 'inv-1',
    token: link.split('/').pop()!,
    status: 'draft',
    effectiveStatus: 'draft',
    channel: 'indirect-provider',
    providerId: 'p1',
    providerName: 'Contoso Distribution',
    partnerName: 'Northwind Cloud',
    companyName: null,
    customerEmail: 'giulia.rossi@adatum.com',
    locale,
    link,
    subject: locale === 'it' ? 'Northwind Cloud e Contoso Distribution ti invitano' : 'Northwind Cloud and Contoso Distribution invite you',
    body: locale === 'it' ? `Buongiorno,\n\napri questo link per accettare:\n${link}\n\nCordiali saluti` : `Hello,\n\nopen this link to accept:\n${link}\n\nKind regards`,
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

export function sampleViews(locale: Locale): Record<string, View> {
  const viewer = { locale, isAdmin: true, permissions: permissionsOf('global-admin'), timeZone: 'Europe/Rome' };
  const inv = invitation(locale);
  const removal = {
    removal: {
      id: 'rem-1', customerId: customer.id, relationshipId: 'r1', status: 'pending' as const, requestedBy: who, requestedAt: at,
      attestationVersion: attestationText(locale).version, attestationLocale: locale, attestedBy: null, attestedAt: null, cancelledBy: null, cancelledAt: null,
    },
    companyName: customer.companyName,
    domain: customer.domain,
    attestation: attestationText(locale),
    alreadyDone: false,
  };
  return {
    help: toHelpView(viewer),
    error: toMessageView(viewer, 'error', 'error.adminOnly', { role: 'Sales agent' }),
    'email-draft': toDraftView(viewer, inv),
    'email-draft-error': toDraftView(viewer, inv, { body: 'Hello', error: 'invitation.linkMissing' }),
    'invitation-sent': toSentView(viewer, { ...inv, status: 'sent', effectiveStatus: 'sent', sentAt: at, sentBy: who }),
    'provider-picker': toProviderPickerView(viewer, [
      { id: 'p1', name: 'Contoso Distribution', tenantId: null, createdAt: at },
      { id: 'p2', name: 'Fabrikam Distribution', tenantId: null, createdAt: at },
    ]),
    'customer-list': toCustomerListView(viewer, { items: [customer], total: 12, page: 1, pageCount: 2, pageSize: 10, query: '' }, () => details),
    'customer-details': toCustomerDetailsView(viewer, details),
    attestation: toAttestationView(viewer, removal),
    'removal-done': toRemovalOutcomeView(viewer, { ...removal, removal: { ...removal.removal, status: 'confirmed', attestedBy: who, attestedAt: at } }),
    'acceptance-notification': toAcceptedView(viewer, {
      type: 'invitation.accepted', invitationId: 'inv-1', customerId: customer.id, companyName: customer.companyName, domain: customer.domain,
      contactName: 'Giulia Rossi', providerName: 'Contoso Distribution', invitedBy: 'Alice Bianchi', acceptedAt: at, deliveryIds: [], draftMessage: null,
    }),
    invitations: toInvitationsView(viewer, [inv, { ...inv, id: 'inv-2', status: 'accepted', effectiveStatus: 'accepted', companyName: 'Tailspin Toys' }], new Date('2026-12-02T10:00:00Z')),
    providers: toProvidersView(viewer, [{ id: 'p1', name: 'Contoso Distribution', tenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70', createdAt: at }]),
    audit: toAuditView(viewer, [{ id: 'a1', at, actor: who, action: 'invitation.sent', target: 'inv-1', details: {} }]),
  };
}
