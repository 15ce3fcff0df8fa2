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
import { SortedIds } from './sorted-ids.js';

/** Text as searches and lookups compare it: one line (text.ts), lower case. */
export const normalise = (s: string) => singleLine(s).toLowerCase();

/** A listed customer in sort order: by name (case and accents folded), then domain, then id. */
export interface ListedEntry {
  id: string;
  name: string;
  domain: string;
  /** Lower-cased name, for search (the name itself when it is already lower case). */
  search: string;
}

const ASCII = /^[\x00-\x7f]*$/;
const fold = (s: string) => (ASCII.test(s) ? s : s.normalize('NFD').replace(/\p{M}/gu, ''));
/**
 * What the list is sorted on; plain string comparison (a collator is ~50× slower on 100k names).
 * Made when compared rather than kept: 100,000 keys cost ~10 MB.
 */
const sortKey = (e: ListedEntry) => `${fold(e.search)}\u0001${e.domain}\u0001${e.id}`;

export class ServiceIndexes {
  /** Listed customers (an active reseller relationship), sorted. */
  private readonly listed: ListedEntry[] = [];
  private readonly listedById = new Map<string, ListedEntry>();
  /** One id for the usual customer with one relationship, an array for more (100,000 Sets cost ~30 MB). */
  private readonly relationshipsByCustomer = new Map<string, string | string[]>();
  private readonly customersByDomain = new Map<string, string>();
  private readonly invitationsByToken = new Map<string, string>();
  /** Invitation ids by (createdAt, id), oldest first. */
  private readonly invitationsByCreated: SortedIds;
  /** Invitations still a draft or sent (expiry is worked out when read). */
  private readonly pendingInvitations = new Set<string>();
  /** Accepted invitation ids by (acceptedAt, id), oldest first. */
  private readonly acceptances: SortedIds;

  constructor(private readonly store: Store) {
    for (const r of store.all('relationships')) this.addRelationship(r);
    for (const c of store.all('customers')) if (c.domain) this.customersByDomain.set(c.domain, c.id);
    const created: Array<{ id: string; key: string }> = [];
    const accepted: Array<{ id: string; key: string }> = [];
    for (const i of store.all('invitations')) {
      this.invitationsByToken.set(i.tokenHash, i.id);
      created.push({ id: i.id, key: createdKey(i) });
      if (isPending(i.status)) this.pendingInvitations.add(i.id);
      const key = acceptanceKeyOf(i);
      if (key) accepted.push({ id: i.id, key });
    }
    const invitation = (id: string) => store.get('invitations', id)!;
    this.invitationsByCreated = new SortedIds((id) => createdKey(invitation(id)), created);
    this.acceptances = new SortedIds((id) => acceptedKey(invitation(id)), accepted);
    const byKey = new Map<string, ListedEntry>();
    for (const c of store.all('customers')) {
      if (!this.isListed(c.id)) continue;
      const entry = toEntry(c);
      byKey.set(sortKey(entry), entry);
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
    for (let i = this.invitationsByCreated.length - 1; i >= 0; i--) yield this.invitationsByCreated.at(i);
  }

  pendingInvitationIds(): ReadonlySet<string> {
    return this.pendingInvitations;
  }

  /** The latest accepted invitations, newest first. */
  latestAcceptances(count: number): Array<Readonly<Invitation>> {
    const out: Array<Readonly<Invitation>> = [];
    for (let i = this.acceptances.length - 1; i >= 0 && out.length < count; i--) {
      const invitation = this.store.get('invitations', this.acceptances.at(i));
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
        this.invitationsByCreated.move(change.id, before && createdKey(before), after && createdKey(after));
        if (after && isPending(after.status)) this.pendingInvitations.add(after.id);
        else this.pendingInvitations.delete(change.id);
        this.acceptances.move(change.id, acceptanceKeyOf(before), acceptanceKeyOf(after));
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
    const key = sortKey(entry);
    return lowerBound(this.listed, (candidate) => sortKey(candidate) < key);
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

function toEntry(c: Readonly<Customer>): ListedEntry {
  const search = normalise(c.companyName);
  return { id: c.id, name: c.companyName, domain: c.domain, search: search === c.companyName ? c.companyName : search };
}
