/** What every view shares (who reads it, facts, buttons), messages, help, and the generic lists. */
import type { Verb } from './verbs.js';
import { Locale, Role, type Platform, type Provider } from '../store/schema.js';
import { t, type MessageKey, type MessageParams } from '../i18n/catalogue.js';
import { commands, type CommandName } from '../bot/commands/parse.js';
import type { Permission } from '../bot/service/permissions.js';
import type { Capability } from '../bot/service/capabilities.js';
import type { AuditEntry } from '../bot/service/audit.js';
import type { ExportFile } from '../bot/service/exports.js';

/** How the viewer reads dates. */
export interface Viewer {
  locale: Locale;
  timeZone?: string;
  /** What the viewer may do, from the service's permission table (help offers only these). */
  permissions?: readonly Permission[];
  /** What the deployment can do, from the service (help offers only these commands). */
  capabilities?: readonly Capability[];
}

/** Whether the viewer holds a permission of the service's table: what views offer follows it. */
export const may = (viewer: Viewer, permission: Permission): boolean => viewer.permissions?.includes(permission) === true;

/** Whether the deployment can do it (the service says, from its directory). */
export const can = (viewer: Viewer, capability: Capability): boolean => viewer.capabilities?.includes(capability) === true;

export interface Fact {
  title: string;
  value: string;
}

/** A person a message names, with where they are: a renderer mentions them on that platform only. */
export interface PersonRef {
  name: string;
  platform: Platform;
  userId: string;
}

/**
 * A sentence that names one person, split around them: a renderer writes the person as a mention
 * where the platform is theirs, or their name in words, and escapes the rest as text.
 */
export interface Naming {
  before: string;
  person: PersonRef;
  after: string;
}

/** The sentence as words, for the terminal and anything else that mentions nobody. */
export const namingText = (n: Naming): string => `${n.before}${n.person.name}${n.after}`;

/** A button: `verb` routes it, `data` carries ids that the service re-checks. */
export interface ActionModel {
  verb: Verb;
  title: string;
  style?: 'positive' | 'destructive' | 'default';
  data?: Record<string, string | number>;
}

export interface Base {
  locale: Locale;
  title: string;
  /** Plain text for notifications and clients that cannot render cards. */
  fallbackText: string;
}

export interface MessageView extends Base {
  kind: 'message';
  tone: 'info' | 'success' | 'error';
  text: string;
}

export interface OutcomeView extends Base {
  kind: 'outcome';
  text: string;
  facts: Fact[];
  actions: ActionModel[];
  link?: LinkModel;
  /** A file that comes with the card (an export): a surface that can send files sends it, the text says what it is. */
  file?: ExportFile;
  /** The bulk invitation this card follows: the surface records where it was posted, to update it in place. */
  batchId?: string;
}

/** An outcome card: a title, a text (the fallback is both), and what comes with them. */
export function outcomeView(
  locale: Locale,
  title: string,
  text: string,
  more: Partial<Pick<OutcomeView, 'facts' | 'actions' | 'link'>> = {},
): OutcomeView {
  return { kind: 'outcome', locale, title, fallbackText: `${title}. ${text}`, text, facts: [], actions: [], ...more };
}

/** A page to open elsewhere (Partner Center), shown as a link button: never inside text, where a URL is made inert. */
export interface LinkModel {
  title: string;
  url: string;
}

export interface ListView extends Base {
  kind: 'list';
  rows: Array<{ text: string; actions: ActionModel[] }>;
  empty: string | null;
  /** What the click that produced this list did, said on the list itself. */
  note?: string;
}

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
      format = dateFormat(locale, 'UTC', withTime);
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
  // A role travels as its id (the service's word); people read it in Partner Center's words, and a
  // list of roles to type (`roles`) as each word beside its id.
  const role = Role.safeParse(params.role);
  const words: MessageParams = role.success ? { ...params, role: roleName(viewer.locale, role.data) } : { ...params };
  if (typeof params.roles === 'string') words.roles = rolesToType(viewer.locale, params.roles);
  const text = t(viewer.locale, key, words);
  const title = tone === 'error' ? t(viewer.locale, 'ui.error.title') : '';
  return { kind: 'message', locale: viewer.locale, tone, title, text, fallbackText: text };
}

/** How a command is typed, for button titles. */
export const commandUsage = (l: Locale, name: CommandName) => commands.find((x) => x.name === name)!.usage[l];

/** A titled list; `emptyKey` says what to show when there are no rows. */
export function toListView(viewer: Viewer, titleKey: MessageKey, emptyKey: MessageKey, rows: ListView['rows']): ListView {
  const title = t(viewer.locale, titleKey);
  return { kind: 'list', locale: viewer.locale, title, fallbackText: title, empty: rows.length ? null : t(viewer.locale, emptyKey), rows };
}

