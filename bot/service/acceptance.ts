/** The customer accepts: customer, relationships and notifications recorded in one durable step. */
import type { Customer, DeliveryTarget, Invitation, Relationship } from '../../store/schema.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { InvalidInput, InvitationUnusable, NotFound } from './errors.js';
import type { InvitationAcceptedEvent } from './events.js';
import { effectiveStatus, findByToken } from './invitations.js';
import { isPending } from './invitation-status.js';
import { inviterConversation, queueDelivery } from './deliveries.js';
import { dropReminders, expireReminders } from './reminders.js';
import { subscriptionKey } from './notification-subscriptions.js';
import { lineOf, singleLine } from './text.js';

export interface AcceptingContact {
  companyName: string;
  domain: string;
  name: string;
  email: string;
}

const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@([a-z0-9-]+\.)+[a-z]{2,63}$/i;

/** Validates and normalises the form (one line each, see text.ts); each bad field gets its own message. */
export function validateContact(input: Partial<Record<keyof AcceptingContact, unknown>>): AcceptingContact {
  const text = lineOf;
  const contact: AcceptingContact = {
    companyName: text(input.companyName),
    domain: text(input.domain)
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, ''),
    name: text(input.name),
    email: text(input.email).toLowerCase(),
  };
  const fields: Partial<Record<keyof AcceptingContact, MessageKey>> = {};
  if (contact.companyName.length < 2 || contact.companyName.length > 120) fields.companyName = 'accept.field.companyName';
  if (!DOMAIN.test(contact.domain)) fields.domain = 'accept.field.domain';
  if (contact.name.length < 2 || contact.name.length > 120) fields.name = 'accept.field.name';
  if (!EMAIL.test(contact.email) || contact.email.length > 254) fields.email = 'accept.field.email';
  if (Object.keys(fields).length > 0) throw new InvalidInput('accept.invalid', {}, fields);
  return contact;
}

