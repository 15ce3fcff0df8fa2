/**
 * Secondary indexes the service reads instead of scanning collections: the sorted list of listed
 * customers, relationships by customer, customers by domain, invitations by token. Built once
 * from the store, then kept current from the store's change feed, so no request does work
 * proportional to the number of customers (except a free-text search, which scans names only).
 */
import { hashToken } from '../../store/invitation-secret.js';
import type { Customer, Invitation, Relationship } from '../../store/schema.js';
import type { Change, Store } from '../../store/store.js';
import { isPending } from './invitation-status.js';
import { singleLine } from './text.js';

/** Text as searches and lookups compare it: one line (text.ts), lower case. */
export const normalise = (s: string) => singleLine(s).toLowerCase();

/** A listed customer in sort order: by name (case and accents folded), then domain, then id. */
export interface ListedEntry {
  id: string;
  name: string;
  domain: string;
  /** Lower-cased name, for search. */
  search: string;
  /** What the list is sorted on; plain string comparison (a collator is ~50× slower on 100k names). */
  key: string;
}

const ASCII = /^[\x00-\x7f]*$/;
const fold = (s: string) => (ASCII.test(s) ? s : s.normalize('NFD').replace(/\p{M}/gu, ''));
const compare = (a: ListedEntry, b: ListedEntry) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export class ServiceIndexes {
  /** Listed customers (an active reseller relationship), sorted. */
  private readonly listed: ListedEntry[] = [];
  private readonly listedById = new Map<string, ListedEntry>();
  /** One id for the usual customer with one relationship, an array for more (100,000 Sets cost ~30 MB). */
  private readonly relationshipsByCustomer = new Map<string, string | string[]>();
  private readonly customersByDomain = new Map<string, string>();
  private readonly invitationsByToken = new Map<string, string>();
  /** Invitation keys (createdAt, id) in order, oldest first. */
  private readonly invitationsByCreated: string[] = [];
  /** Invitations still a draft or sent (expiry is worked out when read). */
  private readonly pendingInvitations = new Set<string>();
  /** Accepted invitation keys (acceptedAt, id), oldest first. */
  private readonly acceptances: string[] = [];

  constructor(private readonly store: Store) {
    for (const r of store.all('relationships')) this.addRelationship(r);
    for (const c of store.all('customers')) if (c.domain) this.customersByDomain.set(c.domain, c.id);
    for (const i of store.all('invitations')) {
      this.invitationsByToken.set(i.tokenHash, i.id);
      this.invitationsByCreated.push(createdKey(i));
      if (isPending(i.status)) this.pendingInvitations.add(i.id);
      const accepted = acceptanceKeyOf(i);
      if (accepted) this.acceptances.push(accepted);
    }
    this.invitationsByCreated.sort();
    this.acceptances.sort();
    const byKey = new Map<string, ListedEntry>();
    for (const c of store.all('customers')) {
      if (!this.isListed(c.id)) continue;
      const entry = toEntry(c);
      byKey.set(entry.key, entry);
      this.listedById.set(entry.id, entry);
    }
    // Keys are unique (they end with the id); the built-in sort compares strings without a callback.
    for (const key of [...byKey.keys()].sort()) this.listed.push(byKey.get(key)!);
    store.watch((change) => this.onChange(change));
  }

  /** The listed customers, sorted; do not modify. */
  listedCustomers(): readonly ListedEntry[] {
    return this.listed;
  }

  isListedId(customerId: string): boolean {
    return this.listedById.has(customerId);
  }

  private relationshipIds(customerId: string): readonly string[] {
    const ids = this.relationshipsByCustomer.get(customerId);
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : ids;
  }

  relationshipsOf(customerId: string): Relationship[] {
    const out: Relationship[] = [];
    for (const id of this.relationshipIds(customerId)) {
      const r = this.store.get('relationships', id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  customerByDomain(domain: string): Readonly<Customer> | undefined {
    const id = this.customersByDomain.get(domain);
    return id ? this.store.get('customers', id) : undefined;
  }

  /** Invitation ids, newest first; `pendingOnly` keeps drafts and sent ones (expired included). */
  *invitationsNewestFirst(pendingOnly = false): Generator<string> {
    if (pendingOnly) {
      const keys = [...this.pendingInvitations].map((id) => createdKey(this.store.get('invitations', id)!)).sort();
      for (let i = keys.length - 1; i >= 0; i--) yield idOfKey(keys[i]!);
      return;
    }
    for (let i = this.invitationsByCreated.length - 1; i >= 0; i--) yield idOfKey(this.invitationsByCreated[i]!);
  }

  pendingInvitationIds(): ReadonlySet<string> {
    return this.pendingInvitations;
  }

  /** The latest accepted invitations, newest first. */
  latestAcceptances(count: number): Array<Readonly<Invitation>> {
    const out: Array<Readonly<Invitation>> = [];
    for (let i = this.acceptances.length - 1; i >= 0 && out.length < count; i--) {
      const invitation = this.store.get('invitations', idOfKey(this.acceptances[i]!));
      if (invitation) out.push(invitation);
    }
    return out;
  }

  /** Keyed by the token's hash, the only form the store holds. */
  invitationByToken(token: string): Readonly<Invitation> | undefined {
    const id = typeof token === 'string' ? this.invitationsByToken.get(hashToken(token)) : undefined;
    return id ? this.store.get('invitations', id) : undefined;
  }

  private isListed(customerId: string): boolean {
    for (const id of this.relationshipIds(customerId)) {
      const r = this.store.get('relationships', id);
      if (r && r.kind === 'reseller' && r.status === 'active') return true;
    }
    return false;
  }

  private addRelationship(r: Relationship): void {
    const ids = this.relationshipIds(r.customerId);
    if (ids.includes(r.id)) return;
    this.relationshipsByCustomer.set(r.customerId, ids.length === 0 ? r.id : [...ids, r.id]);
  }

  private removeRelationship(customerId: string, relationshipId: string): void {
    const ids = this.relationshipIds(customerId).filter((id) => id !== relationshipId);
    if (ids.length === 0) this.relationshipsByCustomer.delete(customerId);
    else this.relationshipsByCustomer.set(customerId, ids.length === 1 ? ids[0]! : ids);
  }

  private onChange(change: Change): void {
    switch (change.collection) {
      case 'relationships': {
        const before = change.before as Relationship | undefined;
        const after = change.after as Relationship | undefined;
        if (before && (!after || after.customerId !== before.customerId)) {
          this.removeRelationship(before.customerId, before.id);
          this.refreshListed(before.customerId);
        }
        if (after) {
          this.addRelationship(after);
          this.refreshListed(after.customerId);
        }
        break;
      }
      case 'customers': {
        const before = change.before as Customer | undefined;
        const after = change.after as Customer | undefined;
        if (before && this.customersByDomain.get(before.domain) === before.id) this.customersByDomain.delete(before.domain);
        if (after?.domain) this.customersByDomain.set(after.domain, after.id);
        this.refreshListed(change.id);
        break;
      }
      case 'invitations': {
        const before = change.before as Invitation | undefined;
        const after = change.after as Invitation | undefined;
        if (before && before.tokenHash !== after?.tokenHash) this.invitationsByToken.delete(before.tokenHash);
        if (after) this.invitationsByToken.set(after.tokenHash, after.id);
        // A key moves when the record comes, goes, or (never in practice) is re-dated.
        moveKey(this.invitationsByCreated, before && createdKey(before), after && createdKey(after));
        if (after && isPending(after.status)) this.pendingInvitations.add(after.id);
        else this.pendingInvitations.delete(change.id);
        moveKey(this.acceptances, acceptanceKeyOf(before), acceptanceKeyOf(after));
        break;
      }
      default:
        break;
    }
  }

  /** Puts a customer in, out of, or back in its place in the sorted list. */
  private refreshListed(customerId: string): void {
    const current = this.listedById.get(customerId);
    if (current) {
      const at = this.position(current);
      if (this.listed[at]?.id === customerId) this.listed.splice(at, 1);
      this.listedById.delete(customerId);
    }
    const customer = this.store.get('customers', customerId);
    if (!customer || !this.isListed(customerId)) return;
    const entry = toEntry(customer);
    this.listed.splice(this.position(entry), 0, entry);
    this.listedById.set(customerId, entry);
  }

  /** Binary search: where `entry` is or would go. */
  private position(entry: ListedEntry): number {
    return lowerBound(this.listed, (candidate) => compare(candidate, entry) < 0);
  }
}

const createdKey = (i: Readonly<Invitation>) => `${i.createdAt}\u0001${i.id}`;
const acceptedKey = (i: Readonly<Invitation>) => `${i.acceptedAt ?? ''}\u0001${i.id}`;
/** An invitation's place in the acceptances, if it has one. */
const acceptanceKeyOf = (i: Readonly<Invitation> | undefined) => (i?.status === 'accepted' && i.acceptedAt ? acceptedKey(i) : undefined);
const idOfKey = (key: string) => key.slice(key.indexOf('\u0001') + 1);

/** The first index whose item is not before `item` (binary search in a sorted array). */
function lowerBound<T>(items: readonly T[], before: (candidate: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keys arrive mostly in order (new records are newest), so this is usually an append. */
function insertSorted(keys: string[], key: string): void {
  if (keys.length === 0 || keys[keys.length - 1]! < key) {
    keys.push(key);
    return;
  }
  const at = lowerBound(keys, (k) => k < key);
  if (keys[at] !== key) keys.splice(at, 0, key);
}

/** Moves a record's key in a sorted list from `was` to `is` (either absent when it comes or goes). */
function moveKey(keys: string[], was: string | undefined, is: string | undefined): void {
  if (was === is) return;
  if (was) removeSorted(keys, was);
  if (is) insertSorted(keys, is);
}

function removeSorted(keys: string[], key: string): void {
  const at = lowerBound(keys, (k) => k < key);
  if (keys[at] === key) keys.splice(at, 1);
}

function toEntry(c: Readonly<Customer>): ListedEntry {
  const search = normalise(c.companyName);
  return { id: c.id, name: c.companyName, domain: c.domain, search, key: `${fold(search)}\u0001${c.domain}\u0001${c.id}` };
}
