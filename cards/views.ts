/**
 * View models: what each card shows, already in the user's language. Teams (Adaptive Card
 * templates), Slack (Block Kit builders) and the terminal all render these same objects.
 */
import type { Verb } from './verbs.js';
import type { AuditEvent, Locale, Provider, Relationship, Role, Subscription } from '../store/schema.js';
import { t, type MessageKey, type MessageParams } from '../bot/i18n/catalogue.js';
import { commands, type CommandName } from '../bot/commands/parse.js';
import type { InvitationView } from '../bot/service/invitations.js';
import type { CustomerDetails, CustomerPage, Slice } from '../bot/service/customers.js';
import type { RemovalView } from '../bot/service/removals.js';
import type { Permission } from '../bot/service/permissions.js';
import type { InvitationAcceptedEvent } from '../bot/service/events.js';

/** How the viewer reads dates. */
export interface Viewer {
  locale: Locale;
  timeZone?: string;
  isAdmin?: boolean;
  /** What the viewer may do, from the service's permission table (help offers only these). */
  permissions?: readonly Permission[];
}

export interface Fact {
  title: string;
  value: string;
}

/** A button: `verb` routes it, `data` carries ids that the service re-checks. */
export interface ActionModel {
  verb: Verb;
  title: string;
  style?: 'positive' | 'destructive' | 'default';
  data?: Record<string, string | number>;
}

interface Base {
  locale: Locale;
  title: string;
  /** Plain text for notifications and clients that cannot render cards. */
  fallbackText: string;
}

export interface HelpView extends Base {
  kind: 'help';
  intro: string;
  commands: Array<{ usage: string; description: string; adminOnly: boolean }>;
  actions: ActionModel[];
}

export interface MessageView extends Base {
  kind: 'message';
  tone: 'info' | 'success' | 'error';
  text: string;
}

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
  channelLabel: string;
  channel: string;
  channelChoices: Array<{ title: string; value: string }>;
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

/** One row of the list: what tells customers apart, and the action that opens the details. */
export interface CustomerRow {
  id: string;
  name: string;
  domain: string;
  status: string;
  /** "300 users, 15 subscriptions". */
  counts: string;
  open: ActionModel;
}

export interface CustomerListView extends Base {
  kind: 'customerList';
  summary: string;
  query: string;
  searchLabel: string;
  searchAction: ActionModel;
  rows: CustomerRow[];
  detailsLabel: string;
  /** Where a row is the button (Teams), says so. */
  openHint: string;
  empty: string | null;
  actions: ActionModel[];
}

/** A titled list of lines; long lists show one page and carry the actions to move between pages. */
export interface DetailsSection {
  title: string;
  lines: string[];
  actions: ActionModel[];
}

export interface CustomerDetailsView extends Base {
  kind: 'customerDetails';
  customerId: string;
  /** "300 users, 15 subscriptions". */
  summary: string;
  facts: Fact[];
  sections: DetailsSection[];
  actions: ActionModel[];
}

export interface AttestationView extends Base {
  kind: 'attestation';
  removalId: string;
  intro: string;
  attestationTitle: string;
  statements: string[];
  dapNotice: string;
  legalNotice: string;
  toggleLabel: string;
  version: string;
  error: string | null;
  actions: ActionModel[];
}

export interface OutcomeView extends Base {
  kind: 'outcome';
  text: string;
  facts: Fact[];
  actions: ActionModel[];
}

export interface ListView extends Base {
  kind: 'list';
  rows: Array<{ text: string; actions: ActionModel[] }>;
  empty: string | null;
}

export interface AcceptedView extends Base {
  kind: 'accepted';
  text: string;
  facts: Fact[];
  actions: ActionModel[];
}

/** A home page (Slack's App Home): who you are and what is going on. Not a message, so not a `View`. */
export interface HomeView extends Base {
  kind: 'home';
  role: string;
  facts: Fact[];
  recentTitle: string;
  recent: string[];
  actions: ActionModel[];
}

export type View =
  | HelpView
  | MessageView
  | DraftView
  | SentView
  | ProviderPickerView
  | CustomerListView
  | CustomerDetailsView
  | AttestationView
  | OutcomeView
  | ListView
  | AcceptedView;

