/**
 * The onboarding book: every customer from the email to working access, one record each, read
 * from what the store already holds (the invitation, the relationships the acceptance made, the
 * GDAP relationship the sync follows). Nothing is kept twice, so the board cannot drift from it.
 */
import type { ActorRef, GdapRecord, Invitation } from '../../store/schema.js';
import type { Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { NotFound } from './errors.js';
import { effectiveStatus } from './invitations.js';
import { isPending } from './invitation-status.js';
import { requireRole } from './roles.js';

/** The steps, in order; a step the directory does not have (GDAP on the embedded one) is left out. */
export const ONBOARDING_STEPS = [
  'emailSent',
  'resellerAccepted',
  'providerAccepted',
  'gdapApproved',
  'accessAssigned',
  'accessReady',
] as const;
export type OnboardingStepName = (typeof ONBOARDING_STEPS)[number];

export interface OnboardingStep {
  name: OnboardingStepName;
  /** When it happened; null while it has not. */
  at: string | null;
  /** Who acted, when the bot knows (the inviter, the customer's company). */
  by: string | null;
  /** True when the bot cannot know it (the directory does not tell): the record says so rather than guess. */
  unknown?: boolean;
}

export interface OnboardingRecord {
  invitationId: string;
  /** The customer's name as far as known: the customer once accepted, else the company or the email typed. */
  name: string | null;
  email: string | null;
  providerName: string | null;
  steps: OnboardingStep[];
  /** The first step not done; null when all are. */
  current: OnboardingStepName | null;
  /** When the last step done happened (the age of the current wait). */
  since: string;
  /** `waiting`: in flight; `expired` or `revoked`: it stopped; `done`: access works (or, embedded, accepted). */
  state: 'waiting' | 'expired' | 'revoked' | 'done';
  customerId: string | null;
  /** The customer's own GDAP approval link, to send again. */
  approvalLink: string | null;
  /** Still waiting for the customer to accept: it can be revoked. */
  pending: boolean;
  /** Why the security groups could not be assigned (Microsoft's words), to try again from the record. */
  problem: { message: string; relationshipId: string } | null;
}

/** Rows per page of the board: small enough for Teams' 28 KB and Slack's 50 blocks at any size of book. */
export const ONBOARDING_PAGE = 10;

const LIVE_GDAP = new Set(['approved', 'activating', 'active']);

export function createOnboardingOperations(ctx: ServiceContext) {
  const { store } = ctx;
  const who = (ref: ActorRef | null) => ref?.displayName ?? null;

  function recordOf(invitation: Readonly<Invitation>): OnboardingRecord {
    const now = ctx.now();
    const status = effectiveStatus(invitation, now);
    const customer = invitation.customerId ? store.get('customers', invitation.customerId) : undefined;
    const relationships = invitation.customerId
      ? ctx.indexes.relationshipsOf(invitation.customerId).filter((r) => r.invitationId === invitation.id)
      : [];
    const since = (kind: 'reseller' | 'provider') => relationships.find((r) => r.kind === kind)?.createdAt ?? null;
    // A link accepted before anyone selected Done was sent all the same: when, the bot cannot know.
    let problem: OnboardingRecord['problem'] = null;
    const steps: OnboardingStep[] = [
      { name: 'emailSent', at: invitation.sentAt, by: who(invitation.sentBy), ...(invitation.sentAt ? {} : { unknown: true }) },
    ];
    steps.push({ name: 'resellerAccepted', at: since('reseller') ?? invitation.acceptedAt, by: customer?.companyName ?? null });
    if (invitation.providerId) steps.push({ name: 'providerAccepted', at: since('provider'), by: customer?.companyName ?? null });
    if (invitation.microsoft) {
      const gdap: Readonly<GdapRecord> | undefined = store.get('gdap', invitation.microsoft.gdapRelationshipId);
      const approved = gdap && LIVE_GDAP.has(gdap.status);
      // The approval is what accepts a Microsoft invitation here; its time is the acceptance's.
      steps.push({
        name: 'gdapApproved',
        at: approved ? (invitation.acceptedAt ?? gdap.syncedAt) : null,
        by: approved ? (customer?.companyName ?? gdap.customerName) : null,
      });
      // The partner's security groups given the roles (the sync assigns them once the relationship is active).
      const access = gdap?.access;
      const assigned = Boolean(access && access.assignments.length > 0 && access.assignments.every((a) => a.assignmentId));
      steps.push({ name: 'accessAssigned', at: assigned ? (access!.readyAt ?? gdap!.syncedAt) : null, by: null });
      steps.push({ name: 'accessReady', at: access?.readyAt ?? null, by: null });
      if (access?.state === 'failed' && access.lastError) problem = { message: access.lastError.message, relationshipId: gdap!.id };
    }
    const open = steps.find((s) => !s.at && !s.unknown) ?? null;
    const last = [...steps].reverse().find((s) => s.at);
    const state = status === 'revoked' ? 'revoked' : status === 'expired' ? 'expired' : open ? 'waiting' : 'done';
    return {
      invitationId: invitation.id,
      name: customer?.companyName ?? invitation.companyName ?? invitation.customerEmail,
      email: invitation.customerEmail,
      providerName: invitation.providerId ? (store.get('providers', invitation.providerId)?.name ?? null) : null,
      steps,
      current: open?.name ?? null,
      since: last?.at ?? invitation.createdAt,
      state,
      customerId: invitation.customerId,
      approvalLink: invitation.microsoft?.approvalLink ?? null,
      pending: isPending(status),
      problem,
    };
  }

  /** Sent invitations, newest first (a draft never sent is not on the board; one accepted was sent, Done or not). */
  const wasSent = (invitation: Readonly<Invitation> | undefined): invitation is Readonly<Invitation> =>
    Boolean(invitation?.sentAt || invitation?.acceptedAt);
  function* sent(): Generator<Readonly<Invitation>> {
    for (const id of ctx.indexes.invitationsNewestFirst()) {
      const invitation = store.get('invitations', id);
      if (wasSent(invitation)) yield invitation;
    }
  }

  return {
    /**
     * `onboarding`: the customers in flight (sent and still waiting for a step), newest first,
     * `ONBOARDING_PAGE` a page, with how many there are in all.
     */
    onboarding(actor: Actor, input: { page?: number } = {}): { records: OnboardingRecord[]; total: number; page: number; pages: number } {
      requireRole(ctx, actor);
      const waiting: OnboardingRecord[] = [];
      for (const invitation of sent()) {
        // Revoked, accepted-and-complete and expired ones are not in flight: their record is still there by name.
        if (invitation.status === 'revoked') continue;
        const record = recordOf(invitation);
        if (record.state === 'waiting') waiting.push(record);
      }
      const pages = Math.max(1, Math.ceil(waiting.length / ONBOARDING_PAGE));
      const page = Math.min(Math.max(1, Math.trunc(input.page ?? 1) || 1), pages);
      return { records: waiting.slice((page - 1) * ONBOARDING_PAGE, page * ONBOARDING_PAGE), total: waiting.length, page, pages };
    },

    /**
     * `onboarding <customer>`: one record, found by the customer's or company's name, the email,
     * or the invitation's id (a button); the newest sent invitation that matches.
     */
    onboardingOf(actor: Actor, ref: string): OnboardingRecord {
      requireRole(ctx, actor);
      const wanted = typeof ref === 'string' ? ref.trim().toLowerCase() : '';
      if (!wanted) throw new NotFound('onboarding.notFound', { name: '' });
      const byId = store.get('invitations', ref.trim());
      if (wasSent(byId)) return recordOf(byId);
      let partial: Readonly<Invitation> | undefined;
      for (const invitation of sent()) {
        const customer = invitation.customerId ? store.get('customers', invitation.customerId)?.companyName : undefined;
        const names = [customer, invitation.companyName, invitation.customerEmail]
          .filter((n): n is string => Boolean(n))
          .map((n) => n.toLowerCase());
        if (names.includes(wanted)) return recordOf(invitation);
        if (!partial && names.some((n) => n.includes(wanted))) partial = invitation;
      }
      if (partial) return recordOf(partial);
      throw new NotFound('onboarding.notFound', { name: ref.trim().slice(0, 80) });
    },
  };
}
