/** Invitation views: the email draft, the sent email, the provider picker, the list, the acceptance. */
import { Acquisition, type Provider } from '../store/schema.js';
import { t, tAround, type MessageKey } from '../i18n/catalogue.js';
import { COMPANY_NAME_MAX, type InvitationRecord } from '../bot/service/invitations.js';
import { isPending } from '../bot/service/invitation-status.js';
import type { InvitationAcceptedEvent } from '../bot/service/events.js';
import {
  formatDate,
  languageName,
  may,
  outcomeView,
  toListView,
  type ActionModel,
  type Base,
  type Fact,
  type ListView,
  type Naming,
  type OutcomeView,
  type PersonRef,
  type Viewer,
} from './common.js';

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
  /** Who the invitation is for, both optional (the command may have filled them); a sentence when one cannot be used. */
  companyLabel: string;
  companyName: string;
  emailLabel: string;
  customerEmail: string;
  inviteeError: string | null;
  /** Which of the two the sentence is about. */
  inviteeErrorOn: 'companyName' | 'customerEmail' | null;
  /** How the customer came to us: the label, the chosen `Acquisition`, and the choices. */
  acquisitionLabel: string;
  acquisition: string;
  acquisitionChoices: Array<{ title: string; value: string }>;
  link: string;
  /** Carried back by the card's actions: the store has only the token's hash, not the link. */
  token: string | null;
  linkLabel: string;
  /** The email as it stands (subject, then body with the link), to copy before Done. */
  copyLabel: string;
  copyHint: string;
  /** Where the client shows the copy text and the inputs in turn (Teams), what switches to the inputs and back. */
  editLabel: string;
  copyBackLabel: string;
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
  /** "Invited by …": who drafted the invitation, mentioned where the post is on their platform. */
  invitedBy: Naming;
  facts: Fact[];
  actions: ActionModel[];
}