/** Building an Intl.DateTimeFormat costs far more than formatting with one: keep them. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: Locale, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withTime}`;
  let format = dateFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = withTime
      ? { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }
      : { day: 'numeric', month: 'short', year: 'numeric' };
    try {
      format = new Intl.DateTimeFormat(locale === 'it' ? 'it-IT' : 'en-GB', { ...options, timeZone });
    } catch {
      // An unknown time zone from a client: UTC.
      format = dateFormat(locale, "UTC", withTime);
    }
    // Time zones come from clients: bound the cache.
    if (dateFormats.size > 500) dateFormats.clear();
    dateFormats.set(key, format);
  }
  return format;
}

export function formatDate(viewer: Viewer, iso: string, withTime = true): string {
  return dateFormat(viewer.locale, viewer.timeZone ?? 'UTC', withTime).format(new Date(iso));
}

export function toMessageView(viewer: Viewer, tone: MessageView['tone'], key: MessageKey, params: MessageParams = {}): MessageView {
  const text = t(viewer.locale, key, params);
  const title = tone === 'error' ? t(viewer.locale, 'ui.error.title') : '';
  return { kind: 'message', locale: viewer.locale, tone, title, text, fallbackText: text };
}

export function toHelpView(viewer: Viewer): HelpView {
  const l = viewer.locale;
  const visible = commands.filter((c) => !c.permission || viewer.permissions?.includes(c.permission));
  const title = t(l, 'ui.help.title');
  return {
    kind: 'help',
    locale: l,
    title,
    intro: t(l, 'ui.help.intro'),
    fallbackText: title,
    commands: visible.map((c) => ({ usage: c.usage[l], description: t(l, `ui.help.${c.name}`), adminOnly: Boolean(c.permission && c.permission !== 'look') })),
    actions: [
      ...(viewer.permissions?.includes('invite') ? [{ verb: 'command', title: c(l, 'invite'), style: 'positive', data: { command: 'invite' } } satisfies ActionModel] : []),
      { verb: 'command', title: c(l, 'listCustomers').replace(/ \[.*\]$/, ''), data: { command: 'listCustomers' } },
      { verb: 'command', title: c(l, 'invitations'), data: { command: 'invitations' } },
    ],
  };
}

const c = (l: Locale, name: CommandName) => commands.find((x) => x.name === name)!.usage[l];

const channels = ['own-marketing', 'microsoft-referral', 'indirect-provider'] as const;

export function mailtoLink(to: string | null, subject: string, body: string): string {
  return `mailto:${to ? encodeURIComponent(to) : ''}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

export function toDraftView(viewer: Viewer, inv: InvitationView, edited?: { subject?: string; body?: string; channel?: string; error?: MessageKey }): DraftView {
  const l = viewer.locale;
  const subject = edited?.subject ?? inv.subject;
  const body = edited?.body ?? inv.body;
  const title = inv.providerName ? t(l, 'ui.draft.titleWithProvider', { provider: inv.providerName }) : t(l, 'ui.draft.title');
  return {
    kind: 'draft',
    locale: l,
    title,
    fallbackText: `${title}: ${inv.link}`,
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
    bodyError: edited?.error ? t(l, edited.error, { link: inv.link ?? '' }) : null,
    channelLabel: t(l, 'ui.draft.channel'),
    channel: edited?.channel ?? inv.channel,
    channelChoices: channels.map((value) => ({ value, title: t(l, `ui.channel.${value}`) })),
    link: inv.link ?? '',
    token: inv.token,
    linkLabel: t(l, 'ui.draft.link'),
    copyLabel: t(l, 'ui.draft.copy'),
    mailto: mailtoLink(inv.customerEmail, subject, body),
    openLabel: t(l, 'ui.draft.open'),
    actions: [
      { verb: 'invitation.done', title: t(l, 'ui.draft.done'), style: 'positive', data: { invitationId: inv.id, ...(inv.token ? { token: inv.token } : {}) } },
      { verb: 'invitation.revoke', title: t(l, 'ui.draft.revoke'), style: 'destructive', data: { invitationId: inv.id } },
    ],
  };
}

export function toSentView(viewer: Viewer, inv: InvitationView): SentView {
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
      { title: t(l, 'ui.draft.channel'), value: t(l, `ui.channel.${inv.channel}`) },
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

/** "300 users, 15 subscriptions", each count with its own plural; kept, as a list repeats them. */
const countTexts = new Map<string, string>();
function countsOf(l: Locale, users: number, subscriptions: number): string {
  const key = `${l}|${users}|${subscriptions}`;
  let text = countTexts.get(key);
  if (text === undefined) {
    text = t(l, 'ui.customer.counts', { users: t(l, 'ui.customer.userCount', { count: users }), subscriptions: t(l, 'ui.customer.subscriptionCount', { count: subscriptions }) });
    if (countTexts.size > 5_000) countTexts.clear();
    countTexts.set(key, text);
  }
  return text;
}

