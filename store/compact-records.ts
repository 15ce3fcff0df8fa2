/**
 * Records as the in-memory state keeps them: deep-frozen copies in which repeated values are held
 * once. 100,000 invitations name the same few people, statuses, languages and email templates, and
 * customers the same offers and licences; JSON.parse (and PostgreSQL's jsonb) give every occurrence
 * its own string and object. Sharing is safe because everything the state hands out is frozen.
 *
 * The pools are bounded: when one is full it starts again empty, so values that are unique (ids,
 * names, emails) cost a map entry while they pass through, never for the life of the process.
 */

/** Strings and small objects seen recently, each kept once. */
export class ValuePool {
  private strings = new Map<string, string>();
  private objects = new Map<string, object>();

  constructor(private readonly capacity = 100_000) {}

  /** A deep-frozen copy of `value` that shares repeated strings, small objects and empty arrays. */
  compact<T>(value: T): T {
    return this.copy(value, null) as T;
  }

  private copy(value: unknown, key: string | null): unknown {
    // A platform's own data (a Teams conversation reference) goes back to its library as it came.
    if (key === 'reference') return value;
    if (typeof value === 'string') return key !== null && UNIQUE_KEYS.has(key) ? value : this.string(value);
    if (value === null || typeof value !== 'object') return value;
    // Frozen: compacted already (a record read at start, a customer reading its lists from the file).
    if (Object.isFrozen(value)) return value;
    if (Array.isArray(value)) {
      if (value.length === 0) return EMPTY;
      return Object.freeze(value.map((item) => this.copy(item, '[]')));
    }
    const out: Record<string, unknown> = {};
    let leaf = true;
    for (const [k, v] of Object.entries(value)) {
      out[k] = this.copy(v, k);
      if ((v !== null && typeof v === 'object') || v === undefined) leaf = false;
    }
    Object.freeze(out);
    // Small objects of plain values (who did something, a contact, a licence) are often the same.
    return leaf && key !== null ? this.object(out) : out;
  }

  private string(s: string): string {
    if (s.length > MAX_SHARED_STRING) return s;
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size >= this.capacity) this.strings = new Map();
    this.strings.set(s, s);
    return s;
  }

  private object(o: Record<string, unknown>): object {
    const key = JSON.stringify(o);
    if (key.length > MAX_SHARED_OBJECT) return o;
    const known = this.objects.get(key);
    if (known !== undefined) return known;
    if (this.objects.size >= this.capacity) this.objects = new Map();
    this.objects.set(key, o);
    return o;
  }
}

/** Fields unique by construction: pooling them would only churn the pool. */
const UNIQUE_KEYS = new Set(['id', 'tokenHash', 'encryptedCache']);
/** Long texts (an email body) are shared too: most come from one template. */
const MAX_SHARED_STRING = 8_192;
const MAX_SHARED_OBJECT = 512;
const EMPTY: readonly never[] = Object.freeze([]);
