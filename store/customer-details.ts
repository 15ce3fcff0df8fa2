/**
 * Customers' users, subscriptions and licences kept where they already are: in the snapshot file.
 * A real tenant has hundreds of users and a dozen subscriptions, and the chat shows them only
 * when someone opens that customer, so the file store keeps in memory each customer's account
 * (name, domain, contact, dates) and where its record lies in the snapshot; the three lists are
 * read from there (one positioned read, kept for the next few customers) when asked for.
 *
 * Records read this way look like any other: the three lists are enumerable getters, so spreading
 * a customer, serialising it or reading `customer.users` gives the lists as they were written.
 * A customer written since the snapshot is held whole in memory, like every other record, until
 * the next start. When the snapshot is rewritten, the store tells `DetailsFile` where each record
 * now lies (`switchTo`), and reads go to the new file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ValuePool } from './compact-records.js';
import type { Customer } from './schema.js';

type Details = Pick<Customer, 'users' | 'subscriptions' | 'licenses'>;
export const DETAIL_KEYS = ['users', 'subscriptions', 'licenses'] as const;

/** Where one record lies in the file: its start and its length, in one number. */
const pack = (start: number, end: number) => start * 2 ** 24 + (end - start);
const LENGTH_LIMIT = 2 ** 24;
const START_LIMIT = 2 ** 29;
/** Customers whose details were read last, kept parsed (a details card reads all three lists). */
const KEPT = 16;

export class DetailsFile {
  private fd: number;
  private cache = new Map<string, Details>();
  private readonly pool = new ValuePool(10_000);

  constructor(
    file: string,
    private spans: Map<string, number>,
  ) {
    this.fd = openSync(file, 'r');
  }

  /** Whether a record at these bytes can be found again this way (very large ones stay in memory). */
  static fits(start: number, end: number): boolean {
    return start < START_LIMIT && end - start < LENGTH_LIMIT;
  }

  static span(start: number, end: number): number {
    return pack(start, end);
  }

  details(id: string): Details {
    const kept = this.cache.get(id);
    if (kept) {
      this.cache.delete(id);
      this.cache.set(id, kept);
      return kept;
    }
    const span = this.spans.get(id);
    if (span === undefined) throw new Error(`the details of customer ${id} are not in the data file`);
    const start = Math.floor(span / 2 ** 24);
    const length = span % 2 ** 24;
    const bytes = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const n = readSync(this.fd, bytes, read, length - read, start + read);
      if (n === 0) throw new Error(`the data file ended inside the record of customer ${id}`);
      read += n;
    }
    const record = JSON.parse(bytes.toString('utf8')) as Customer;
    const details = this.pool.compact({ users: record.users, subscriptions: record.subscriptions, licenses: record.licenses });
    this.cache.set(id, details);
    if (this.cache.size > KEPT) this.cache.delete(this.cache.keys().next().value!);
    return details;
  }

  /** The snapshot was rewritten: the records now lie at `spans` in `file`. */
  switchTo(file: string, spans: Map<string, number>): void {
    const fd = openSync(file, 'r');
    closeSync(this.fd);
    this.fd = fd;
    this.spans = spans;
    this.cache.clear();
  }

  close(): void {
    closeSync(this.fd);
  }
}

const SOURCE = Symbol('details file');
type Lazy = { id: string; [SOURCE]: DetailsFile };

/** One getter per list, shared by every customer (so they share one hidden class). */
const getters = Object.fromEntries(
  DETAIL_KEYS.map((key) => [
    key,
    function (this: Lazy) {
      return this[SOURCE].details(this.id)[key];
    },
  ]),
) as Record<(typeof DETAIL_KEYS)[number], () => unknown>;

/**
 * `record` with its lists read from `source` when asked for; the rest compacted by `pool`, in the
 * record's own key order. Deep-frozen, like every record of the state.
 */
export function customerReadingDetails(record: Customer, source: DetailsFile, pool: ValuePool): Customer {
  const out = {} as Record<PropertyKey, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if ((DETAIL_KEYS as readonly string[]).includes(key))
      Object.defineProperty(out, key, { get: getters[key as keyof typeof getters], enumerable: true });
    else out[key] = key === 'id' ? value : pool.compact({ [key]: value })[key];
  }
  Object.defineProperty(out, SOURCE, { value: source });
  return Object.freeze(out) as unknown as Customer;
}
