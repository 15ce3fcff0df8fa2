/**
 * The in-memory state both stores serve reads from: a Map per collection, the partner record,
 * the position in the journal or change feed (`seq`), and the watchers. Writes arrive as lists of
 * validated `JournalOp`s; each one is applied, then the watchers are told of it, before the next.
 * Records are deep-frozen and their repeated values shared (compact-records.ts): readers,
 * snapshots and watchers share them.
 */
import type { JournalOp } from './journal.js';
import { collectionNames, collections, Partner, type CollectionName, type Collections } from './schema.js';
import type { Change, StoreReader, Tx } from './store.js';
import { assertStorable } from './storable.js';
import { ValuePool } from './compact-records.js';

type AnyRecord = Collections[CollectionName];
type Tables = Record<CollectionName, Map<string, AnyRecord>>;

/** How to take back one applied op: the record (or the partner, `collection` null) as it was. */
export type Undo = { collection: null; before: Partner | null } | { collection: CollectionName; id: string; before: AnyRecord | undefined };

export interface MemoryStateOptions {
  /** Whether deleting a record that is not there tells the watchers (`before` and `after` undefined). */
  tellDeletesOfAbsent: boolean;
}

export class MemoryState implements StoreReader {
  private tables = emptyTables();
  private partnerRecord: Partner | null = null;
  private readonly watchers = new Set<(change: Change) => void>();
  /** For writes: small, as what repeats between them (people, statuses, offers) is few values. */
  private readonly pool = new ValuePool(2_000);
  /** The last journal entry or feed row applied. */
  seq = 0;

  constructor(private readonly options: MemoryStateOptions) {}

  partner(): Partner | null {
    return this.partnerRecord;
  }

  get<C extends CollectionName>(collection: C, id: string): Readonly<Collections[C]> | undefined {
    return this.tables[collection].get(id) as Collections[C] | undefined;
  }

  all<C extends CollectionName>(collection: C): IterableIterator<Readonly<Collections[C]>> {
    return this.tables[collection].values() as IterableIterator<Collections[C]>;
  }

  count(collection: CollectionName): number {
    return this.tables[collection].size;
  }

  watch(listener: (change: Change) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  /** Applies validated ops in order, telling the watchers of each; returns how to take them back. */
  apply(ops: readonly JournalOp[]): Undo[] {
    const undo: Undo[] = [];
    for (const op of ops) {
      if (op.op === 'partner') {
        undo.push({ collection: null, before: this.partnerRecord });
        this.partnerRecord = this.pool.compact(op.r as Partner);
        continue;
      }
      const id = op.op === 'put' ? op.r.id : op.id;
      const before = this.tables[op.c].get(id);
      undo.push({ collection: op.c, id, before });
      const after = op.op === 'put' ? this.pool.compact(op.r as AnyRecord) : undefined;
      this.set(op.c, id, after, this.options.tellDeletesOfAbsent);
    }
    return undo;
  }

  /** Takes back what `apply` returned, last op first (the watchers are told). */
  undo(undo: readonly Undo[]): void {
    for (const u of [...undo].reverse()) {
      if (u.collection === null) this.partnerRecord = u.before;
      else this.set(u.collection, u.id, u.before, false);
    }
  }

  /** Applies the entries after `seq`, each op checked by `validate` first, and moves `seq` on. */
  replay(entries: Iterable<{ seq: number; ops: JournalOp[] }>, validate: (op: JournalOp, seq: number) => JournalOp): void {
    for (const entry of entries) {
      if (entry.seq <= this.seq) continue;
      this.apply(entry.ops.map((op) => validate(op, entry.seq)));
      this.seq = entry.seq;
    }
  }

  /**
   * Swaps in a full load. Without watchers the new tables simply replace the old ones; with
   * watchers, the old ones are brought in line record by record and the watchers told what differs.
   */
  replaceAll(partner: Partner | null, records: Iterable<{ collection: CollectionName; id: string; record: AnyRecord }>): void {
    const fresh = emptyTables();
    // A pool of its own, let go of once loaded: kept, 100,000 entries would cost ~15 MB for nothing.
    const pool = new ValuePool();
    for (const { collection, id, record } of records) fresh[collection].set(id, pool.compact(record));
    this.partnerRecord = partner ? pool.compact(partner) : null;
    for (const name of collectionNames) {
      const old = this.tables[name];
      const next = fresh[name];
      if (this.watchers.size === 0) {
        this.tables[name] = next;
        continue;
      }
      for (const id of old.keys()) if (!next.has(id)) this.set(name, id, undefined, false);
      for (const [id, record] of next) {
        const current = old.get(id);
        if (current === undefined || JSON.stringify(current) !== JSON.stringify(record)) this.set(name, id, record, false);
      }
    }
  }

  /** Deletes `record` unless it was replaced or deleted meanwhile (the watchers are told). */
  removeIfUnchanged(collection: CollectionName, record: { readonly id: string }): void {
    if (this.tables[collection].get(record.id) === record) this.set(collection, record.id, undefined, false);
  }

  private set(collection: CollectionName, id: string, after: AnyRecord | undefined, tellIfAbsent: boolean): void {
    const table = this.tables[collection];
    const before = table.get(id);
    if (after === undefined) table.delete(id);
    else table.set(id, after);
    if (before === undefined && after === undefined && !tellIfAbsent) return;
    for (const watcher of this.watchers) watcher({ collection, id, before, after });
  }
}

/** The read side of a store, answered from its `MemoryState`. */
export abstract class ReadsFromMemory implements StoreReader {
  constructor(protected readonly memory: MemoryState) {}