export function toCustomerDetailsView(viewer: Viewer, d: CustomerDetails): CustomerDetailsView {
  const l = viewer.locale;
  const status = (s: Relationship['status'] | Subscription['status']) => t(l, `ui.status.${s}`);
  const none = t(l, 'ui.customer.none');
  const orNone = (lines: string[]) => (lines.length ? lines : [none]);
  const reseller = d.relationships.find((r) => r.kind === 'reseller' && r.status === 'active');
  const customerId = d.customer.id;
  // Paging one list keeps the other where it was: both pages travel with every paging action.
  const at = { users: d.users.page, subscriptions: d.subscriptions.page };
  const paged = (key: 'users' | 'subscriptions', slice: Slice<unknown>, lines: string[]): DetailsSection => {
    const base = t(l, `ui.customer.${key}`);
    const from = (slice.page - 1) * slice.pageSize + 1;
    const title = slice.pageCount > 1 ? t(l, 'ui.customer.range', { title: base, from, to: from + slice.items.length - 1, total: slice.total }) : base;
    const go = (page: number): Record<string, string | number> => ({ customerId, ...at, [key]: page });
    const actions: ActionModel[] = [];
    if (slice.page > 1) actions.push({ verb: 'customer.page', title: t(l, `ui.customer.${key}.previous`), data: go(slice.page - 1) });
    if (slice.page < slice.pageCount) actions.push({ verb: 'customer.page', title: t(l, `ui.customer.${key}.next`), data: go(slice.page + 1) });
    return { title, lines: orNone(lines), actions };
  };
  const moreLicenses = d.licenses.total - d.licenses.items.length;
  return {
    kind: 'customerDetails',
    locale: l,
    title: d.customer.companyName,
    fallbackText: `${d.customer.companyName} (${d.customer.domain})`,
    customerId,
    summary: countsOf(l, d.users.total, d.subscriptions.total),
    facts: [
      { title: t(l, 'ui.customer.domain'), value: d.customer.domain },
      { title: t(l, 'ui.customer.contact'), value: `${d.customer.contact.name} <${d.customer.contact.email}>` },
      ...(d.customer.tenantId ? [{ title: t(l, 'ui.customer.tenant'), value: d.customer.tenantId }] : []),
      ...(reseller ? [{ title: t(l, 'ui.customer.since'), value: formatDate(viewer, reseller.createdAt, false) }] : []),
      { title: t(l, 'ui.customer.dap'), value: t(l, d.dapGranted ? 'ui.customer.dapYes' : 'ui.customer.dapNo') },
    ],
    sections: [
      {
        title: t(l, 'ui.customer.relationships'),
        lines: d.relationships.map((r) =>
          r.kind === 'reseller'
            ? t(l, 'ui.customer.relReseller', { status: status(r.status) })
            : t(l, 'ui.customer.relProvider', { provider: r.providerName ?? '?', status: status(r.status) }),
        ),
        actions: [],
      },
      paged('subscriptions', d.subscriptions, d.subscriptions.items.map((s) => t(l, 'ui.customer.subscription', { offer: s.offer, quantity: s.quantity, status: status(s.status) }))),
      paged('users', d.users, d.users.items.map((u) => `${u.displayName} <${u.email}>${u.licenses.length ? ` (${u.licenses.join(', ')})` : ''}`)),
      {
        title: t(l, 'ui.customer.licenses'),
        lines: [
          ...orNone(d.licenses.items.map((x) => t(l, 'ui.customer.license', { sku: x.sku, assigned: x.assigned, total: x.total }))),
          ...(moreLicenses > 0 ? [t(l, 'ui.customer.moreLicenses', { count: moreLicenses })] : []),
        ],
        actions: [],
      },
    ],
    actions:
      viewer.isAdmin && reseller
        ? [{ verb: 'removal.request', title: t(l, 'ui.customer.remove'), style: 'destructive', data: { customerId } }]
        : [],
  };
}

