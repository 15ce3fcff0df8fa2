/** The audit trail: every mutation leaves one event, written with the change itself. */
import type { AuditEvent, Role } from '../../store/schema.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import type { StoreReader } from '../../store/store.js';
import { requirePermission } from './roles.js';

/** An event with what it was about, by name: the reader sees "Adatum Studio", not a record id. */
export interface AuditEntry extends AuditEvent {
  /** The customer, person, provider, conversation or account the event names; null when it has no name yet. */
  subject: string | null;
  /** For role changes, the role given or taken. */
  role: Role | null;
}

/** Names the events of `store`'s audit trail: what each is about, and the role given or taken. */
export function createAuditReader(store: StoreReader) {
  const companyOf = (customerId: unknown) => (typeof customerId === 'string' ? (store.get('customers', customerId)?.companyName ?? null) : null);
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

  /** Names people by the name they last acted under; a principal never seen acting keeps its handle. */
  const peopleNames = () => {
    const names = new Map<string, string>();
    for (const e of store.all('audit')) if (e.actor.displayName) names.set(`${e.actor.platform}:${e.actor.userId}`, e.actor.displayName);
    return names;
  };

  function subjectOf(e: AuditEvent, people: () => Map<string, string>): string | null {
    const [area] = e.action.split('.');
    switch (area) {
      case 'invitation': {
        const invitation = store.get('invitations', e.target);
        return companyOf(invitation?.customerId ?? e.details.customerId) ?? invitation?.companyName ?? null;
      }
      case 'removal':
        return companyOf(store.get('removals', e.target)?.customerId ?? e.details.customerId);
      case 'adminAccess':
      case 'customer':
        return companyOf(e.target);
      case 'role':
        return people().get(e.target) ?? e.target;
      case 'provider':
        return store.get('providers', e.target)?.name ?? text(e.details.name);
      case 'channel':
        return store.get('notificationSubscriptions', e.target)?.name ?? text(e.details.name);
      case 'partnerCenter':
        return text(e.details.account);
      case 'partner':
      case 'digest':
        return text(e.details.name);
      case 'person':
        // The language chosen (its code: the reader's view names it); null when left to the bot.
        return text(e.details.language);
      case 'export':
        // What was exported (`customers` or `audit`: the reader's view says it in words).
        return text(e.details.kind);
      default:
        return null;
    }
  }

  /** The newest `limit` events (every one without it), newest first, each with what it names. */
  return function newestFirst(filter: (e: AuditEvent) => boolean, limit = Infinity): AuditEntry[] {
    // Insertion order breaks ties between events of the same millisecond (newest last in the store).
    const events = [...store.all('audit')].filter(filter).reverse();
    let people: Map<string, string> | undefined;
    const lazyPeople = () => (people ??= peopleNames());
    return events
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, limit)
      .map((e) => ({ ...e, subject: subjectOf(e, lazyPeople), role: e.action.startsWith('role.') ? ((e.details.role as Role | undefined) ?? null) : null }));
  };
}

export function createAuditOperations(ctx: ServiceContext) {
  const newestFirst = createAuditReader(ctx.store);
  return {
    /** Newest first; admins only, as it names people and customers. */
    listAudit(actor: Actor, input: { limit?: number; target?: string } = {}): AuditEntry[] {
      requirePermission(ctx, actor, 'audit');
      const limit = Math.min(Math.max(1, input.limit ?? 20), 500);
      return newestFirst((e) => !input.target || e.target === input.target, limit);
    },
  };
}
