/** Turns what people type into a command, in English or Italian, forgiving case, spaces and mentions. */
import type { Locale } from '../../store/schema.js';
import type { Permission } from '../service/permissions.js';
import type { Capability } from '../service/capabilities.js';

/** Every command, by the name the code uses: the one list (specs, help and card buttons refer to it). */
export const COMMAND_NAMES = [
  'help',
  'invite',
  'inviteWithProvider',
  'listCustomers',
  'customer',
  'removeRelationship',
  'providers',
  'addProvider',
  'invitations',
  'revokeInvitation',
  'notifyHere',
  'notifyOff',
  'whoami',
  'grant',
  'revokeRole',
  'audit',
  'status',
  'refreshCustomers',
  'endAdminAccess',
  'connectPartnerCenter',
  'disconnectPartnerCenter',
  'notifications',
  'partnerName',
  'language',
  'onboarding',
  'exportCustomers',
  'exportAudit',
  'gaps',
  'inviteCustomers',
  'digestHere',
  'digestOff',
  'digest',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export const isCommandName = (name: string): name is CommandName => (COMMAND_NAMES as readonly string[]).includes(name);

export interface CommandSpec {
  name: CommandName;
  phrases: Record<Locale, string[]>;
  /** Shown in help; `<...>` is required, `[...]` optional. */
  usage: Record<Locale, string>;
  /** Whether the command needs text after its phrase. */
  needsArgs?: boolean;
  /** What the service requires; help offers the command only to people who hold it. */
  permission?: Permission;
  /** What the deployment must be able to do (the directory's); help leaves the command out otherwise. */
  needs?: Capability;
}

export const commands: CommandSpec[] = [
  { name: 'help', phrases: { en: ['help', '?'], it: ['aiuto', 'guida'] }, usage: { en: 'help', it: 'aiuto' } },
  {
    name: 'inviteWithProvider',
    phrases: { en: ['invite customer with provider'], it: ['invita cliente con provider'] },
    usage: { en: 'invite customer with provider [provider]', it: 'invita cliente con provider [provider]' },
    permission: 'invite',
  },
  {
    name: 'invite',
    phrases: { en: ['invite customer'], it: ['invita cliente'] },
    usage: { en: 'invite customer [company] [email] [with provider <name>]', it: 'invita cliente [azienda] [email] [con provider <nome>]' },
    permission: 'invite',
  },
  {
    name: 'listCustomers',
    phrases: { en: ['list customers', 'customers'], it: ['elenca clienti', 'clienti'] },
    usage: { en: 'list customers [search]', it: 'elenca clienti [ricerca]' },
  },
  {
    name: 'removeRelationship',
    phrases: { en: ['remove relationship'], it: ['rimuovi relazione'] },
    usage: { en: 'remove relationship <customer>', it: 'rimuovi relazione <cliente>' },
    needsArgs: true,
    permission: 'remove',
  },
  {
    name: 'customer',
    phrases: { en: ['customer'], it: ['cliente'] },
    usage: { en: 'customer <name or domain>', it: 'cliente <nome o dominio>' },
    needsArgs: true,
  },
  {
    name: 'addProvider',
    phrases: { en: ['add provider'], it: ['aggiungi provider'] },
    usage: { en: 'add provider <name> [tenant id]', it: 'aggiungi provider <nome> [ID tenant]' },
    needsArgs: true,
    permission: 'addProvider',
  },
  {
    name: 'partnerName',
    phrases: { en: ['company name'], it: ['nome azienda'] },
    usage: { en: 'company name <name customers know>', it: 'nome azienda <nome noto ai clienti>' },
    needsArgs: true,
    permission: 'namePartner',
  },
  {
    name: 'language',
    phrases: { en: ['language'], it: ['lingua'] },
    usage: { en: 'language [english | italiano | auto]', it: 'lingua [italiano | inglese | automatica]' },
  },
  { name: 'providers', phrases: { en: ['providers'], it: ['provider', 'provider indiretti'] }, usage: { en: 'providers', it: 'provider' } },
  {
    name: 'revokeInvitation',
    phrases: { en: ['revoke invitation'], it: ['revoca invito'] },
    usage: { en: 'revoke invitation <number>', it: 'revoca invito <numero>' },
    needsArgs: true,
    permission: 'invite',
  },
  {
    name: 'onboarding',
    phrases: { en: ['onboarding'], it: ['onboarding'] },
    usage: { en: 'onboarding [customer]', it: 'onboarding [cliente]' },
  },
  { name: 'invitations', phrases: { en: ['invitations'], it: ['inviti'] }, usage: { en: 'invitations', it: 'inviti' } },
  { name: 'notifyHere', phrases: { en: ['notify here'], it: ['notifica qui'] }, usage: { en: 'notify here', it: 'notifica qui' } },
  { name: 'notifyOff', phrases: { en: ['stop notifications'], it: ['disattiva notifiche'] }, usage: { en: 'stop notifications', it: 'disattiva notifiche' } },
  { name: 'notifications', phrases: { en: ['notifications'], it: ['notifiche'] }, usage: { en: 'notifications', it: 'notifiche' }, permission: 'look' },
  { name: 'whoami', phrases: { en: ['whoami', 'who am i'], it: ['chi sono'] }, usage: { en: 'whoami', it: 'chi sono' } },
  {
    name: 'grant',
    needs: 'grantRoles',
    phrases: { en: ['grant'], it: ['assegna'] },
    usage: { en: 'grant <role> <platform:user>', it: 'assegna <ruolo> <piattaforma:utente>' },
    needsArgs: true,
    permission: 'grant',
  },
  {
    name: 'revokeRole',
    needs: 'grantRoles',
    phrases: { en: ['revoke role'], it: ['revoca ruolo'] },
    usage: { en: 'revoke role <platform:user>', it: 'revoca ruolo <piattaforma:utente>' },
    needsArgs: true,
    permission: 'grant',
  },
  { name: 'audit', phrases: { en: ['audit'], it: ['registro'] }, usage: { en: 'audit', it: 'registro' }, permission: 'audit' },
  { name: 'status', needs: 'microsoft', phrases: { en: ['status'], it: ['stato'] }, usage: { en: 'status', it: 'stato' }, permission: 'adminAccess' },
  {
    name: 'refreshCustomers',
    needs: 'microsoft',
    phrases: { en: ['refresh customers'], it: ['aggiorna clienti'] },
    usage: { en: 'refresh customers', it: 'aggiorna clienti' },
  },
  {
    name: 'endAdminAccess',
    needs: 'microsoft',
    phrases: { en: ['end admin access'], it: ['termina accesso amministrativo'] },
    usage: { en: 'end admin access <customer>', it: 'termina accesso amministrativo <cliente>' },
    needsArgs: true,
    permission: 'adminAccess',
  },
  {
    name: 'connectPartnerCenter',
    needs: 'microsoft',
    phrases: { en: ['connect partner center'], it: ['collega partner center'] },
    usage: { en: 'connect partner center', it: 'collega partner center' },
    permission: 'adminAccess',
  },
  {
    name: 'disconnectPartnerCenter',
    needs: 'microsoft',
    phrases: { en: ['disconnect partner center'], it: ['scollega partner center'] },
    usage: { en: 'disconnect partner center', it: 'scollega partner center' },
    permission: 'adminAccess',
  },
  {
    name: 'exportCustomers',
    phrases: { en: ['export customers'], it: ['esporta clienti'] },
    usage: { en: 'export customers', it: 'esporta clienti' },
    permission: 'look',
  },
  {
    name: 'exportAudit',
    phrases: { en: ['export audit'], it: ['esporta registro'] },
    usage: { en: 'export audit', it: 'esporta registro' },
    permission: 'audit',
  },
  { name: 'gaps', phrases: { en: ['gaps'], it: ['lacune'] }, usage: { en: 'gaps', it: 'lacune' }, permission: 'look' },
  {
    name: 'inviteCustomers',
    phrases: { en: ['invite customers'], it: ['invita clienti'] },
    usage: { en: 'invite customers [lines]', it: 'invita clienti [righe]' },
    permission: 'invite',
  },
  { name: 'digestHere', phrases: { en: ['digest here'], it: ['riepilogo qui'] }, usage: { en: 'digest here', it: 'riepilogo qui' } },
  { name: 'digestOff', phrases: { en: ['stop digest'], it: ['disattiva riepilogo'] }, usage: { en: 'stop digest', it: 'disattiva riepilogo' } },
  { name: 'digest', phrases: { en: ['digest'], it: ['riepilogo'] }, usage: { en: 'digest', it: 'riepilogo' }, permission: 'look' },
];

/**
 * `language` is the language of the phrase the person typed (null for a phrase both languages
 * share); for an unknown text, the language of the suggestion.
 */
export type ParsedCommand =
  | { kind: 'command'; name: CommandName; args: string; language: Locale | null }
  | { kind: 'missingArgs'; name: CommandName; language: Locale | null }
  | { kind: 'unknown'; text: string; suggestion: string | null; language: Locale | null }
  | { kind: 'tooLong'; max: number };

/**
 * No command is anywhere near this long. Longer text is answered at once: the closest-command
 * matcher is quadratic in the text, and a 500 KB message would hold up every other request.
 */
export const MAX_COMMAND_LENGTH = 2_000;

/**
 * What `invite customer [company] [email] [with provider <name>]` names: the email wherever it
 * stands, the provider after "with provider" / "con provider" ('' when the phrase ends there: pick
 * one), the rest as the company. Checking them is the service's.
 */
export function invitationArgs(text: string): { companyName: string | null; customerEmail: string | null; provider: string | null } {
  const withProvider = /(?:^|\s)(?:with|con) provider(?:\s+(.*))?$/i.exec(text);
  const rest = withProvider ? text.slice(0, withProvider.index) : text;
  const words = rest.split(/\s+/).filter(Boolean);
  const email = words.find((w) => w.includes('@')) ?? null;
  const company = words.filter((w) => w !== email).join(' ');
  return { companyName: company || null, customerEmail: email, provider: withProvider ? (withProvider[1] ?? '').trim() : null };
}

/** The most text a bulk invitation's lines are read from when typed after the command (500 long lines and more). */
export const MAX_BULK_TEXT = 1_000_000;
/** `invite customers` / `invita clienti` at the start, after a mention or `/csp`: the lines follow, their breaks kept. */
const BULK_COMMAND = /^\s*(?:<at>[^<]{0,200}<\/at>|<@[A-Z0-9]+(?:\|[^>]{0,200})?>|@\S{1,100})?\s*(?:\/csp\s+)?(invite customers|invita clienti)(?=\s|$)/i;

/**
 * `invite customers <lines>`: the lines as typed (one customer a line), with Slack's markup for an
 * email (`<mailto:…|…>`) and its escaped `&`, `<`, `>` undone; null for any other text. The length
 * check of other commands does not apply: 500 lines are longer than any command.
 */
export function bulkCommand(raw: string): { language: Locale; lines: string } | null {
  if (typeof raw !== 'string' || raw.length > MAX_BULK_TEXT) return null;
  const match = BULK_COMMAND.exec(raw.slice(0, 400));
  if (!match) return null;
  const lines = raw
    .slice(match[0].length)
    .replace(/<mailto:([^|>\s]+)(\|[^>]*)?>/gi, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return { language: match[1]!.toLowerCase().startsWith('invita') ? 'it' : 'en', lines };
}

/** Removes Teams `<at>` mentions, Slack `<@U123>` mentions, a leading "@bot", and extra spaces. */
export function cleanText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ')
    // Slack links a typed email as <mailto:ada@fabrikam.example|ada@fabrikam.example>: keep the address.
    .replace(/<mailto:([^|>\s]+)(\|[^>]*)?>/gi, '$1')
    .replace(/^\s*@\S+/, ' ')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\/csp\s*/i, '');
}

