/**
 * Which language a turn is answered in, and how the buttons that follow keep it: the person's own
 * choice (`language italiano`), else the language they wrote the command in, else their client's.
 */
import { Locale } from '../../store/schema.js';
import type { Actor } from '../service/actor.js';

/** The card data field a button carries its conversation's language in. */
export const LANGUAGE_FIELD = 'lang';

/** The turn with its actor speaking `chosen ?? spoken ?? the client's locale`. */
export function answeringIn<T extends { actor: Actor; clientLocale?: Locale }>(turn: T, chosen: Locale | null, spoken: Locale | null): T {
  const locale = chosen ?? spoken ?? turn.actor.locale;
  return locale === turn.actor.locale ? turn : { ...turn, clientLocale: turn.actor.locale, actor: { ...turn.actor, locale } };
}

/** The language a card action was made in (only what the bot itself could have stamped). */
export function languageOfAction(data: Record<string, unknown>): Locale | null {
  const parsed = Locale.safeParse(data[LANGUAGE_FIELD]);
  return parsed.success ? parsed.data : null;
}

const isAction = (value: Record<string, unknown>) => typeof value.verb === 'string' && typeof value.title === 'string';

/**
 * Every button in `value` (any object with a verb and a title: the views' ActionModel) with the
 * language stamped in its data. Returns new objects only where something changed, so views that
 * share constants never carry one turn's language into another's.
 */
export function withLanguage<T>(value: T, locale: Locale): T {
  if (Array.isArray(value)) {
    let changed = false;
    const mapped = value.map((item: unknown) => {
      const next = withLanguage(item, locale);
      changed ||= next !== item;
      return next;
    });
    return (changed ? mapped : value) as T;
  }
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  if (isAction(record)) {
    const data = (record.data ?? {}) as Record<string, unknown>;
    if (data[LANGUAGE_FIELD] !== locale) copy = { ...record, data: { ...data, [LANGUAGE_FIELD]: locale } };
  }
  for (const [key, item] of Object.entries(record)) {
    if (key === 'data' && copy) continue;
    if (!item || typeof item !== 'object') continue;
    const next = withLanguage(item, locale);
    if (next !== item) (copy ??= { ...record })[key] = next;
  }
  return (copy ?? value) as T;
}
