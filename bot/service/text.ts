/**
 * Text from outside (the customer's form, Graph, Partner Center, Slack, Teams, the terminal),
 * normalised once, where it enters the service, so that every store can keep it and no renderer
 * shows what the sender hid in it:
 *
 * - C0 and C1 control characters go (NUL, which PostgreSQL cannot store; ESC, which drives a
 *   terminal; BEL, DEL...).
 * - Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) go, and the
 *   invisible direction marks (U+200E, U+200F, U+061C) with them: "\u202Eoso\u202CtnoC" would
 *   read as "Contoso". Letters carry their own direction, so names in Arabic or Hebrew still show
 *   right; only the invisible steering is lost.
 * - A byte-order mark (U+FEFF) goes; an unpaired surrogate becomes U+FFFD (no store keeps it).
 * - Line breaks (CR, LF, CRLF, VT, FF, NEL, U+2028, U+2029) and tabs are one space where one line
 *   is meant (names, a company, an email address, a domain, search text), with runs of spaces
 *   folded and the ends trimmed; where several lines are meant (an email body) a line break is
 *   "\n" and a tab a space.
 *
 * The renderers keep their own escaping besides (render/teams, render/slack, the page, the
 * terminal), and the store refuses what it cannot keep (store/storable.ts).
 */
import { wellFormed } from '../../store/storable.js';

const LINE_BREAKS = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g;
/** Controls (tab and line breaks are handled before), direction controls and marks, the BOM. */
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** Anything `multiLine` could change (a surrogate pair too, which it keeps): most text has none. */
const CHANGED_BY_MULTILINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/;

/** One line of text from outside: no control or direction character, whitespace folded, trimmed. */
export function singleLine(text: string): string {
  return wellFormed(text).replace(LINE_BREAKS, ' ').replace(/\t/g, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/**
 * Text of several lines from outside (an email body): "\n" between lines, no other control or
 * direction character. The renderers pass what they show through it too, as a second line.
 */
export function multiLine(text: string): string {
  if (!CHANGED_BY_MULTILINE.test(text)) return text;
  return wellFormed(text).replace(LINE_BREAKS, '\n').replace(/\t/g, ' ').replace(INVISIBLE, '');
}

/** `singleLine` for a value that should be text: anything else is the empty string. */
export function lineOf(value: unknown): string {
  return typeof value === 'string' ? singleLine(value) : '';
}

/** `singleLine`, or null for nothing or only whitespace and invisible characters. */
export function optionalLine(value: string | null | undefined): string | null {
  return typeof value === 'string' ? singleLine(value) || null : null;
}

/**
 * A platform's own data kept to use later (a Teams conversation reference, which holds the user's
 * and the conversation's names): a copy with every string passed through `multiLine`, so the names
 * in it are clean and no store refuses it. Ids and URLs hold none of those characters: they stay.
 */
export function platformData<T>(value: T): T {
  if (typeof value === 'string') return multiLine(value) as T;
  if (Array.isArray(value)) return value.map(platformData) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [multiLine(k), platformData(v)])) as T;
}