/** Every phrase with the language it belongs to; a phrase both languages use belongs to neither. */
const byLength = commands
  .flatMap((spec) => {
    const locales = Object.keys(spec.phrases) as Locale[];
    const shared = (phrase: string, language: Locale) => locales.some((other) => other !== language && spec.phrases[other].includes(phrase));
    return locales.flatMap((language) => spec.phrases[language].map((phrase) => ({ spec, phrase, language: shared(phrase, language) ? null : language })));
  })
  .sort((a, b) => b.phrase.length - a.phrase.length);

export function parseCommand(raw: string): ParsedCommand {
  // Checked on the raw text, so not even the mention clean-up runs on a huge message.
  if (raw.length > MAX_COMMAND_LENGTH) return { kind: 'tooLong', max: MAX_COMMAND_LENGTH };
  const text = cleanText(raw);
  const lower = text.toLowerCase();
  for (const { spec, phrase, language } of byLength) {
    if (lower === phrase || lower.startsWith(phrase + ' ')) {
      const args = text.slice(phrase.length).trim();
      if (spec.needsArgs && !args) return { kind: 'missingArgs', name: spec.name, language };
      if (!spec.needsArgs && args && !acceptsArgs(spec.name)) continue;
      return { kind: 'command', name: spec.name, args, language };
    }
  }
  const suggestion = closestPhrase(lower);
  return { kind: 'unknown', text, suggestion, language: byLength.find((p) => p.phrase === suggestion)?.language ?? null };
}

/** Commands whose text after the phrase is optional (a search, a provider's name). */
function acceptsArgs(name: CommandName): boolean {
  return (
    name === 'listCustomers' ||
    name === 'inviteWithProvider' ||
    name === 'language' ||
    name === 'invite' ||
    name === 'onboarding' ||
    name === 'inviteCustomers'
  );
}

/** The command phrase nearest to what was typed, if it is near enough to be a typo. */
export function closestPhrase(text: string): string | null {
  if (text.length < 3) return null;
  let best: { phrase: string; distance: number } | null = null;
  for (const { phrase } of byLength) {
    if (phrase.length < 3) continue;
    const head = text.slice(0, Math.max(phrase.length, text.split(' ')[0]!.length));
    const distance = Math.min(levenshtein(head, phrase), levenshtein(text, phrase));
    if (!best || distance < best.distance) best = { phrase, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.phrase.length / 3)) ? best.phrase : null;
}

export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

export function usageOf(name: CommandName, locale: Locale): string {
  return commands.find((c) => c.name === name)!.usage[locale];
}