export function toProvidersView(viewer: Viewer, providers: Provider[]): ListView {
  const l = viewer.locale;
  const rows = providers.map((p) => ({
    text: p.tenantId ? `${p.name} (${t(l, 'ui.providers.tenant', { tenantId: p.tenantId })})` : p.name,
    actions: [],
  }));
  return toListView(viewer, 'ui.providers.title', 'provider.noneYet', rows);
}

/** Each audit event as a sentence in the reader's language, with names: no action codes, no ids. */
const AUDIT_SENTENCES: Record<string, MessageKey> = {
  'invitation.drafted': 'audit.invitation.drafted',
  'invitation.sent': 'audit.invitation.sent',
  'invitation.revoked': 'audit.invitation.revoked',
  'invitation.rewritten': 'audit.invitation.rewritten',
  'invitation.relinked': 'audit.invitation.relinked',
  'invitation.accepted': 'audit.invitation.accepted',
  'invitation.endedAtMicrosoft': 'audit.invitation.endedAtMicrosoft',
  'customer.arrived': 'audit.customer.arrived',
  'removal.requested': 'audit.removal.requested',
  'removal.confirmed': 'audit.removal.confirmed',
  'removal.cancelled': 'audit.removal.cancelled',
  'adminAccess.ended': 'audit.adminAccess.ended',
  'adminAccess.retried': 'audit.adminAccess.retried',
  'role.granted': 'audit.role.granted',
  'role.revoked': 'audit.role.revoked',
  'provider.added': 'audit.provider.added',
  'channel.subscribed': 'audit.channel.subscribed',
  'channel.unsubscribed': 'audit.channel.unsubscribed',
  'channel.removed': 'audit.channel.removed',
  'channel.dropped': 'audit.channel.dropped',
  'partnerCenter.connected': 'audit.partnerCenter.connected',
  'partnerCenter.signInFailed': 'audit.partnerCenter.signInFailed',
  'partnerCenter.disconnected': 'audit.partnerCenter.disconnected',
  'partner.named': 'audit.partner.named',
  'person.language': 'audit.person.language',
  'export.sent': 'audit.export.sent',
  'export.linked': 'audit.export.linked',
  'export.downloaded': 'audit.export.downloaded',
  'adminAccess.autoExtended': 'audit.adminAccess.autoExtended',
  'batch.started': 'audit.batch.started',
  'digest.subscribed': 'audit.digest.subscribed',
  'digest.unsubscribed': 'audit.digest.unsubscribed',
  'digest.dropped': 'audit.digest.dropped',
};

/** The sentence an audit event reads as, and what it names (a language chosen is named in the reader's language). */
function auditSentence(l: Locale, e: AuditEntry): { key: MessageKey; subject: string | null } {
  // What was exported travels as its kind: the reader reads it in words.
  if (e.action.startsWith('export.') && (e.subject === 'customers' || e.subject === 'audit'))
    return { key: AUDIT_SENTENCES[e.action] ?? 'audit.other', subject: t(l, `export.what.${e.subject}`) };
  if (e.action !== 'person.language') return { key: AUDIT_SENTENCES[e.action] ?? 'audit.other', subject: e.subject };
  const chosen = Locale.safeParse(e.subject);
  return chosen.success
    ? { key: 'audit.person.language', subject: languageName(l, chosen.data) }
    : { key: 'audit.person.languageAuto', subject: null };
}

/** A language's name, in the reader's language. */
export const languageName = (reader: Locale, language: Locale): string =>
  t(reader, language === 'it' ? 'ui.language.it' : 'ui.language.en');

export function toAuditView(viewer: Viewer, events: AuditEntry[]): ListView {
  const l = viewer.locale;
  const rows = events.map((e) => {
    const { key, subject } = auditSentence(l, e);
    const sentence = t(l, key, {
      who: e.actor.displayName || t(l, 'audit.someone'),
      subject: subject ?? t(l, 'audit.unnamed'),
      role: e.role ? roleName(l, e.role) : '',
    });
    return { text: `${formatDate(viewer, e.at)}: ${sentence}`, actions: [] };
  });
  return toListView(viewer, 'ui.audit.title', 'ui.audit.empty', rows);
}

/** "global-admin, sales-agent" as "Global admin (`global-admin`), Sales agent (`sales-agent`)"; anything else as it is. */
function rolesToType(locale: Locale, list: string): string {
  const ids = list.split(',').map((id) => id.trim());
  if (!ids.every((id) => Role.safeParse(id).success)) return list;
  return ids.map((id) => `${roleName(locale, id as Role)} (\`${id}\`)`).join(', ');
}

export function roleName(locale: Locale, role: Role | null): string {
  return t(locale, role ? `ui.role.${role}` : 'ui.role.none');
}