  partner(): Partner | null {
    return this.memory.partner();
  }

  get<C extends CollectionName>(collection: C, id: string): Readonly<Collections[C]> | undefined {
    return this.memory.get(collection, id);
  }

  all<C extends CollectionName>(collection: C): IterableIterator<Readonly<Collections[C]>> {
    return this.memory.all(collection);
  }

  count(collection: CollectionName): number {
    return this.memory.count(collection);
  }

  watch(listener: (change: Change) => void): () => void {
    return this.memory.watch(listener);
  }
}

function emptyTables(): Tables {
  return Object.fromEntries(collectionNames.map((name) => [name, new Map()])) as Tables;
}

/** A record checked against its collection's schema. */
export function parseRecord<C extends CollectionName>(collection: C, data: unknown): Collections[C] {
  return collections[collection].parse(data) as Collections[C];
}

/**
 * The `Tx` of one transaction: each write is checked against its schema and against what either
 * store can keep (storable.ts), then added to `ops`. Both stores collect through here, so they
 * refuse the same values, and a refused write throws inside its own transaction's function: that
 * caller alone gets the error, before anything of it joins a batch.
 */
export function collectInto(ops: JournalOp[]): Tx {
  return {
    put: (c, record) => {
      const r = parseRecord(c, record);
      assertStorable(c, r);
      ops.push({ op: 'put', c, r });
    },
    delete: (c, id) => {
      assertStorable(c, id);
      ops.push({ op: 'del', c, id });
    },
    setPartner: (partner) => {
      const r = Partner.parse(partner);
      assertStorable('partner', r);
      ops.push({ op: 'partner', r });
    },
  };
}

/**
 * An op read back from a journal or the change feed, its record checked by `parse` (collection
 * null: the partner record). Null when this version does not know the op or its collection.
 */
export function checkOp(
  op: JournalOp,
  parse: (collection: CollectionName | null, data: Record<string, unknown>) => AnyRecord | Partner,
): JournalOp | null {
  const known = op.op !== 'partner' && (collectionNames as string[]).includes(op.c);
  if (op.op === 'put' && known) return { ...op, r: parse(op.c, op.r) };
  if (op.op === 'del' && known) return op;
  if (op.op === 'partner') return { ...op, r: parse(null, op.r) };
  return null;
}
