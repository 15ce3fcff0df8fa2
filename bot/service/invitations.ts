/** Reseller relationship invitations: draft, Done (sent), revoke, list; acceptance is in acceptance.ts. */
import { randomBytes } from 'node:crypto';
import { Acquisition, Locale, type CardLocation, type Invitation, type Provider } from '../../store/schema.js';
import type { StoreReader, Tx } from '../../store/store.js';
import { effectiveStatus, isPending, type InvitationStatus } from './invitation-status.js';
import { toActorRef, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { Conflict, InvalidInput, InvitationUnusable, NotFound } from './errors.js';
import { requirePermission, requireRole } from './roles.js';
import { hashToken, LINK_PLACEHOLDER } from '../../store/invitation-secret.js';
import { multiLine, optionalLine, platformData, singleLine } from './text.js';
import { partnerNameOrRefuse } from './partner.js';
import { composeEmail, INVITATION_TTL_DAYS } from './invitation-email.js';
import { dropReminders, queueReminders, reminderTarget, type DoneConversation } from './reminders.js';

export { INVITATION_TTL_DAYS };

const DAY_MS = 24 * 60 * 60 * 1000;

export type { InvitationStatus } from './invitation-status.js';

/** The service's read model of an invitation (`…Record`; the UI's are `…View`): its stored state, with `expired` worked out from the clock. */
export interface InvitationRecord extends Invitation {
  effectiveStatus: InvitationStatus;
  providerName: string | null;
  /** The customer's name once accepted (as it is in the customer list), else null. */
  customerName: string | null;
  partnerName: string;
  /** The token and its link when the caller holds the token; null otherwise (the store has only its hash). */
  token: string | null;
  link: string | null;
}

/** A draft just made: the only moment the bot knows the token without being given it. */
export type DraftedInvitation = InvitationRecord & { token: string; link: string };

export interface DraftInput {
  /** How the customer came to us: an `Acquisition`. */
  acquisition: string;
  providerId?: string | null;
  companyName?: string | null;
  customerEmail?: string | null;
  locale: Locale;
}

/** Longer than any company's name in Partner Center; a pasted page is refused, not stored. */
export const COMPANY_NAME_MAX = 120;
/** RFC 5321's limit on a forward path. */
const EMAIL_MAX = 254;
/** An address a mail client can send to: one @, no spaces or brackets, a dot in the domain. */
const EMAIL = /^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:.][^\s@<>()[\]",;:]*$/;

/** Who the invitation is for, as given (both optional), checked: a sentence for what cannot be used. */
export function invitee(input: { companyName?: string | null; customerEmail?: string | null }): {
  companyName: string | null;
  customerEmail: string | null;
} {
  const companyName = optionalLine(input.companyName);
  const customerEmail = optionalLine(input.customerEmail)?.replace(/^mailto:/i, '') ?? null;
  if (companyName && companyName.length > COMPANY_NAME_MAX)
    throw new InvalidInput('invitation.companyTooLong', { max: COMPANY_NAME_MAX }, { companyName: 'invitation.companyTooLong' });
  if (customerEmail && (customerEmail.length > EMAIL_MAX || !EMAIL.test(customerEmail)))
    throw new InvalidInput('invitation.badEmail', { email: customerEmail.slice(0, 80) }, { customerEmail: 'invitation.badEmail' });
  return { companyName, customerEmail };
}

/** 256 random bits, URL-safe. */
export function newInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

export { effectiveStatus };

export function createInvitationOperations(ctx: ServiceContext) {
  /** Recorded invitations were written with a name; only a store emptied of its partner has none. */
  const partnerName = () => ctx.store.partner()?.name ?? '';

  const linkFor = (token: string) => `${ctx.publicUrl}/invitations/${token}`;
  /** `token` if it is this invitation's (cards carry it; nothing they carry is trusted). */
  const verified = (invitation: Invitation, token: unknown): string | null =>
    typeof token === 'string' && token && hashToken(token) === invitation.tokenHash ? token : null;
  /** This invitation's token, if `text` holds its link. */
  const tokenInText = (invitation: Invitation, text: string): string | null => {
    const prefix = `${ctx.publicUrl}/invitations/`;
    for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
      const found = verified(invitation, /^[A-Za-z0-9_-]{22,64}/.exec(text.slice(at + prefix.length, at + prefix.length + 65))?.[0]);
      if (found) return found;
    }
    return null;
  };

  /** The view, with the link put back into the body when the token is known. */
  const toRecord = (invitation: Invitation, token: string | null = null): InvitationRecord => ({
    ...invitation,
    body: token ? invitation.body.split(LINK_PLACEHOLDER).join(linkFor(token)) : invitation.body,
    token,
    link: token ? linkFor(token) : null,
    effectiveStatus: effectiveStatus(invitation, ctx.now()),
    providerName: invitation.providerId ? (ctx.store.get('providers', invitation.providerId)?.name ?? null) : null,
    customerName: invitation.customerId ? (ctx.store.get('customers', invitation.customerId)?.companyName ?? null) : null,
    partnerName: partnerName(),
  });

  const load = (id: string): Invitation => {
    const invitation = typeof id === 'string' ? ctx.store.get('invitations', id) : undefined;
    if (!invitation) throw new NotFound('invitation.notFound');
    return invitation;
  };

  return {
    /**
     * Creates a draft with its personalised link and an email the admin may edit. `within` runs in
     * the transaction that stores it and may store it otherwise (a bulk invitation records its line
     * there, so a restart never makes it twice).
     */
    async draftInvitation(
      actor: Actor,
      input: DraftInput,
      within?: (tx: Tx, read: StoreReader, draft: Invitation) => Invitation,
    ): Promise<DraftedInvitation> {
      requirePermission(ctx, actor, 'invite');
      const partner = partnerNameOrRefuse(ctx, actor);
      const acquisition = Acquisition.safeParse(input.acquisition);
      if (!acquisition.success) throw new InvalidInput('invitation.badAcquisition', {}, { acquisition: 'invitation.badAcquisition' });
      let provider: Provider | null = null;
      // "With provider" names the provider; a payload without one is not half an invitation.
      if (acquisition.data === 'indirect-provider' && !input.providerId)
        throw new InvalidInput('provider.choose', {}, { providerId: 'provider.choose' });
      if (input.providerId) {
        provider = ctx.store.get('providers', input.providerId) ?? null;
        if (!provider) throw new NotFound('provider.notFound');
      }
      const { companyName, customerEmail } = invitee(input);
      const token = newInvitationToken();
      const id = ctx.newId();
      // Made outside the store first (a GDAP request at Microsoft); withdrawn if the draft is not stored.
      const prepared = await ctx.directory.prepareInvitation({ invitationId: id, provider, companyName });
      // The links are the invitation's to keep, and what the request asks for (to write the email again).
      const microsoft = prepared
        ? {
            resellerLink: prepared.resellerLink,
            gdapRelationshipId: prepared.gdapRelationshipId,
            approvalLink: prepared.approvalLink,
            ...(prepared.access ? { access: prepared.access } : {}),
          }
        : null;
      const email = composeEmail({ partner, provider: provider?.name ?? null, microsoft }, input.locale);
      const now = ctx.now();
      const invitation: Invitation = {
        id,
        tokenHash: hashToken(token),
        status: 'draft',
        acquisition: acquisition.data,
        providerId: provider?.id ?? null,
        companyName,
        customerEmail,
        locale: input.locale,
        subject: email.subject,
        body: email.body,
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
        microsoft,
      };
      let stored: Invitation;
      try {
        stored = await ctx.store.transact((tx, read) => {
          ctx.audit(tx, actor, 'invitation.drafted', invitation.id, {
            acquisition: invitation.acquisition,
            providerId: invitation.providerId,
            gdapRelationshipId: microsoft?.gdapRelationshipId ?? null,
          });
          const kept = within ? within(tx, read, invitation) : invitation;
          tx.put('invitations', kept);
          return kept;
        });
      } catch (error) {
        // No half-made invitation: a request at Microsoft without its draft is withdrawn.
        await ctx.directory
          .withdrawInvitation(invitation)
          .catch((err: unknown) =>
            ctx.logger.warn(
              { err, invitationId: invitation.id, gdapRelationshipId: invitation.microsoft?.gdapRelationshipId ?? null },
              'a GDAP request made for a draft that could not be saved could not be withdrawn: end it in Partner Center (Customers > Admin relationships)',
            ),
          );
        throw error;
      }
      return toRecord(stored, token) as DraftedInvitation;
    },

    /**
     * **Done**: the admin has sent the (possibly edited) email. The body must still carry the
     * exact link, or the customer could not accept. Done twice is harmless. `edited.token` is
     * what the draft card carries, to name the link when it was removed. `edited.conversation` is
     * where Done was selected: the reminders go there when no card of the draft was posted (a
     * Slack modal), queued in the same write as the sent status.
     */
    async markInvitationSent(
      actor: Actor,
      invitationId: string,
      edited: {
        subject?: string;
        body: string;
        acquisition?: string;
        token?: string;
        companyName?: string;
        customerEmail?: string;
        conversation?: DoneConversation | null;
      },
    ): Promise<InvitationRecord & { alreadyDone: boolean }> {
      requirePermission(ctx, actor, 'invite');
      const current = load(invitationId);
      // Who it is for, as the form has it now (absent: as drafted); checked like the command's.
      const who = invitee({
        companyName: edited.companyName === undefined ? current.companyName : edited.companyName,
        customerEmail: edited.customerEmail === undefined ? current.customerEmail : edited.customerEmail,
      });
      const body = typeof edited.body === 'string' ? multiLine(edited.body) : '';
      const subject = (typeof edited.subject === 'string' && singleLine(edited.subject)) || current.subject;
      const acquisition =
        edited.acquisition === undefined || edited.acquisition === ''
          ? current.acquisition
          : Acquisition.safeParse(edited.acquisition).data;
      if (!acquisition) throw new InvalidInput('invitation.badAcquisition', {}, { acquisition: 'invitation.badAcquisition' });
      return ctx.store.transact((tx, read) => {
        const invitation = read.get('invitations', invitationId)!;
        const status = effectiveStatus(invitation, ctx.now());
        const token = tokenInText(invitation, body);
        if (status === 'sent') return { ...toRecord(invitation, token ?? verified(invitation, edited.token)), alreadyDone: true };
        if (status !== 'draft') throw new InvitationUnusable(status);
        if (invitation.microsoft) {
          // The customer needs both links: the reseller relationship and this invitation's GDAP approval.
          const { resellerLink, approvalLink } = invitation.microsoft;
          const missing = [resellerLink, approvalLink].filter((link) => !body.includes(link));
          if (missing.length > 0)
            throw new InvalidInput('invitation.linksMissing', { links: missing.join('\n') }, { body: 'invitation.linksMissing' });
          if (body.length > 10_000 || subject.length > 300)
            throw new InvalidInput('invitation.tooLong', {}, { body: 'invitation.tooLong' });
          const sent: Invitation = {
            ...invitation,
            ...who,
            subject,
            body,
            acquisition,
            status: 'sent',
            sentAt: ctx.now().toISOString(),
            sentBy: toActorRef(actor),
          };
          tx.put('invitations', sent);
          queueReminders(ctx, tx, sent, reminderTarget(invitation, actor, edited.conversation));
          ctx.audit(tx, actor, 'invitation.sent', invitation.id, { edited: body !== invitation.body });
          return { ...toRecord(sent, verified(invitation, edited.token)), alreadyDone: false };
        }
        if (!token) {
          const known = verified(invitation, edited.token);
          if (known) throw new InvalidInput('invitation.linkMissing', { link: linkFor(known) }, { body: 'invitation.linkMissing' });
          throw new InvalidInput('invitation.linkMissingUnknown', {}, { body: 'invitation.linkMissingUnknown' });
        }
        if (body.length > 10_000 || subject.length > 300) throw new InvalidInput('invitation.tooLong', {}, { body: 'invitation.tooLong' });
        // Stored without the link: the token must not be recoverable from the data file.
        const stored = body.split(linkFor(token)).join(LINK_PLACEHOLDER);
        const sent: Invitation = {
          ...invitation,
          ...who,
          subject,
          body: stored,
          acquisition,
          status: 'sent',
          sentAt: ctx.now().toISOString(),
          sentBy: toActorRef(actor),
        };
        tx.put('invitations', sent);
        queueReminders(ctx, tx, sent, reminderTarget(invitation, actor, edited.conversation));
        ctx.audit(tx, actor, 'invitation.sent', invitation.id, { edited: stored !== invitation.body });
        return { ...toRecord(sent, token), alreadyDone: false };
      });
    },

    /**
     * The draft's email written again by the bot in `language` (English or Italian), for a
     * customer who reads the other one; the company and email typed on the form are kept. Only
     * a draft: an email already sent cannot be changed. Edits to the text are replaced.
     */
    async rewriteDraft(
      actor: Actor,
      invitationId: string,
      input: { language: unknown; token?: unknown; companyName?: string; customerEmail?: string },
    ): Promise<InvitationRecord> {
      requirePermission(ctx, actor, 'invite');
      const current = load(invitationId);
      const language = Locale.safeParse(input.language);
      if (!language.success) throw new InvalidInput('invitation.badLanguage');
      // A draft made before the GDAP roles were kept with it: the bot cannot say them again.
      if (current.microsoft && !current.microsoft.access) throw new Conflict('invitation.cannotRewrite');
      const who = invitee({
        companyName: input.companyName === undefined ? current.companyName : input.companyName,
        customerEmail: input.customerEmail === undefined ? current.customerEmail : input.customerEmail,
      });
      return ctx.store.transact((tx, read) => {
        const invitation = read.get('invitations', invitationId)!;
        const status = effectiveStatus(invitation, ctx.now());
        if (status !== 'draft') throw new InvitationUnusable(status);
        const provider = invitation.providerId ? (read.get('providers', invitation.providerId)?.name ?? null) : null;
        const email = composeEmail({ partner: partnerName(), provider, microsoft: invitation.microsoft }, language.data);
        const rewritten: Invitation = { ...invitation, ...who, ...email, locale: language.data };
        tx.put('invitations', rewritten);
        ctx.audit(tx, actor, 'invitation.rewritten', invitation.id, { language: language.data });
        return toRecord(rewritten, verified(invitation, input.token));
      });
    },

    /** The draft to edit again before Done; only a draft can be edited. The link shows when `token` is its own. */
    openDraft(actor: Actor, invitationId: string, token?: unknown): InvitationRecord {
      requirePermission(ctx, actor, 'invite');
      const invitation = load(invitationId);
      const status = effectiveStatus(invitation, ctx.now());
      if (status !== 'draft') throw new InvitationUnusable(status);
      return toRecord(invitation, verified(invitation, token));
    },

    /**
     * Resend on a reminder: the email as sent, to open again; only while it waits. With Microsoft
     * the same links (never a new GDAP request). On the bot's own page only the link's hash is kept,
     * so the link cannot be shown again: a new one replaces it (`relinked`), and the first email's stops working.
     */
    async resendInvitation(actor: Actor, invitationId: string): Promise<InvitationRecord & { relinked: boolean }> {
      requirePermission(ctx, actor, 'invite');
      const current = load(invitationId);
      const status = effectiveStatus(current, ctx.now());
      if (status !== 'sent') throw new InvitationUnusable(status);
      if (current.microsoft) return { ...toRecord(current), relinked: false };
      const token = newInvitationToken();
      return ctx.store.transact((tx, read) => {
        const invitation = read.get('invitations', invitationId)!;
        const now = effectiveStatus(invitation, ctx.now());
        if (now !== 'sent') throw new InvitationUnusable(now);
        const relinked: Invitation = { ...invitation, tokenHash: hashToken(token) };
        tx.put('invitations', relinked);
        ctx.audit(tx, actor, 'invitation.relinked', invitation.id);
        return { ...toRecord(relinked, token), relinked: true };
      });
    },

    /**
     * Withdraws a pending invitation: its link stops working, and a GDAP request made for it is
     * deleted or terminated at Microsoft first, so nothing stays pending in the customer's admin center.
     */
    async revokeInvitation(actor: Actor, invitationId: string): Promise<InvitationRecord & { alreadyDone: boolean }> {
      requirePermission(ctx, actor, 'invite');
      const current = load(invitationId);
      if (current.microsoft && current.status !== 'revoked' && current.status !== 'accepted')
        await ctx.directory.withdrawInvitation(current);
      return ctx.store.transact((tx, read) => {
        const invitation = read.get('invitations', invitationId)!;
        if (invitation.status === 'revoked') return { ...toRecord(invitation), alreadyDone: true };
        if (invitation.status === 'accepted') throw new InvitationUnusable('accepted');
        const revoked: Invitation = { ...invitation, status: 'revoked', revokedAt: ctx.now().toISOString(), revokedBy: toActorRef(actor) };
        tx.put('invitations', revoked);
        dropReminders(ctx, tx, read, invitation.id);
        ctx.audit(tx, actor, 'invitation.revoked', invitation.id);
        return { ...toRecord(revoked), alreadyDone: false };
      });
    },

    /**
     * Remembers where a surface posted the draft card, so the acceptance can update it. A second
     * write per invitation: where a card lands is known only once it is posted, after the draft.
     */
    async recordDraftMessage(actor: Actor, invitationId: string, message: CardLocation): Promise<void> {
      requirePermission(ctx, actor, 'invite');
      load(invitationId);
      // Only where the card is: the reminders were queued with the sent status, to the conversation Done was selected in.
      await ctx.store.transact((tx, read) => {
        const invitation = read.get('invitations', invitationId)!;
        tx.put('invitations', { ...invitation, draftMessage: platformData(message) });
      });
    },

    getInvitation(actor: Actor, invitationId: string, token?: unknown): InvitationRecord {
      requireRole(ctx, actor);
      const invitation = load(invitationId);
      return toRecord(invitation, verified(invitation, token));
    },

    /** Newest first; `status` filters on the effective status ("pending" = draft or sent). */
    /**
     * Newest first. `kind: 'sent'`: only what was sent to a customer (a draft never marked sent is
     * not an invitation yet); `kind: 'drafts'`: only the live drafts, never sent. Neither lists a
     * discarded draft.
     */
    listInvitations(
      actor: Actor,
      input: { status?: InvitationStatus | 'pending'; limit?: number; kind?: 'sent' | 'drafts' } = {},
    ): InvitationRecord[] {
      requireRole(ctx, actor);
      const wanted = input.status;
      const limit = input.limit ?? Number.POSITIVE_INFINITY;
      const ofKind = (v: InvitationRecord) =>
        input.kind === 'sent' ? v.sentAt !== null : input.kind === 'drafts' ? v.effectiveStatus === 'draft' : true;
      const matches = (v: InvitationRecord) =>
        ofKind(v) && (!wanted || v.effectiveStatus === wanted || (wanted === 'pending' && isPending(v.effectiveStatus)));
      // Only drafts and sent invitations can be pending or expired: no need to walk the accepted ones.
      const pendingOnly =
        wanted === 'pending' || wanted === 'draft' || wanted === 'sent' || wanted === 'expired' || input.kind === 'drafts';
      const out: InvitationRecord[] = [];
      for (const id of ctx.indexes.invitationsNewestFirst(pendingOnly)) {
        if (out.length >= limit) break;
        const view = toRecord(ctx.store.get('invitations', id)!);
        if (matches(view)) out.push(view);
      }
      return out;
    },

    /** What the customer's page shows for a link; no actor, the token is the credential. */
    invitationForToken(token: string): InvitationRecord {
      const invitation = findByToken(ctx, token);
      if (!invitation) throw new NotFound('invitation.unknownLink');
      if (invitation.microsoft) throw new NotFound('invitation.acceptAtMicrosoft');
      return toRecord(invitation, token);
    },
  };
}

/** Looks an invitation up by its token; anything not shaped like a token is unknown. */
export function findByToken(ctx: ServiceContext, token: string): Invitation | undefined {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{22,64}$/.test(token)) return undefined;
  return ctx.indexes.invitationByToken(token);
}
