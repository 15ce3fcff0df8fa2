/**
 * What either store can keep: the values PostgreSQL refuses are refused by the file store too, so
 * both accept exactly the same records. PostgreSQL's `text` and `jsonb` cannot hold U+0000, and
 * `jsonb` refuses a UTF-16 surrogate without its pair ("\ud800" in JSON); a JSON file would keep
 * both. The service removes these from text it is given (bot/service/text.ts); this is the check
 * behind it, for whatever slips past: one transaction is refused, nobody else's work.
 */

/** U+0000, or a surrogate that is not half of a pair. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with each unpaired surrogate replaced by U+FFFD, as a UTF-8 decoder would show it. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\ufffd');
}

/** Thrown by a transaction's write that holds a value no store can keep; nothing of it is written. */
export class UnstorableValueError extends Error {
  override readonly name = 'UnstorableValueError';
}

/** The path of the first string or key in `value` that no store can keep; null when there is none. */
export function unstorablePath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || '(value)' : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return `${path ? `${path}.` : ''}(a key)`;
    const found = unstorablePath(item, here);
    if (found) return found;
  }
  return null;
}

/** Refuses `value` (a record, or an id being deleted) when either store could not keep it. */
export function assertStorable(collection: string, value: unknown): void {
  const path = unstorablePath(value);
  // Where in the record, never the value: it may be anyone's text.
  if (path !== null) throw new UnstorableValueError(`Refused a write to ${collection}: ${path} holds U+0000 or an unpaired surrogate, which the store cannot keep`);
}