/** One page of customers: rows only; a customer's details are built when someone asks for them. */
export function toCustomerListView(viewer: Viewer, page: CustomerPage): CustomerListView {
  const l = viewer.locale;
  const title = t(l, 'ui.list.title');
  const count = t(l, 'ui.list.count', { count: page.total });
  const from = (page.page - 1) * page.pageSize + 1;
  const to = from + page.items.length - 1;
  const summary =
    (page.total > page.items.length ? t(l, 'ui.list.showing', { count, from, to }) : count) +
    (page.query ? ` ${t(l, 'ui.list.matching', { query: page.query })}` : '');
  const actions: ActionModel[] = [];
  if (page.page > 1) actions.push({ verb: 'customers.page', title: t(l, 'ui.list.previous'), data: { page: page.page - 1, query: page.query } });
  if (page.page < page.pageCount) actions.push({ verb: 'customers.page', title: t(l, 'ui.list.next'), style: 'positive', data: { page: page.page + 1, query: page.query } });
  const detailsLabel = t(l, 'ui.list.details');
  const active = t(l, 'ui.status.active');
  return {
    kind: 'customerList',
    locale: l,
    title,
    fallbackText: `${title}: ${summary}`,
    summary,
    query: page.query,
    searchLabel: t(l, 'ui.list.search'),
    searchAction: { verb: 'customers.search', title: t(l, 'ui.list.searchButton') },
    rows: page.items.map((cust) => ({
      id: cust.id,
      name: cust.companyName,
      domain: cust.domain,
      status: active,
      counts: countsOf(l, cust.users.length, cust.subscriptions.length),
      open: { verb: 'customer.show', title: detailsLabel, data: { customerId: cust.id } },
    })),
    detailsLabel,
    openHint: t(l, 'ui.list.openHint'),
    empty: page.total === 0 ? (page.query ? t(l, 'ui.list.noMatch', { query: page.query }) : t(l, 'ui.list.empty')) : null,
    actions,
  };
}

export function toAttestationView(viewer: Viewer, r: RemovalView, error?: MessageKey): AttestationView {
  const l = r.attestation.locale;
  const title = t(l, 'ui.attest.title', { company: r.companyName });
  return {
    kind: 'attestation',
    locale: l,
    title,
    fallbackText: title,
    removalId: r.removal.id,
    intro: t(l, 'ui.attest.intro', { company: r.companyName, domain: r.domain }),
    attestationTitle: r.attestation.title,
    statements: r.attestation.statements,
    dapNotice: r.attestation.dapNotice,
    legalNotice: r.attestation.legalNotice,
    toggleLabel: r.attestation.confirmLabel,
    version: t(l, 'ui.attest.version', { version: r.attestation.version }),
    error: error ? t(viewer.locale, error) : null,
    actions: [
      { verb: 'removal.confirm', title: t(l, 'ui.attest.confirm'), style: 'destructive', data: { removalId: r.removal.id } },
      { verb: 'removal.cancel', title: t(l, 'ui.attest.cancel'), data: { removalId: r.removal.id } },
    ],
  };
}

export function toRemovalOutcomeView(viewer: Viewer, r: RemovalView): OutcomeView {
  const l = viewer.locale;
  const confirmed = r.removal.status === 'confirmed';
  const title = confirmed ? t(l, 'ui.removed.title', { company: r.companyName }) : t(l, 'ui.cancelled.title');
  const text = confirmed
    ? t(l, 'ui.removed.by', { name: r.removal.attestedBy?.displayName ?? '', when: formatDate(viewer, r.removal.attestedAt ?? r.removal.requestedAt) })
    : t(l, 'ui.cancelled.by', { name: r.removal.cancelledBy?.displayName ?? '', when: formatDate(viewer, r.removal.cancelledAt ?? r.removal.requestedAt), company: r.companyName });
  return {
    kind: 'outcome',
    locale: l,
    title,
    fallbackText: `${title}. ${text}`,
    text,
    facts: confirmed ? [{ title: t(l, 'ui.customer.domain'), value: r.domain }, { title: t(l, 'ui.attest.versionTitle'), value: r.removal.attestationVersion }] : [],
    actions: confirmed ? [{ verb: 'command', title: t(l, 'ui.removed.next'), style: 'positive', data: { command: 'invite' } }] : [],
  };
}

