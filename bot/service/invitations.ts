/** Reseller relationship invitations: draft, Done (sent), revoke, list; acceptance is in acceptance.ts. */
import { randomBytes } from 'node:crypto';
import { CustomerChannel, type Invitation, type Locale, type Provider } from '../../store/schema.js';
import { t, type MessageKey } from '../i18n/catalogue.js';
import { toActorRef, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { Conflict, InvalidInput, NotFound } from './errors.js';
import { requireAdmin, requireRole } from './roles.js';

export const INVITATION_TTL_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export type InvitationStatus = Invitation['status'] | 'expired';

/** An invitation as people see it: its stored state, with `expired` worked out from the clock. */
export interface InvitationView extends Invitation {
  effectiveStatus: InvitationStatus;
  providerName: string | null;
  partnerName: string;
}

export interface DraftInput {
  channel: string;
  providerId?: string | null;
  companyName?: string | null;
  customerEmail?: string | null;
  locale: Locale;
}

/** 256 random bits, URL-safe. */
export function newInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function effectiveStatus(invitation: Invitation, now: Date): InvitationStatus {
  if ((invitation.status === 'draft' || invitation.status === 'sent') && now.getTime() >= Date.parse(invitation.expiresAt)) {
    return 'expired';
  }
  return invitation.status;
}

export function createInvitationOperations(ctx: ServiceContext) {
  const partnerName = () => ctx.store.partner()?.name ?? 'CSP partner';

  const toView = (invitation: Invitation): InvitationView => ({
    ...invitation,
    effectiveStatus: effectiveStatus(invitation, ctx.now()),
    providerName: invitation.providerId ? (ctx.store.get('providers', invitation.providerId)?.name ?? null) : null,
    partnerName: partnerName(),
  });

  const load = (id: string): Invitation => {
    const invitation = typeof id === 'string' ? ctx.store.get('invitations', id) : undefined;
    if (!invitation) throw new NotFound('invitation.notFound');
    return invitation;
  };

  return {
    /** Creates a draft with its personalised link and an email the admin may edit. */
    async draftInvitation(actor: Actor, input: DraftInput): Promise<InvitationView> {
      requireAdmin(ctx, actor);
      const channel = CustomerChannel.safeParse(input.channel);
      if (!channel.success) throw new InvalidInput('invitation.badChannel', {}, { channel: 'invitation.badChannel' });
      let provider: Provider | null = null;
      // "With provider" names the provider; a payload without one is not half an invitation.
      if (channel.data === 'indirect-provider' && !input.providerId) throw new InvalidInput('provider.choose', {}, { providerId: 'provider.choose' });
      if (input.providerId) {
        provider = ctx.store.get('providers', input.providerId) ?? null;
        if (!provider) throw new NotFound('provider.notFound');
      }
      const companyName = input.companyName?.trim() || null;
      const customerEmail = input.customerEmail?.trim() || null;
      const token = newInvitationToken();
      const link = `${ctx.publicUrl}/invitations/${token}`;
      const params = { partner: partnerName(), provider: provider?.name ?? '', link, days: INVITATION_TTL_DAYS };
      const now = ctx.now();
      const invitation: Invitation = {
        id: ctx.newId(),
        token,
        status: 'draft',
        channel: channel.data,
        providerId: provider?.id ?? null,
        companyName,
        customerEmail,
        locale: input.locale,
        link,
        subject: t(input.locale, provider ? 'email.subjectWithProvider' : 'email.subject', params),
        body: t(input.locale, provider ? 'email.bodyWithProvider' : 'email.body', params),
        createdBy: toActorRef(actor),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS).toISOString(),
        sentAt: null,
        sentBy: null,
        acceptedAt: null,
        customerId: null,
        revokedAt: null,
        revokedBy: null,
        draftMessage: null,
      };
      return toView(
        await ctx.store.transact((tx) => {
          tx.put('invitations', invitation);
          ctx.audit(tx, actor, 'invitation.drafted', invitation.id, { channel: invitation.channel, providerId: invitation.providerId });
          return invitation;
        }),
      );
    },

    /**
     * **Done**: the admin has sent the (possibly edited) email. The body must still carry the
     * exact link, or the customer could not accept. Done twice is harmless.
     */
    async markInvitationSent(
      actor: Actor,
      invitationId: string,
      edited: { subject?: string; body: string; channel?: string },
    ): Promise<InvitationView & { alreadyDone: boolean }> {
      requireAdmin(ctx, actor);
      const current = load(invitationId);
      const body = typeof edited.body === 'string' ? edited.body.replace(/\r\n/g, '\n') : '';
      const subject = typeof edited.subject === 'string' && edited.subject.trim() ? edited.subject.trim() : current.subject;
      const channel = edited.channel === undefined || edited.channel === '' ? current.channel : CustomerChannel.safeParse(edited.channel).data;
      if (!channel) throw new InvalidInput('invitation.badChannel', {}, { channel: 'invitation.badChannel' });
      return ctx.store.transact((tx, read) => {
        const invitation = read.get('invitations', invitationId)!;
        const status = effectiveStatus(invitation, ctx.now());
        if (status === 'sent') return { ...toView(invitation), alreadyDone: true };
        if (status !== 'draft') throw new Conflict(`invitation.is.${status}` as MessageKey);
        if (!body.includes(invitation.link)) {
          throw new InvalidInput('invitation.linkMissing', { link: invitation.link }, { body: 'invitation.linkMissing' });
        }
        if (body.length > 10_000 || subject.length > 300) throw new InvalidInput('invitation.tooLong', {}, { body: 'invitation.tooLong' });
        const sent: Invitation = { ...invitation, subject, body, channel, status: 'sent', sentAt: ctx.now().toISOString(), sentBy: toActorRef(actor) };
        tx.put('invitations', sent);
        ctx.audit(tx, actor, 'invitation.sent', invitation.id, { edited: body !== invitation.body });
        return { ...toView(sent), alreadyDone: false };
      });
    },

    /** The draft to edit again before Done; only a draft can be edited. */
    openDraft(actor: Actor, invitationId: string): InvitationView {
      requireAdmin(ctx, actor);
      const invitation = load(invitationId);
      const status = effectiveStatus(invitation, ctx.now());
      if (status !== 'draft') throw new Conflict(`invitation.is.${status}` as MessageKey);
      return toView(invitation);
    },

    /** Withdraws a pending invitation: its link stops working. */
    async revokeInvitation(actor: Actor, invitationId: string): Promise<InvitationView & { alreadyDone: boolean }> {
      requireAdmin(ctx, actor);
      load(invitationId);
      return ctx.store.transact((tx, read) => {
        const invitation = read.get('invitations', invitationId)!;
        if (invitation.status === 'revoked') return { ...toView(invitation), alreadyDone: true };
        if (invitation.status === 'accepted') throw new Conflict('invitation.is.accepted');
        const revoked: Invitation = { ...invitation, status: 'revoked', revokedAt: ctx.now().toISOString(), revokedBy: toActorRef(actor) };
        tx.put('invitations', revoked);
        ctx.audit(tx, actor, 'invitation.revoked', invitation.id);
        return { ...toView(revoked), alreadyDone: false };
      });
    },

    /** Remembers where a surface posted the draft card, so it can be updated on acceptance. */
    async recordDraftMessage(actor: Actor, invitationId: string, message: Record<string, string>): Promise<void> {
      requireAdmin(ctx, actor);
      load(invitationId);
      await ctx.store.transact((tx, read) => {
        tx.put('invitations', { ...read.get('invitations', invitationId)!, draftMessage: message });
      });
    },

    getInvitation(actor: Actor, invitationId: string): InvitationView {
      requireRole(ctx, actor);
      return toView(load(invitationId));
    },

    /** Newest first; `status` filters on the effective status ("pending" = draft or sent). */
    listInvitations(actor: Actor, input: { status?: InvitationStatus | 'pending'; limit?: number } = {}): InvitationView[] {
      requireRole(ctx, actor);
      const wanted = input.status;
      const limit = input.limit ?? Number.POSITIVE_INFINITY;
      const matches = (v: InvitationView) => !wanted || v.effectiveStatus === wanted || (wanted === 'pending' && (v.effectiveStatus === 'draft' || v.effectiveStatus === 'sent'));
      // Only drafts and sent invitations can be pending or expired: no need to walk the accepted ones.
      const pendingOnly = wanted === 'pending' || wanted === 'draft' || wanted === 'sent' || wanted === 'expired';
      const out: InvitationView[] = [];
      for (const id of ctx.indexes.invitationsNewestFirst(pendingOnly)) {
        if (out.length >= limit) break;
        const view = toView(ctx.store.get('invitations', id)!);
        if (matches(view)) out.push(view);
      }
      return out;
    },

    /** What the customer's page shows for a link; no actor, the token is the credential. */
    invitationForToken(token: string): InvitationView {
      const invitation = findByToken(ctx, token);
      if (!invitation) throw new NotFound('invitation.unknownLink');
      return toView(invitation);
    },
  };
}

/** Looks an invitation up by its token; anything not shaped like a token is unknown. */
export function findByToken(ctx: ServiceContext, token: string): Invitation | undefined {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{22,64}$/.test(token)) return undefined;
  return ctx.indexes.invitationByToken(token);
}
