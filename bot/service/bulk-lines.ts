/**
 * The lines of a bulk invitation (`company, email[, language][, provider]`), pasted or sent as a
 * CSV file, read and checked before anything is made: every problem is named with its line, so
 * the whole batch can be put right at once.
 */
import { parse } from 'csv-parse/sync';
import { Locale, type Provider } from '../../store/schema.js';
import type { MessageKey, MessageParams } from '../../i18n/catalogue.js';
import { invitee } from './invitations.js';
import { isServiceError } from './errors.js';
import { singleLine } from './text.js';

/** The most lines one batch takes: a book larger than that goes in several. */
export const BATCH_MAX_LINES = 500;
/** The largest CSV file read, counted while it is read (never from a Content-Length). */
export const BATCH_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** One problem, on one line (0: the whole text). */
export interface LineProblem {
  line: number;
  key: MessageKey;
  params: MessageParams;
}

/** A line that can be invited. */
export interface CheckedLine {
  line: number;
  companyName: string;
  customerEmail: string;
  language: Locale | null;
  providerId: string | null;
}

/** What a spreadsheet would run as a formula when the file is opened again (CSV injection). */
const FORMULA = /^[=+\-@]/;
/** The header row a spreadsheet export starts with, in either language. */
const HEADER_EMAIL = /^e-?mail$|^indirizzo( e-?mail)?$|^posta elettronica$/i;

/** A file's bytes as text, or null when they are not text (a spreadsheet, an image, a zip). */
export function csvText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\ufeff/, '');
  } catch {
    return null;
  }
}

/** Semicolons (what a spreadsheet in Italian writes) when the first line has them and no comma. */
function delimiterOf(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return first.includes(';') && !first.includes(',') ? ';' : ',';
}

/** The rows with their line numbers; a text that CSV cannot read is one problem on the line where it stops. */
function rowsOf(text: string): { rows: Array<{ line: number; cells: string[] }> } | { problem: LineProblem } {
  try {
    const records = parse(text, {
      delimiter: delimiterOf(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    return { rows: records.map(({ record, info }) => ({ line: info.lines, cells: record })) };
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    return { problem: { line: typeof line === 'number' ? line : 0, key: 'bulk.notCsv', params: {} } };
  }
}

/**
 * Reads and checks every line: company and email required, the email one a mail client can send
 * to, the language `en` or `it` when given, the provider one you have (by name), no email twice
 * in the batch nor already waiting in an invitation, and no cell a spreadsheet would run. Either
 * the lines, all good, or every problem found.
 */
export function checkLines(
  text: string,
  known: { providers: Iterable<Readonly<Provider>>; pendingEmails: ReadonlySet<string> },
): { lines: CheckedLine[]; problems: LineProblem[] } {
  const read = rowsOf(text);
  if ('problem' in read) return { lines: [], problems: [read.problem] };
  const rows = read.rows.filter(({ cells }) => cells.some((c) => c !== ''));
  if (rows[0] && HEADER_EMAIL.test(rows[0].cells[1] ?? '')) rows.shift();
  if (rows.length === 0) return { lines: [], problems: [{ line: 0, key: 'bulk.empty', params: {} }] };
  if (rows.length > BATCH_MAX_LINES)
    return { lines: [], problems: [{ line: 0, key: 'bulk.tooMany', params: { count: rows.length, max: BATCH_MAX_LINES } }] };
  const providers = new Map([...known.providers].map((p) => [p.name.toLowerCase(), p]));
  const seen = new Map<string, number>();
  const lines: CheckedLine[] = [];
  const problems: LineProblem[] = [];
  for (const { line, cells } of rows) {
    const problem = (key: MessageKey, params: MessageParams = {}) => problems.push({ line, key, params: { line, ...params } });
    const formula = cells.find((c) => FORMULA.test(c));
    if (formula !== undefined) {
      problem('bulk.formula', { char: formula[0]! });
      continue;
    }
    const [company = '', email = '', language = '', provider = '', ...extra] = cells.map(singleLine);
    if (extra.some(Boolean)) {
      problem('bulk.tooManyCells', { count: cells.length });
      continue;
    }
    if (!company) problem('bulk.noCompany');
    if (!email) {
      problem('bulk.noEmail');
      continue;
    }
    let checked: { companyName: string | null; customerEmail: string | null };
    try {
      checked = invitee({ companyName: company || null, customerEmail: email });
    } catch (error) {
      if (!isServiceError(error)) throw error;
      problem(error.key === 'invitation.companyTooLong' ? 'bulk.companyTooLong' : 'bulk.badEmail', {
        ...error.params,
        email: email.slice(0, 80),
      });
      continue;
    }
    const lang = language ? Locale.safeParse(language.toLowerCase()) : null;
    if (lang && !lang.success) {
      problem(provider ? 'bulk.badLanguage' : 'bulk.badLanguageOrProvider', { value: language.slice(0, 40) });
      continue;
    }
    const named = provider ? providers.get(provider.toLowerCase()) : undefined;
    if (provider && !named) {
      problem('bulk.unknownProvider', { name: provider.slice(0, 80) });
      continue;
    }
    const key = checked.customerEmail!.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problem('bulk.duplicate', { email: checked.customerEmail!, first });
      continue;
    }
    seen.set(key, line);
    if (known.pendingEmails.has(key)) {
      problem('bulk.alreadyInvited', { email: checked.customerEmail! });
      continue;
    }
    if (!company) continue;
    lines.push({
      line,
      companyName: checked.companyName!,
      customerEmail: checked.customerEmail!,
      language: lang?.data ?? null,
      providerId: named?.id ?? null,
    });
  }
  return { lines, problems };
}
