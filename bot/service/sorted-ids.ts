/**
 * Record ids kept in the order of a key made from the record (an invitation's creation time and
 * id), without keeping the keys: 100,000 of them cost ~7 MB, and the store already holds what
 * they are made of. A key is made when two ids are compared, about 17 times per change at 100,000.
 */
export class SortedIds {
  private readonly ids: string[];

  /** `keyOf(id)`: the key of a record the store holds; keys are unique (they end with the id). */
  constructor(
    private readonly keyOf: (id: string) => string,
    entries: Iterable<{ id: string; key: string }>,
  ) {
    this.ids = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((e) => e.id);
  }

  get length(): number {
    return this.ids.length;
  }

  /** The id at `index`, oldest key first. */
  at(index: number): string {
    return this.ids[index]!;
  }

  /**
   * Moves `id` from where key `was` puts it to where `is` does (either absent when the record comes
   * or goes). `was` is the key of the record as it was: the store may no longer hold it.
   */
  move(id: string, was: string | undefined, is: string | undefined): void {
    if (was === is) return;
    if (was !== undefined) {
      const at = this.position(was, id, was);
      if (this.ids[at] === id) this.ids.splice(at, 1);
    }
    if (is === undefined) return;
    const last = this.ids[this.ids.length - 1];
    // New records are the newest: usually an append.
    if (last === undefined || this.keyOf(last) < is) {
      this.ids.push(id);
      return;
    }
    const at = this.position(is, id, is);
    if (this.ids[at] !== id) this.ids.splice(at, 0, id);
  }

  /** The first index whose key is not before `key`; `self` is compared on `selfKey`, whatever the store holds now. */
  private position(key: string, self: string, selfKey: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const candidate = this.ids[mid]!;
      if ((candidate === self ? selfKey : this.keyOf(candidate)) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