export function createAcceptanceOperations(ctx: ServiceContext) {
  return {
    /**
     * Single use: a used, revoked or expired link is refused and changes nothing. The
     * `invitation.accepted` event is published only once everything is on disk.
     */
    async acceptInvitation(token: string, input: Partial<Record<keyof AcceptingContact, unknown>>) {
      const found = findByToken(ctx, token);
      if (!found) throw new NotFound('invitation.unknownLink');
      // With the Microsoft directory the customer accepts at Microsoft, never on this page.
      if (found.microsoft) throw new NotFound('invitation.acceptAtMicrosoft');
      const contact = validateContact(input);
      const actor: Actor = { platform: 'web', userId: contact.email, displayName: contact.name, locale: 'en' };
      return accept(() => findByToken(ctx, token)!, actor, {
        companyName: contact.companyName,
        domain: contact.domain,
        tenantId: null,
        contact: { name: contact.name, email: contact.email },
      });
    },

    /**
     * The directory saw the customer approve this invitation's request at Microsoft: the same
     * acceptance as on the page, with the customer Microsoft names. Exactly once: an invitation
     * that is no longer pending is left alone (`accepted: false`), so a sync that runs again, or
     * after a restart, changes nothing.
     */
    async acceptFromDirectory(invitationId: string, fromMicrosoft: { tenantId: string; companyName: string }) {
      const customer = { tenantId: fromMicrosoft.tenantId, companyName: singleLine(fromMicrosoft.companyName) || fromMicrosoft.tenantId };
      const invitation = ctx.store.get('invitations', invitationId);
      if (!invitation) throw new NotFound('invitation.notFound');
      if (!isPending(effectiveStatus(invitation, ctx.now()))) return { accepted: false as const };
      const actor: Actor = {
        platform: 'web',
        userId: `tenant:${customer.tenantId}`,
        displayName: customer.companyName,
        locale: invitation.locale,
      };
      let done;
      try {
        done = await accept(() => ctx.store.get('invitations', invitationId)!, actor, {
          companyName: customer.companyName,
          domain: '',
          tenantId: customer.tenantId,
          contact: { name: '', email: invitation.customerEmail ?? '' },
        });
      } catch (error) {
        // Accepted (or ended) meanwhile, by another sync pass: nothing more to do.
        if (error instanceof InvitationUnusable) return { accepted: false as const };
        throw error;
      }
      return { accepted: true as const, ...done };
    },

    /** The directory saw this invitation's request expire or end at Microsoft before approval. */
    async expireFromDirectory(invitationId: string, reason: string): Promise<boolean> {
      return ctx.store.transact((tx, read) => {
        const invitation = read.get('invitations', invitationId);
        // Already expired (or accepted, or revoked): nothing to mark, and nothing audited twice.
        if (!invitation || !isPending(effectiveStatus(invitation, ctx.now()))) return false;
        const at = ctx.now().toISOString();
        // Expired from now on: the invitation's effective status says so, as for one that ran out of time.
        tx.put('invitations', { ...invitation, expiresAt: at });
        expireReminders(ctx, tx, read, invitation.id, at);
        ctx.audit(tx, { ...DIRECTORY_ACTOR, locale: invitation.locale }, 'invitation.endedAtMicrosoft', invitation.id, { reason });
        return true;
      });
    },
  };

  /** The one acceptance path: customer, relationships, invitation and deliveries in one durable step. */
  async function accept(current: () => Invitation, actor: Actor, facts: AcceptedCustomer) {
    const { event, customer } = await ctx.store.transact((tx, read) => {
      const invitation = current();
      const status = effectiveStatus(invitation, ctx.now());
      if (!isPending(status)) throw new InvitationUnusable(status);
      const now = ctx.now().toISOString();

      const existing: Readonly<Customer> | undefined =
        (facts.tenantId ? customerByTenant(facts.tenantId) : undefined) ??
        (facts.domain ? ctx.indexes.customerByDomain(facts.domain) : undefined);
      const contact = facts.contact.name || facts.contact.email || !existing ? facts.contact : existing.contact;
      const customer: Customer = existing
        ? { ...existing, companyName: facts.companyName, tenantId: facts.tenantId ?? existing.tenantId, contact, updatedAt: now }
        : {
            id: ctx.newId(),
            companyName: facts.companyName,
            domain: facts.domain,
            tenantId: facts.tenantId,
            contact,
            subscriptions: [],
            users: [],
            licenses: [],
            createdAt: now,
            updatedAt: now,
          };
      tx.put('customers', customer);

      const relationships = ctx.indexes.relationshipsOf(customer.id).filter((r) => r.status === 'active');
      const ensure = (kind: Relationship['kind'], providerId: string | null) => {
        if (relationships.some((r) => r.kind === kind && r.providerId === providerId)) return;
        tx.put('relationships', {
          id: ctx.newId(),
          customerId: customer.id,
          kind,
          providerId,
          status: 'active',
          dapGranted: true,
          invitationId: invitation.id,
          createdAt: now,
          endedAt: null,
        });
      };
      ensure('reseller', null);
      if (invitation.providerId) ensure('provider', invitation.providerId);

      const accepted: Invitation = { ...invitation, status: 'accepted', acceptedAt: now, customerId: customer.id };
      tx.put('invitations', accepted);
      dropReminders(ctx, tx, read, invitation.id);

      const deliveryIds: string[] = [];
      const event: InvitationAcceptedEvent = {
        type: 'invitation.accepted',
        invitationId: invitation.id,
        customerId: customer.id,
        companyName: customer.companyName,
        domain: customer.domain,
        contactName: customer.contact.name,
        providerName: invitation.providerId ? (read.get('providers', invitation.providerId)?.name ?? null) : null,
        invitedBy: invitation.createdBy.displayName,
        inviter: invitation.createdBy,
        acceptedAt: now,
        deliveryIds,
      };
      const deliver = (target: DeliveryTarget) => queueDelivery(ctx, tx, target, event);
      for (const subscription of read.all('notificationSubscriptions')) deliver({ kind: 'subscription', subscriptionId: subscription.id });
      // The inviter's draft card becomes the acceptance, so nobody acts on a stale draft; and the
      // news is a new message in that conversation, which an edited card is not. A subscribed
      // conversation has its post already: one message, not two.
      if (invitation.draftMessage) deliver({ kind: 'card', card: invitation.draftMessage });
      // A bulk invitation has no draft card: the news goes to the conversation its batch was started in.
      const conversation = inviterConversation(read, invitation);
      if (conversation && !read.get('notificationSubscriptions', subscriptionKey(conversation.platform, conversation.conversationId)))
        deliver(conversation);
      ctx.audit(tx, actor, 'invitation.accepted', invitation.id, { customerId: customer.id, providerId: invitation.providerId });
      return { event, customer };
    });
    ctx.notifier.publish(event);
    return { customer, invitationId: event.invitationId, providerName: event.providerName };
  }

  function customerByTenant(tenantId: string): Readonly<Customer> | undefined {
    for (const customer of ctx.store.all('customers')) if (customer.tenantId === tenantId) return customer;
    return undefined;
  }
}

/** Who the audit trail names for what the directory's sync does on its own. */
const DIRECTORY_ACTOR = { platform: 'web' as const, userId: 'microsoft', displayName: 'Microsoft' };

interface AcceptedCustomer {
  companyName: string;
  domain: string;
  tenantId: string | null;
  contact: { name: string; email: string };
}