export function mailtoLink(to: string | null, subject: string, body: string): string {
  return `mailto:${to ? encodeURIComponent(to) : ''}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

export function toDraftView(
  viewer: Viewer,
  inv: InvitationRecord,
  edited?: {
    subject?: string;
    body?: string;
    acquisition?: string;
    companyName?: string;
    customerEmail?: string;
    error?: MessageKey;
    inviteeError?: { on: 'companyName' | 'customerEmail'; key: MessageKey };
  },
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
      { title: t(l, 'ui.draft.language'), value: languageName(l, inv.locale) },
    ],
    subjectLabel: t(l, 'ui.draft.subject'),
    subject,
    bodyLabel: t(l, 'ui.draft.body'),
    body,
    bodyError: edited?.error
      ? t(l, edited.error, { link: inv.link ?? '', links: inv.microsoft ? `${inv.microsoft.resellerLink}\n${inv.microsoft.approvalLink}` : '' })
      : null,
    companyLabel: t(l, 'ui.draft.company'),
    companyName: edited?.companyName ?? inv.companyName ?? '',
    emailLabel: t(l, 'ui.draft.recipient'),
    customerEmail: edited?.customerEmail ?? inv.customerEmail ?? '',
    inviteeError: edited?.inviteeError ? t(l, edited.inviteeError.key, { email: (edited.customerEmail ?? '').slice(0, 80), max: COMPANY_NAME_MAX }) : null,
    inviteeErrorOn: edited?.inviteeError?.on ?? null,
    acquisitionLabel: t(l, 'ui.draft.acquisition'),
    acquisition: edited?.acquisition ?? inv.acquisition,
    acquisitionChoices: Acquisition.options.map((value) => ({ value, title: t(l, `ui.acquisition.${value}`) })),
    // With the Microsoft directory the link to copy is this customer's own GDAP approval link.
    link: inv.link ?? inv.microsoft?.approvalLink ?? '',
    token: inv.token,
    linkLabel: t(l, 'ui.draft.link'),
    copyLabel: t(l, 'ui.draft.copy'),
    copyHint: t(l, 'ui.draft.copyHint'),
    editLabel: t(l, 'ui.draft.editEmail'),
    copyBackLabel: t(l, 'ui.draft.copyBack'),
    mailto: mailtoLink(inv.customerEmail, subject, body),
    openLabel: t(l, 'ui.draft.open'),
    actions: [
      {
        verb: 'invitation.done',
        title: t(l, 'ui.draft.done'),
        style: 'positive',
        data: { invitationId: inv.id, ...(inv.token ? { token: inv.token } : {}) },
      },
      // The email in the other language (the customer may not read the inviter's).
      {
        verb: 'invitation.language',
        title: t(l, inv.locale === 'it' ? 'ui.draft.writeIn.en' : 'ui.draft.writeIn.it'),
        data: { invitationId: inv.id, language: inv.locale === 'it' ? 'en' : 'it', ...(inv.token ? { token: inv.token } : {}) },
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
      { title: t(l, 'ui.draft.language'), value: languageName(l, inv.locale) },
    ],
    copyLabel: t(l, 'ui.draft.copy'),
    subject: inv.subject,
    body: inv.body,
    mailto: mailtoLink(inv.customerEmail, inv.subject, inv.body),
    openLabel: t(l, 'ui.draft.open'),
  };
}

/** `who`: the company and email typed with the command, carried to the draft made once a provider is picked. */
export function toProviderPickerView(
  viewer: Viewer,
  providers: Provider[],
  who: { companyName: string | null; customerEmail: string | null } = { companyName: null, customerEmail: null },
): ProviderPickerView {
  const carried = {
    ...(who.companyName ? { companyName: who.companyName } : {}),
    ...(who.customerEmail ? { customerEmail: who.customerEmail } : {}),
  };
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
    actions: [{ verb: 'invitation.draftWithProvider', title: t(l, 'ui.picker.next'), style: 'positive', data: carried }],
  };
}

/** Asked of a Global admin before the first invitation: the company's name customers will read. */
export function toPartnerSetupView(viewer: Viewer): OutcomeView {
  return outcomeView(viewer.locale, t(viewer.locale, 'ui.partner.setupTitle'), t(viewer.locale, 'partner.nameNeeded'));
}

/** A discarded draft was never an invitation: it says "Draft discarded", never "revoked". */
export function toRevokedView(viewer: Viewer, inv: InvitationRecord): OutcomeView {
  const l = viewer.locale;
  const discarded = inv.sentAt === null;
  const params = { name: inv.revokedBy?.displayName ?? '', when: formatDate(viewer, inv.revokedAt ?? inv.createdAt), who: invitee(l, inv) };
  const title = t(l, discarded ? 'ui.invitations.discardedTitle' : 'ui.invitations.revokedTitle', params);
  const text = t(l, discarded ? 'ui.invitations.discarded' : 'ui.invitations.revoked', params);
  return { kind: 'outcome', locale: l, title, fallbackText: text, text, facts: [], actions: [] };
}

/** Who an invitation is for, by name: the customer's name once accepted, never an id. */
function invitee(l: Viewer['locale'], inv: InvitationRecord): string {
  return inv.customerName ?? inv.companyName ?? inv.customerEmail ?? t(l, 'ui.invitations.unnamed');
}

const DAY_MS = 86_400_000;
const relative: Partial<Record<Viewer['locale'], Intl.RelativeTimeFormat>> = {};
/** "today", "yesterday", "3 days ago", on calendar days in the viewer's time zone. */
export function ago(viewer: Viewer, iso: string, now: Date): string {
  const day = (d: Date) => Date.parse(new Intl.DateTimeFormat('en-CA', { timeZone: viewer.timeZone ?? 'UTC' }).format(d));
  const days = Math.round((day(now) - day(new Date(iso))) / DAY_MS);
  const format = (relative[viewer.locale] ??= new Intl.RelativeTimeFormat(viewer.locale, { numeric: 'auto' }));
  return format.format(-Math.max(0, days), 'day');
}

/** An invitation's state in words, with its age: "sent 3 days ago", "accepted yesterday", "expired on 5 Dec 2026". */
function stateOf(viewer: Viewer, inv: InvitationRecord, now: Date): string {
  const l = viewer.locale;
  switch (inv.effectiveStatus) {
    case 'accepted':
      return t(l, 'ui.invitations.state.accepted', { ago: ago(viewer, inv.acceptedAt ?? inv.createdAt, now) });
    case 'expired':
      return t(l, 'ui.invitations.state.expired', { date: formatDate(viewer, inv.expiresAt, false) });
    case 'revoked':
      return t(l, 'ui.invitations.state.revoked', { ago: ago(viewer, inv.revokedAt ?? inv.createdAt, now) });
    default:
      return t(l, 'ui.invitations.state.sent', { ago: ago(viewer, inv.sentAt ?? inv.createdAt, now) });
  }
}

/**
 * The invitations sent, numbered as `revoke invitation <n>` counts them, each by its customer's
 * name with its recipient and its state in words; then the drafts never sent, apart, unnumbered,
 * each with Discard. Revoke is offered only on a sent invitation still pending, and names it.
 */
export function toInvitationsView(viewer: Viewer, invitations: InvitationRecord[], now: Date, drafts: InvitationRecord[] = []): ListView {
  const l = viewer.locale;
  const rows: ListView['rows'] = invitations.slice(0, 20).map((inv, index) => {
    const who = invitee(l, inv);
    const recipient = inv.customerEmail && inv.customerEmail !== who ? ` <${inv.customerEmail}>` : '';
    const provider = inv.providerName ? ` (${inv.providerName})` : '';
    const by = t(l, 'ui.invitations.by', { by: inv.sentBy?.displayName ?? inv.createdBy.displayName });
    return {
      text: `${index + 1}. ${who}${recipient}${provider}: ${stateOf(viewer, inv, now)}, ${by}`,
      actions:
        isPending(inv.effectiveStatus) && may(viewer, 'invite')
          ? [{ verb: 'invitation.revoke', title: t(l, 'ui.invitations.revokeOne', { who }), style: 'destructive' as const, data: { invitationId: inv.id } }]
          : [],
    };
  });
  const draftRows: ListView['rows'] = drafts.slice(0, 20).map((inv) => ({
    text: `– ${t(l, 'ui.invitations.draftRow', { who: invitee(l, inv), by: inv.createdBy.displayName, ago: ago(viewer, inv.createdAt, now) })}`,
    // The button names its row: in Slack a list of drafts is a column of buttons.
    actions: may(viewer, 'invite') ? [{ verb: 'invitation.revoke', title: t(l, 'ui.invitations.discardOne', { who: invitee(l, inv) }), data: { invitationId: inv.id } }] : [],
  }));
  const all = draftRows.length ? [...rows, { text: t(l, 'ui.invitations.drafts', { count: drafts.length }), actions: [] }, ...draftRows] : rows;
  return toListView(viewer, 'ui.invitations.title', 'ui.invitations.empty', all);
}

export function toAcceptedView(viewer: Viewer, e: InvitationAcceptedEvent): AcceptedView {
  const l = viewer.locale;
  const title = t(l, 'ui.accepted.title', { company: e.companyName });
  const [before, after] = tAround(l, 'ui.accepted.invitedBy', 'inviter');
  return {
    kind: 'accepted',
    locale: l,
    title,
    fallbackText: title,
    text: t(l, 'ui.accepted.text', { company: e.companyName }),
    invitedBy: { before, person: inviterOf(e), after },
    facts: [
      { title: t(l, 'ui.accepted.domain'), value: e.domain },
      { title: t(l, 'ui.accepted.contact'), value: e.contactName },
      ...(e.providerName ? [{ title: t(l, 'ui.accepted.provider'), value: e.providerName }] : []),
      { title: t(l, 'ui.accepted.at'), value: formatDate(viewer, e.acceptedAt) },
    ],
    actions: [{ verb: 'customer.show', title: t(l, 'ui.accepted.show'), style: 'positive', data: { customerId: e.customerId } }],
  };
}

/** The inviter the service named; an acceptance queued before it did names them in words only (on no platform). */
function inviterOf(e: InvitationAcceptedEvent): PersonRef {
  if (!e.inviter) return { name: e.invitedBy, platform: 'web', userId: '' };
  return { name: e.inviter.displayName, platform: e.inviter.platform, userId: e.inviter.userId };
}