export function toRevokedView(viewer: Viewer, inv: InvitationView): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.status.revoked');
  const text = t(l, 'ui.invitations.revoked', { name: inv.revokedBy?.displayName ?? '', when: formatDate(viewer, inv.revokedAt ?? inv.createdAt) });
  return { kind: 'outcome', locale: l, title: title[0]!.toUpperCase() + title.slice(1), fallbackText: text, text, facts: [], actions: [] };
}

export function toInvitationsView(viewer: Viewer, invitations: InvitationView[], now: Date): ListView {
  const l = viewer.locale;
  const title = t(l, 'ui.invitations.title');
  return {
    kind: 'list',
    locale: l,
    title,
    fallbackText: title,
    empty: invitations.length ? null : t(l, 'ui.invitations.empty'),
    rows: invitations.slice(0, 20).map((inv, index) => {
      const pending = inv.effectiveStatus === 'draft' || inv.effectiveStatus === 'sent';
      const days = Math.floor((now.getTime() - Date.parse(inv.sentAt ?? inv.createdAt)) / 86_400_000);
      const status = pending && days > 0 ? `${t(l, `ui.status.${inv.effectiveStatus}`)}, ${t(l, 'ui.invitations.pendingFor', { count: days })}` : t(l, `ui.status.${inv.effectiveStatus}`);
      const who = inv.companyName ?? inv.customerEmail ?? (inv.customerId ? inv.customerId : t(l, 'ui.invitations.unnamed'));
      return {
        text: `${index + 1}. ${t(l, 'ui.invitations.row', { who, status, by: inv.createdBy.displayName, when: formatDate(viewer, inv.createdAt, false) })}${inv.providerName ? ` (${inv.providerName})` : ''}`,
        actions: pending && viewer.isAdmin ? [{ verb: 'invitation.revoke', title: t(l, 'ui.invitations.revoke'), style: 'destructive' as const, data: { invitationId: inv.id } }] : [],
      };
    }),
  };
}

export function toProvidersView(viewer: Viewer, providers: Provider[]): ListView {
  const l = viewer.locale;
  const title = t(l, 'ui.providers.title');
  return {
    kind: 'list',
    locale: l,
    title,
    fallbackText: title,
    empty: providers.length ? null : t(l, 'provider.noneYet'),
    rows: providers.map((p) => ({ text: p.tenantId ? `${p.name} (${t(l, 'ui.providers.tenant', { tenantId: p.tenantId })})` : p.name, actions: [] })),
  };
}

export function toAuditView(viewer: Viewer, events: AuditEvent[]): ListView {
  const l = viewer.locale;
  const title = t(l, 'ui.audit.title');
  return {
    kind: 'list',
    locale: l,
    title,
    fallbackText: title,
    empty: events.length ? null : t(l, 'ui.audit.empty'),
    rows: events.map((e) => ({ text: `${formatDate(viewer, e.at)}: ${e.actor.displayName} (${e.actor.platform}) ${e.action} ${e.target}`, actions: [] })),
  };
}

export function roleName(locale: Locale, role: Role | null): string {
  return t(locale, role ? `ui.role.${role}` : 'ui.role.none');
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

export interface Summary {
  role: Role | null;
  isAdmin: boolean;
  permissions: readonly Permission[];
  customers: number;
  pending: number;
  recentAcceptances: Array<{ companyName: string; acceptedAt: string }>;
}

export function toHomeView(viewer: Viewer, summary: Summary): HomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.home.title');
  const help = toHelpView({ ...viewer, isAdmin: summary.isAdmin, permissions: summary.permissions });
  return {
    kind: 'home',
    locale: l,
    title,
    fallbackText: title,
    role: summary.role ? t(l, 'ui.home.role', { role: roleName(l, summary.role) }) : t(l, 'ui.home.noRole'),
    facts: summary.role
      ? [
          { title: t(l, 'ui.home.customers'), value: String(summary.customers) },
          { title: t(l, 'ui.home.pending'), value: String(summary.pending) },
        ]
      : [],
    recentTitle: t(l, 'ui.home.recent'),
    recent: summary.recentAcceptances.map((a) => t(l, 'ui.home.acceptedOn', { company: a.companyName, when: formatDate(viewer, a.acceptedAt, false) })),
    actions: summary.role ? [...help.actions, { verb: 'command', title: c(l, 'help'), data: { command: 'help' } }] : [],
  };
}
