/** Invitation views: the email draft, the sent email, the provider picker, the list, the acceptance. */
import { Acquisition, type Provider } from '../store/schema.js';
import { t, type MessageKey } from '../i18n/catalogue.js';
import type { InvitationRecord } from '../bot/service/invitations.js';
import { isPending } from '../bot/service/invitation-status.js';
import type { InvitationAcceptedEvent } from '../bot/service/events.js';
import { formatDate, may, toListView, type ActionModel, type Base, type Fact, type ListView, type OutcomeView, type Viewer } from './common.js';

export interface DraftView extends Base {
  kind: 'draft';
  invitationId: string;
  intro: string;
  facts: Fact[];
  subjectLabel: string;
  subject: string;
  bodyLabel: string;
  body: string;
  bodyError: string | null;
  /** How the customer came to us: the label, the chosen `Acquisition`, and the choices. */
  acquisitionLabel: string;
  acquisition: string;
  acquisitionChoices: Array<{ title: string; value: string }>;
  link: string;
  /** Carried back by the card's actions: the store has only the token's hash, not the link. */
  token: string | null;
  linkLabel: string;
  copyLabel: string;
  mailto: string;
  openLabel: string;
  actions: ActionModel[];
}

export interface SentView extends Base {
  kind: 'sent';
  invitationId: string;
  text: string;
  next: string;
  facts: Fact[];
  copyLabel: string;
  subject: string;
  body: string;
  mailto: string;
  openLabel: string;
}

export interface ProviderPickerView extends Base {
  kind: 'providerPicker';
  intro: string;
  label: string;
  choices: Array<{ title: string; value: string }>;
  actions: ActionModel[];
}

export interface AcceptedView extends Base {
  kind: 'accepted';
  text: string;
  facts: Fact[];
  actions: ActionModel[];
}

