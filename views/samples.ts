/**
 * Sample data for every view, for `npm run cards`, the card validation test, and reviewers.
 * Every string that comes from outside the bot (a customer, a partner user, Microsoft, Slack)
 * goes through `outside`, so a test can make all of them hostile at once.
 */
import { permissionsOf } from '../bot/service/permissions.js';
import { removalBlocker } from '../bot/service/removal-rules.js';
import { hashToken } from '../store/invitation-secret.js';
import type { Customer, GdapRecord, Locale } from '../store/schema.js';
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
  toWelcomeView,
  toInvitationsView,
  toMessageView,
  toProviderPickerView,
  toProvidersView,
  toRemovalOutcomeView,
  toSentView,
  toStatusView,
  toEndAccessConfirmView,
  toEndAccessOutcomeView,
  toAdminAccessEndingView,
  toAutoExtendedView,
  toAdminAccessReadyView,
  toAdminAccessFailedView,
  toCustomerArrivedView,
  toDeviceCodeView,
  toSignInOutcomeView,
  toReconnectView,
  toNotificationsView,
  toNotificationsTroubleView,
  toReminderView,
  toOnboardingView,
  toOnboardingRecordView,
  toExportLinkView,
  toExportFileView,
  toGapsView,
  toGapPageView,
  toDigestView,
  type View,
  type Viewer,
} from './index.js';
import { ONBOARDING_PAGE, type OnboardingRecord } from '../bot/service/onboarding.js';
import { GAP_KINDS, GAPS_PAGE, type GapRow } from '../bot/service/gaps.js';
import { bulkSamples } from './bulk-samples.js';
import type { DigestReport } from '../bot/service/digest-report.js';

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
      {
        id: 'r1',
        customerId: c.id,
        kind: 'reseller',
        providerId: null,
        providerName: null,
        status: 'active',
        dapGranted: true,
        invitationId: null,
        createdAt: at,
        endedAt: null,
      },
      {
        id: 'r2',
        customerId: c.id,
        kind: 'provider',
        providerId: 'p1',
        providerName: o('Contoso Distribution'),
        status: 'active',
        dapGranted: true,
        invitationId: null,
        createdAt: at,
        endedAt: null,
      },
    ],
    dapGranted: true,
    activeSubscriptions: subscriptions.filter((x) => x.status === 'active').length,
    removalBlocked: removalBlocker(subscriptions),
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
    subscriptions: Array.from({ length: 15 }, (_, i) => ({
      id: `fs${i}`,
      offer: o(`Microsoft 365 E5, plan ${i + 1}`),
      quantity: 20 + i,
      status: 'active' as const,
      renewsOn: '2027-03-01',
    })),
    users: Array.from({ length: 300 }, (_, i) => ({
      id: `fu${i}`,
      displayName: o(`Utente ${i + 1} Fabrikam`),
      email: o(`utente${i + 1}@fabrikam-industrie.it`),
      licenses: [o('Microsoft 365 E5')],
    })),
    licenses: Array.from({ length: 12 }, (_, i) => ({ sku: o(`SKU ${i + 1}`), assigned: 10, total: 20 })),
  };
}

