/** The customer accepts: customer, relationships and notifications recorded in one durable step. */
import type { Customer, Delivery, DeliveryTarget, Invitation, Relationship } from '../../store/schema.js';
import type { MessageKey } from '../i18n/catalogue.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { InvalidInput, InvitationUnusable, NotFound } from './errors.js';
import type { InvitationAcceptedEvent } from './events.js';
import { effectiveStatus, findByToken } from './invitations.js';
import { isPending } from './invitation-status.js';

export interface AcceptingContact {
  companyName: string;
  domain: string;
  name: string;
  email: string;
}

const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@([a-z0-9-]+\.)+[a-z]{2,63}$/i;

/** Validates and normalises the form; each bad field gets its own message. */
export function validateContact(input: Partial<Record<keyof AcceptingContact, unknown>>): AcceptingContact {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim().replace(/\s+/g, ' ') : '');
  const contact: AcceptingContact = {
    companyName: text(input.companyName),
    domain: text(input.domain).toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, ''),
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
      if (!findByToken(ctx, token)) throw new NotFound('invitation.unknownLink');
      const contact = validateContact(input);
      const actor: Actor = { platform: 'web', userId: contact.email, displayName: contact.name, locale: 'en' };

      const { event, customer } = await ctx.store.transact((tx, read) => {
        const invitation = findByToken(ctx, token)!;
        const status = effectiveStatus(invitation, ctx.now());
        if (!isPending(status)) throw new InvitationUnusable(status);
        const now = ctx.now().toISOString();

        const existing: Readonly<Customer> | undefined = ctx.indexes.customerByDomain(contact.domain);
        const customer: Customer = existing
          ? { ...existing, companyName: contact.companyName, contact: { name: contact.name, email: contact.email }, updatedAt: now }
          : {
              id: ctx.newId(),
              companyName: contact.companyName,
              domain: contact.domain,
              tenantId: null,
              contact: { name: contact.name, email: contact.email },
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

        const deliveryIds: string[] = [];
        const event: InvitationAcceptedEvent = {
          type: 'invitation.accepted',
          invitationId: invitation.id,
          customerId: customer.id,
          companyName: customer.companyName,
          domain: customer.domain,
          contactName: contact.name,
          providerName: invitation.providerId ? (read.get('providers', invitation.providerId)?.name ?? null) : null,
          invitedBy: invitation.createdBy.displayName,
          acceptedAt: now,
          deliveryIds,
        };
        const deliver = (target: DeliveryTarget) => {
          const delivery: Delivery = { id: ctx.newId(), target, event: { ...event, deliveryIds: [] }, attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now };
          tx.put('deliveries', delivery);
          deliveryIds.push(delivery.id);
        };
        for (const channel of read.all('channels')) deliver({ kind: 'subscription', subscriptionId: channel.id });
        // The inviter's draft card becomes the acceptance, so nobody acts on a stale draft.
        if (invitation.draftMessage) deliver({ kind: 'card', card: invitation.draftMessage });
        ctx.audit(tx, actor, 'invitation.accepted', invitation.id, { customerId: customer.id, providerId: invitation.providerId });
        return { event, customer };
      });
      ctx.notifier.publish(event);
      return { customer, invitationId: event.invitationId, providerName: event.providerName };
    },
  };
}