export function mailtoLink(to: string | null, subject: string, body: string): string {
  return `mailto:${to ? encodeURIComponent(to) : ''}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

export function toDraftView(
  viewer: Viewer,
  inv: InvitationRecord,
  edited?: { subject?: string; body?: string; acquisition?: string; error?: MessageKey },
): DraftView {
  const l = viewer.locale;
  const subject = edited?.subject ?? inv.subject;
  const body = edited?.body ?? inv.body;
  const title = inv.providerName ? t(l, 'ui.draft.titleWithProvider', { provider: inv.providerName }) : t(l, 'ui.draft.title');
  return {
    kind: 'draft',
    locale: l,
    title,
    fallbackText: `${title}: ${inv.link ?? inv.microsoft?.approvalLink ?? ''}`,
    invitationId: inv.id,
    intro: t(l, 'ui.draft.intro'),
    facts: [
      { title: t(l, 'ui.draft.partner'), value: inv.partnerName },
      ...(inv.providerName ? [{ title: t(l, 'ui.draft.provider'), value: inv.providerName }] : []),
      { title: t(l, 'ui.draft.expires'), value: formatDate(viewer, inv.expiresAt, false) },
    ],
    subjectLabel: t(l, 'ui.draft.subject'),
    subject,
    bodyLabel: t(l, 'ui.draft.body'),
    body,
    bodyError: edited?.error
      ? t(l, edited.error, { link: inv.link ?? '', links: inv.microsoft ? `${inv.microsoft.resellerLink}\n${inv.microsoft.approvalLink}` : '' })
      : null,
    acquisitionLabel: t(l, 'ui.draft.acquisition'),
    acquisition: edited?.acquisition ?? inv.acquisition,
    acquisitionChoices: Acquisition.options.map((value) => ({ value, title: t(l, `ui.acquisition.${value}`) })),
    // With the Microsoft directory the link to copy is this customer's own GDAP approval link.
    link: inv.link ?? inv.microsoft?.approvalLink ?? '',
    token: inv.token,
    linkLabel: t(l, 'ui.draft.link'),
    copyLabel: t(l, 'ui.draft.copy'),
    mailto: mailtoLink(inv.customerEmail, subject, body),
    openLabel: t(l, 'ui.draft.open'),
    actions: [
      {
        verb: 'invitation.done',
        title: t(l, 'ui.draft.done'),
        style: 'positive',
        data: { invitationId: inv.id, ...(inv.token ? { token: inv.token } : {}) },
      },
      { verb: 'invitation.revoke', title: t(l, 'ui.draft.revoke'), style: 'destructive', data: { invitationId: inv.id } },
    ],
  };
}

export function toSentView(viewer: Viewer, inv: InvitationRecord): SentView {
  const l = viewer.locale;
  const title = t(l, 'ui.sent.title');
  const text = t(l, 'ui.sent.by', { name: inv.sentBy?.displayName ?? '', when: formatDate(viewer, inv.sentAt ?? inv.createdAt) });
  return {
    kind: 'sent',
    locale: l,
    title,
    fallbackText: `${title}. ${text}`,
    invitationId: inv.id,
    text,
    next: t(l, 'ui.sent.next'),
    facts: [
      { title: t(l, 'ui.draft.acquisition'), value: t(l, `ui.acquisition.${inv.acquisition}`) },
      ...(inv.providerName ? [{ title: t(l, 'ui.draft.provider'), value: inv.providerName }] : []),
      { title: t(l, 'ui.draft.expires'), value: formatDate(viewer, inv.expiresAt, false) },
    ],
    copyLabel: t(l, 'ui.draft.copy'),
    subject: inv.subject,
    body: inv.body,
    mailto: mailtoLink(inv.customerEmail, inv.subject, inv.body),
    openLabel: t(l, 'ui.draft.open'),
  };
}

export function toProviderPickerView(viewer: Viewer, providers: Provider[]): ProviderPickerView {
  const l = viewer.locale;
  const title = t(l, 'ui.picker.title');
  return {
    kind: 'providerPicker',
    locale: l,
    title,
    fallbackText: title,
    intro: t(l, 'ui.picker.intro'),
    label: t(l, 'ui.picker.provider'),
    choices: providers.map((p) => ({ title: p.name, value: p.id })),
    actions: [{ verb: 'invitation.draftWithProvider', title: t(l, 'ui.picker.next'), style: 'positive' }],
  };
}

export function toRevokedView(viewer: Viewer, inv: InvitationRecord): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.status.revoked');
  const text = t(l, 'ui.invitations.revoked', {
    name: inv.revokedBy?.displayName ?? '',
    when: formatDate(viewer, inv.revokedAt ?? inv.createdAt),
  });
  return { kind: 'outcome', locale: l, title: title[0]!.toUpperCase() + title.slice(1), fallbackText: text, text, facts: [], actions: [] };
}

export function toInvitationsView(viewer: Viewer, invitations: InvitationRecord[], now: Date): ListView {
  const l = viewer.locale;
  const rows: ListView['rows'] = invitations.slice(0, 20).map((inv, index) => {
    const pending = isPending(inv.effectiveStatus);
    const days = Math.floor((now.getTime() - Date.parse(inv.sentAt ?? inv.createdAt)) / 86_400_000);
    const status =
      pending && days > 0
        ? `${t(l, `ui.status.${inv.effectiveStatus}`)}, ${t(l, 'ui.invitations.pendingFor', { count: days })}`
        : t(l, `ui.status.${inv.effectiveStatus}`);
    const who = inv.companyName ?? inv.customerEmail ?? (inv.customerId ? inv.customerId : t(l, 'ui.invitations.unnamed'));
    return {
      text: `${index + 1}. ${t(l, 'ui.invitations.row', { who, status, by: inv.createdBy.displayName, when: formatDate(viewer, inv.createdAt, false) })}${inv.providerName ? ` (${inv.providerName})` : ''}`,
      actions:
        pending && may(viewer, 'invite')
          ? [
              {
                verb: 'invitation.revoke',
                title: t(l, 'ui.invitations.revoke'),
                style: 'destructive' as const,
                data: { invitationId: inv.id },
              },
            ]
          : [],
    };
  });
  return toListView(viewer, 'ui.invitations.title', 'ui.invitations.empty', rows);
}

export function toAcceptedView(viewer: Viewer, e: InvitationAcceptedEvent): AcceptedView {
  const l = viewer.locale;
  const title = t(l, 'ui.accepted.title', { company: e.companyName });
  return {
    kind: 'accepted',
    locale: l,
    title,
    fallbackText: title,
    text: t(l, 'ui.accepted.text', { company: e.companyName }),
    facts: [
      { title: t(l, 'ui.accepted.domain'), value: e.domain },
      { title: t(l, 'ui.accepted.contact'), value: e.contactName },
      ...(e.providerName ? [{ title: t(l, 'ui.accepted.provider'), value: e.providerName }] : []),
      { title: t(l, 'ui.accepted.invitedBy'), value: e.invitedBy },
      { title: t(l, 'ui.accepted.at'), value: formatDate(viewer, e.acceptedAt) },
    ],
    actions: [{ verb: 'customer.show', title: t(l, 'ui.accepted.show'), style: 'positive', data: { customerId: e.customerId } }],
  };
}