/** GDAP relationships as Microsoft Graph lists them: the display name and status are Graph's. */
function gdapOf(o: Outside, customer: Customer): GdapRecord[] {
  const record = (id: string, name: string, status: string, autoExtendDuration: string): GdapRecord => ({
    id,
    displayName: o(name),
    status: o(status),
    customerTenantId: customer.tenantId,
    customerName: o(customer.companyName),
    roleDefinitionIds: ['62e90394-69f5-4237-9190-012177145e10', 'f2ef992c-3afb-46b9-b7cf-a126ee74c451'],
    autoExtendDuration,
    endDateTime: '2027-05-23T14:02:00.000Z',
    invitationId: null,
    syncedAt: at,
    expiryNoticeAt: null,
  });
  // The second one the bot requested: its security groups were refused once, with Graph's words.
  const requested: GdapRecord = {
    ...record('g2', 'Northwind Adatum setup', 'active', 'PT0S'),
    invitationId: 'inv-1',
    access: {
      state: 'failed',
      assignments: [],
      attempts: 2,
      nextAttemptAt: '2026-11-23T14:04:00.000Z',
      lastError: { code: o('BadRequest'), message: o('The roles are not part of the relationship.'), group: o('AdminAgents') },
      readyAt: null,
    },
  };
  return [record('g1', 'Northwind_Adatum_Helpdesk', 'active', 'P180D'), requested];
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
    customerName: null,
    partnerName: o('Northwind Cloud'),
    companyName: null,
    customerEmail: o('giulia.rossi@adatum.com'),
    locale,
    link,
    subject: o(
      locale === 'it' ? 'Northwind Cloud e Contoso Distribution vi invitano' : 'Northwind Cloud and Contoso Distribution invite you',
    ),
    microsoft: null,
    body:
      locale === 'it'
        ? `${o('Buongiorno,')}\n\naprite questo link per accettare:\n${link}\n\nCordiali saluti`
        : `${o('Hello,')}\n\nopen this link to accept:\n${link}\n\nKind regards`,
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
  const viewer = { locale, permissions: permissionsOf('global-admin'), timeZone: 'Europe/Rome' };
  const inv = invitation(locale, o);
  const who = person(o);
  const customer = customerOf(o);
  const large = largeOf(o);
  const removal = {
    removal: {
      id: 'rem-1',
      customerId: customer.id,
      relationshipId: 'r1',
      status: 'pending' as const,
      requestedBy: who,
      requestedAt: at,
      attestationVersion: attestationText(locale).version,
      attestationLocale: locale,
      attestedBy: null,
      attestedAt: null,
      cancelledBy: null,
      cancelledAt: null,
    },
    companyName: customer.companyName,
    domain: customer.domain,
    attestation: attestationText(locale),
    alreadyDone: false,
    followUp: null,
  };
  return {
    help: toHelpView({ ...viewer, capabilities: ['grantRoles'] }),
    'help-microsoft': toHelpView({ ...viewer, capabilities: ['microsoft'] }),
    welcome: toWelcomeView({ ...viewer, capabilities: ['grantRoles'] }, { role: 'global-admin', partnerName: o('Northwind Cloud') }),
    'welcome-no-role': toWelcomeView({ locale, capabilities: ['grantRoles'] }, { role: null, partnerName: null }),
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
    'customer-details-large': toCustomerDetailsView(viewer, detailsOf(o, large, { users: 2 }), 'users'),
    attestation: toAttestationView(viewer, removal),
    'removal-done': toRemovalOutcomeView(viewer, {
      ...removal,
      removal: { ...removal.removal, status: 'confirmed', attestedBy: who, attestedAt: at },
    }),
    'removal-done-partner-center': toRemovalOutcomeView(viewer, {
      ...removal,
      removal: { ...removal.removal, status: 'confirmed', attestedBy: who, attestedAt: at },
      followUp: { link: 'https://partner.microsoft.com/dashboard/v2/customers/2ffbc84f-f8d7-4469-a696-53ed33a67873/account' },
    }),
    'acceptance-notification': toAcceptedView(viewer, {
      type: 'invitation.accepted',
      invitationId: 'inv-1',
      customerId: customer.id,
      companyName: customer.companyName,
      domain: customer.domain,
      contactName: o('Giulia Rossi'),
      providerName: o('Contoso Distribution'),
      invitedBy: o('Alice Bianchi'),
      inviter: who,
      acceptedAt: at,
      deliveryIds: [],
    }),
    invitations: toInvitationsView(
      viewer,
      [
        { ...inv, status: 'sent', effectiveStatus: 'sent', sentAt: at, sentBy: who, companyName: o('Adatum Studio') },
        {
          ...inv,
          id: 'inv-2',
          status: 'accepted',
          effectiveStatus: 'accepted',
          sentAt: at,
          sentBy: who,
          acceptedAt: at,
          customerId: 'c1',
          customerName: o('Tailspin Toys'),
        },
      ],
      new Date('2026-12-02T10:00:00Z'),
      [{ ...inv, id: 'inv-3' }],
    ),
    providers: toProvidersView(viewer, [
      { id: 'p1', name: o('Contoso Distribution'), tenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70', createdAt: at },
    ]),
    audit: toAuditView(viewer, [
      { id: 'a1', at, actor: who, action: 'invitation.sent', target: 'inv-1', details: {}, subject: o('Adatum Studio'), role: null },
    ]),
    ...microsoftSamples(viewer, o, customer),
    ...notificationSamples(viewer, o),
    ...bulkSamples(viewer, o),
  };
}

/** `notifications` and the admins' notices: conversation names and platform errors come from outside. */
function notificationSamples(viewer: Viewer, o: Outside): Record<string, View> {
  const subscription = (id: string, name: string) => ({
    id,
    platform: 'teams' as const,
    conversationId: id.slice('teams:'.length),
    name: o(name),
    reference: null,
    locale: viewer.locale,
    createdBy: person(o),
    createdAt: at,
  });
  const health = [
    { subscription: { ...subscription('teams:19:sales@thread.tacv2', 'Sales'), lastDeliveredAt: at }, pending: 0, givenUp: 0 },
    {
      subscription: {
        ...subscription('teams:19:ops@thread.tacv2', 'Ops'),
        lastDeliveredAt: '2026-11-20T09:00:00.000Z',
        lastFailedAt: at,
        lastError: o('RestError 500'),
        givenUpAt: at,
      },
      pending: 2,
      givenUp: 1,
    },
  ];
  const trouble = {
    subscriptionId: 'teams:19:ops@thread.tacv2',
    name: o('Ops'),
    platform: 'slack' as const,
    attempts: 48,
    since: at,
    deliveryIds: [],
  };
  return {
    notifications: toNotificationsView(viewer, health),
    'notifications-removed': toNotificationsView(viewer, health.slice(0, 1), { name: o('Ops') }),
    'notifications-gone': toNotificationsTroubleView(viewer, {
      type: 'notifications.trouble',
      outcome: 'gone',
      reason: 'archived',
      ...trouble,
    }),
    'notifications-given-up': toNotificationsTroubleView(viewer, {
      type: 'notifications.trouble',
      outcome: 'givenUp',
      reason: null,
      ...trouble,
    }),
  };
}

/**
 * The views of the Microsoft directory and Partner Center: the error texts, account names, GDAP
 * relationship names and statuses, sign-in codes and links come from Microsoft, so from outside.
 */
function microsoftSamples(viewer: Viewer, o: Outside, customer: Customer): Record<string, View> {
  const gdap = gdapOf(o, customer);
  // The onboarding samples (the board, a record, the reminders) follow one invitation.
  const inv = invitation(viewer.locale, o);
  const tenant = {
    kind: 'microsoft' as const,
    tenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70',
    appId: '6f1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d',
  };
  return {
    'customer-details-microsoft': toCustomerDetailsView(viewer, {
      ...detailsOf(o, { ...customer, users: [], subscriptions: [], licenses: [] }),
      microsoft: { adminAccess: gdap, partnerCenterLink: 'https://partner.microsoft.com/dashboard/v2/customers/list' },
    }),
    status: toStatusView(
      viewer,
      {
        ...tenant,
        missingPermissions: null,
        permissionError: o('Insufficient privileges to complete the operation.'),
        sync: { lastSuccessAt: at, lastError: o('Graph answered 503: Service Unavailable'), stale: true },
      },
      {
        available: true,
        ready: true,
        account: o('admin@northwindcloud.onmicrosoft.com'),
        connectedAt: at,
        refreshExpiresAt: '2027-02-21T14:02:00.000Z',
        lost: false,
        keyChanged: false,
        capabilities: {
          customers: { allowed: true, code: null },
          relationshipRequests: { allowed: false, code: '1002' },
          providers: { allowed: false, code: o('600013') },
        },
      },
    ),
    'status-permissions-missing': toStatusView(viewer, {
      ...tenant,
      missingPermissions: ['Directory.Read.All', 'DelegatedAdminRelationship.ReadWrite.All'],
      permissionError: null,
      sync: null,
    }),
    'end-admin-access': toEndAccessConfirmView(viewer, { customerId: customer.id, companyName: customer.companyName, relationships: gdap }),
    'admin-access-ended': toEndAccessOutcomeView(viewer, { companyName: customer.companyName, ended: gdap, alreadyDone: false }),
    'customer-arrived': toCustomerArrivedView(viewer, {
      type: 'customer.arrived',
      customerId: customer.id,
      companyName: o('Tailspin Toys'),
      source: 'partnerCenter',
      at: '2026-11-23T14:02:00.000Z',
      deliveryIds: [],
    }),
    'admin-access-ending': toAdminAccessEndingView(viewer, {
      type: 'adminAccess.ending',
      relationshipId: 'g2',
      relationshipName: gdap[1]!.displayName,
      customerId: customer.id,
      companyName: customer.companyName,
      endsAt: '2026-12-07T14:02:00.000Z',
      deliveryIds: [],
      autoExtendable: true,
    }),
    'admin-access-auto-extended': toAutoExtendedView(viewer, {
      relationshipId: 'g2',
      relationshipName: gdap[1]!.displayName,
      customerId: customer.id,
      companyName: customer.companyName,
      endsAt: gdap[1]!.endDateTime,
      alreadyOn: false,
    }),
    'partner-center-sign-in': toDeviceCodeView(viewer, {
      userCode: o('FJ8QXK2LM'),
      verificationUri: o('https://microsoft.com/devicelogin'),
      expiresAt: '2026-11-23T14:17:00.000Z',
      message: o('To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FJ8QXK2LM.'),
    }),
    'partner-center-connected': toSignInOutcomeView(viewer, {
      type: 'partnerCenter.signIn',
      outcome: 'connected',
      account: o('admin@northwindcloud.onmicrosoft.com'),
      capabilities: { customers: null, relationshipRequests: '1002', providers: o('600013') },
      code: null,
      deliveryIds: [],
    }),
    'partner-center-failed': toSignInOutcomeView(viewer, {
      type: 'partnerCenter.signIn',
      outcome: 'failed',
      account: null,
      capabilities: {},
      code: o('AADSTS50076'),
      deliveryIds: [],
    }),
    'partner-center-reconnect': toReconnectView(viewer, { type: 'partnerCenter.reconnect', reason: 'lost', at, deliveryIds: [] }),
    'admin-access-ready': toAdminAccessReadyView(viewer, {
      type: 'adminAccess.ready',
      relationshipId: 'g2',
      customerId: customer.id,
      companyName: customer.companyName,
      groups: [
        { group: o('AdminAgents'), roleDefinitionIds: ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', '4d6ac14f-3453-41d0-bef9-a3e0c569773a'] },
        { group: o('HelpdeskAgents'), roleDefinitionIds: ['f023fd81-a637-4b56-95fd-791ac0226033'] },
      ],
      readyAt: at,
      deliveryIds: [],
    }),
    'admin-access-failed': toAdminAccessFailedView(viewer, {
      type: 'adminAccess.failed',
      relationshipId: 'g2',
      customerId: customer.id,
      companyName: customer.companyName,
      error: { code: o('groupNotFound'), message: o('No group named Tier 1 in the partner tenant.'), group: o('Tier 1') },
      deliveryIds: [],
    }),
    'invitation-reminder': toReminderView(viewer, reminder('reminder')),
    'invitation-expired': toReminderView(viewer, reminder('expired')),
    // A full page of the board (real-sized names and addresses) with both pager buttons.
    'onboarding-board': toOnboardingView(
      viewer,
      { records: Array.from({ length: ONBOARDING_PAGE }, (_, i) => onboardingRecord(i)), total: 2_000, page: 2, pages: 200 },
      new Date(at),
    ),
    'onboarding-record': toOnboardingRecordView(
      viewer,
      { ...onboardingRecord(0), problem: { message: o('Insufficient privileges to complete the operation.'), relationshipId: 'g2' } },
      new Date(at),
    ),
    // An export: Teams' one-time link, and the card that comes with the file elsewhere.
    'export-link': toExportLinkView(viewer, {
      kind: 'customers',
      url: 'https://bot.example.com/downloads/Zm9yLWEtcGljdHVyZS1vbmx5LW5vdC1hLXRva2VuLQ',
      filename: `${viewer.locale === 'it' ? 'clienti' : 'customers'}-2026-11-23.csv`,
      expiresAt: at,
    }),
    'export-file': toExportFileView(viewer, {
      kind: 'audit',
      filename: `${viewer.locale === 'it' ? 'registro' : 'audit'}-2026-11-23.csv`,
      contentType: 'text/csv; charset=utf-8',
      bytes: Buffer.from('\uFEFFWhen (UTC),Who\r\n'),
      rows: 1_250,
    }),
    // Every kind with a count and what is unknown, for a Microsoft deployment without Partner Center's API.
    'gaps-overview': toGapsView(
      { ...viewer, capabilities: ['microsoft'] },
      { gaps: GAP_KINDS.map((kind, i) => ({ kind, count: 1_000 + i, unknown: i < 3 ? 1_999 : 0 })) },
    ),
    // A full page of the longest rows (a relationship each, real-sized names) with both pager buttons.
    'gaps-page': toGapPageView(viewer, {
      kind: 'endingWithoutAutoExtend',
      count: 2_000,
      unknown: 0,
      page: 2,
      pages: 200,
      rows: Array.from({ length: GAPS_PAGE }, (_, i) => gapRow(i)),
    }),
    'gaps-provider-page': toGapPageView(viewer, {
      kind: 'providerWithoutRelationship',
      count: 2_000,
      unknown: 1_500,
      page: 1,
      pages: 200,
      rows: Array.from({ length: GAPS_PAGE }, (_, i) => ({
        ...gapRow(i),
        relationship: null,
        providerName: o('Contoso Distribution Europe S.p.A.'),
      })),
    }),
    // A full digest: every section past its five, long names, the chart at its signed address.
    digest: toDigestView(
      viewer,
      digestReport(
        'https://bot.example.com/digest/chart/teams%3A19%3Asales%40thread.tacv2/1795442520000.png?exp=1798034520000&sig=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cQ',
      ),
      { subscribed: true, nextAt: at },
    ),
    'digest-unsubscribed': toDigestView(viewer, digestReport(null), { subscribed: false, nextAt: at }),
  };

  function gapRow(i: number): GapRow {
    return {
      customerId: `cust-${i}`,
      name: o(`Customer ${i} ${'Holding Internazionale S.p.A. '.repeat(3).trim()}`),
      email: o(`it-admin-${i}@customer-${i}.example`),
      providerName: null,
      relationship: {
        id: `0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b7${i}-12345678`,
        displayName: o(`Northwind_GDAP_Customer_${i}_Holding_2026`),
        endsAt: at,
      },
    };
  }

  function digestReport(chartUrl: string | null): DigestReport {
    const items = (label: string) =>
      Array.from({ length: 5 }, (_, i) => ({
        name: o(`${label} ${i + 1} ${'Holding Internazionale S.p.A. '.repeat(3).trim()}`),
        at: inv.createdAt,
      }));
    const weeks = Array.from({ length: 8 }, (_, i) => ({
      start: new Date(Date.parse(at) - (8 - i) * 7 * 86_400_000).toISOString(),
      sent: 120 + i,
      accepted: 40 + i,
      ready: 30 + i,
    }));
    return {
      at,
      timeZone: 'Europe/Rome',
      accepted: { count: 48, top: items('Accepted') },
      pending: { count: 1_850, top: items('Waiting') },
      ready: { count: 37, top: items('Ready') },
      ending: { count: 212, top: items('Ending') },
      gaps: GAP_KINDS.map((kind, i) => ({ kind, count: 140 + i, unknown: 0 })),
      weeks,
      chartUrl,
    };
  }

  function reminder(kind: 'reminder' | 'expired') {
    return {
      type: 'invitation.reminder' as const,
      kind,
      invitationId: inv.id,
      companyName: o('Fabrikam Srl'),
      customerEmail: o('giulia.rossi@fabrikam.example'),
      sentAt: inv.createdAt,
      at,
      deliveryIds: [],
    };
  }

  function onboardingRecord(i: number): OnboardingRecord {
    const name = o(`Customer ${i} ${'Holding Internazionale S.p.A. '.repeat(3).trim()}`);
    return {
      invitationId: `inv-${i}`,
      name,
      email: o(`it-admin-${i}@customer-${i}.example`),
      providerName: o('Contoso Distribution'),
      steps: [
        { name: 'emailSent', at: inv.createdAt, by: o('Alice Bianchi') },
        { name: 'resellerAccepted', at: at, by: name },
        { name: 'providerAccepted', at: null, by: null },
        { name: 'gdapApproved', at: null, by: null },
        { name: 'accessAssigned', at: null, by: null },
        { name: 'accessReady', at: null, by: null },
      ],
      current: 'providerAccepted',
      since: at,
      state: 'waiting',
      customerId: customer.id,
      approvalLink:
        'https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70-12345678',
      pending: false,
      problem: null,
    };
  }
}
