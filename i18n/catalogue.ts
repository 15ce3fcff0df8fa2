/** The message catalogue: every sentence a user sees, in English and Italian. */
import type { Locale } from '../store/schema.js';
import { en } from './en.js';
import { it } from './it.js';
import type { Message } from './message.js';

export type { Message, Plural } from './message.js';
export type MessageKey = keyof typeof en;
export type MessageParams = Record<string, string | number>;

const catalogues: Record<Locale, Record<MessageKey, Message>> = { en, it };
/** Intl objects are costly to build (and hold native memory): one per locale. */
const plurals: Record<Locale, Intl.PluralRules> = { en: new Intl.PluralRules('en'), it: new Intl.PluralRules('it') };

/**
 * The sentence for `key` in `locale`, with `{name}` placeholders filled in. Plural messages pick
 * their form from `params.count`.
 */
export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const text = messageOf(locale, key, params);
  return text === undefined ? key : fill(text, params);
}

/**
 * The sentence for `key` in two halves, split where `{slot}` goes, each filled in with `params`:
 * for a renderer that writes that part itself (a mention is markup, the rest is escaped text).
 * Split before filling, so a value that happens to say `{slot}` stays text.
 */
export function tAround(locale: Locale, key: MessageKey, slot: string, params: MessageParams = {}): [string, string] {
  const text = messageOf(locale, key, params) ?? key;
  const at = text.indexOf(`{${slot}}`);
  if (at < 0) return [fill(text, params), ''];
  return [fill(text.slice(0, at), params), fill(text.slice(at + slot.length + 2), params)];
}

/** The message's text in `locale` (English when missing), its plural form picked from `params.count`. */
function messageOf(locale: Locale, key: MessageKey, params: MessageParams): string | undefined {
  const message = catalogues[locale][key] ?? en[key];
  if (message === undefined || typeof message === 'string') return message;
  return plurals[locale].select(Number(params.count ?? 0)) === 'one' ? message.one : message.other;
}

/** Messages split once into text and placeholders: filling them is then a short loop, not a regex. */
const compiled = new Map<string, Array<string | { name: string }>>();
function fill(text: string, params: MessageParams): string {
  let parts = compiled.get(text);
  if (!parts) {
    parts = text.split(/(\{\w+\})/).map((p) => (/^\{\w+\}$/.test(p) ? { name: p.slice(1, -1) } : p));
    compiled.set(text, parts);
  }
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : part.name in params ? String(params[part.name]) : `{${part.name}}`;
  return out;
}

/** Maps a platform locale ("it-IT", "it_IT", "en-GB") to one we speak; English otherwise. */
export function toLocale(value: string | null | undefined): Locale {
  return typeof value === 'string' && /^it\b|^it[-_]/i.test(value) ? 'it' : 'en';
}
