/**
 * The card actions: a verb and its data in, views out. Nothing in `data` is trusted: ids go back to
 * the service, which re-checks role and state; a field problem re-renders the same card with the
 * message. The typed half of the conversation is handler.ts.
 */
import type { CommandName } from '../commands/parse.js';
import { isServiceError, type Service } from '../service/index.js';
import {
  isSectionKey,
  toAttestationView,
  toCustomerDetailsView,
  toDraftView,
  toEndAccessOutcomeView,
  toMessageView,
  toNotificationsView,
  toOnboardingRecordView,
  toOnboardingView,
  toGapPageView,
  toRemovalOutcomeView,
  toRevokedView,
  toSentView,
  toSnoozedView,
  toAutoExtendedView,
  type View,
  type Viewer,
} from '../../views/index.js';
import { isCommandName } from '../commands/parse.js';
import { isVerb } from '../../views/verbs.js';
import { noteRefusal } from '../telemetry.js';
import type { ActionResult, Logger, Turn } from './turn.js';
import type { createBulkAnswers } from './bulk.js';

/** What a draft re-rendered after a refusal keeps of the form. */
type DraftEdits = Omit<NonNullable<Parameters<typeof toDraftView>[2]>, 'error' | 'inviteeError'>;

/** What the router shares with the typed half: the same viewer, refusal card, lookup and commands. */
export interface ActionRouterDeps {
  /** Bulk invitations: the form's button. */
  bulk: ReturnType<typeof createBulkAnswers>;
  service: Service;
  logger: Logger;
  viewerOf: (turn: Turn) => Viewer;
  errorView: (turn: Turn, error: unknown) => View;
  identify: (turn: Turn) => Promise<unknown>;
  listPage: (turn: Turn, viewer: Viewer, query: string, page: number) => View;
  runCommand: (turn: Turn, name: CommandName, args: string) => Promise<View[]>;
}

export function createActionRouter({ bulk, service, logger, viewerOf, errorView, identify, listPage, runCommand }: ActionRouterDeps) {
  return async function answerAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<ActionResult> {
    await identify(turn);
    const { actor } = turn;
    const viewer = viewerOf(turn);
    const str = (key: string) =>
      typeof data[key] === 'string' ? (data[key] as string) : typeof data[key] === 'number' ? String(data[key]) : '';
    /** A form's text input as sent; absent (undefined) when the form has no such input. */
    const given = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
    /**
     * A refusal about a field the person can fix: the same draft again, what they typed kept, the
     * sentence beside the field. Any other refusal is thrown on, to the refusal card.
     */
    const draftRefusedOnField = (error: unknown, id: string, kept: DraftEdits): View => {
      const field = isServiceError(error) ? (['body', 'companyName', 'customerEmail'] as const).find((f) => error.fields[f]) : undefined;
      if (!isServiceError(error) || !field) throw error;
      const key = error.fields[field]!;
      noteRefusal(key, error.code);
      const invitation = service.getInvitation(actor, id, str('token'));
      const problem = field === 'body' ? { error: key } : { inviteeError: { on: field, key } };
      return toDraftView(viewer, invitation, { ...kept, ...problem });
    };
    try {
      // A verb is whatever the client sent: only the known ones are routed.
      if (!isVerb(verb)) return { mode: 'reply', views: [toMessageView(viewer, 'error', 'error.badAction')] };
      switch (verb) {
        case 'command': {
          const name = str('command');
          return { mode: 'reply', views: await runCommand(turn, isCommandName(name) ? name : 'help', str('args')) };
        }
        case 'invitation.done': {
          const id = str('invitationId');
          // Draft cards posted before the input was renamed (still in Teams chats) send it as `channel`.
          const acquisition = str('acquisition') || str('channel');
          // Cards posted before the company and email inputs existed send neither: the draft keeps its own.
          const invitee = { companyName: given('companyName'), customerEmail: given('customerEmail') };
          try {
            const sent = await service.markInvitationSent(actor, id, {
              subject: str('subject'),
              body: str('body'),
              acquisition,
              token: str('token'),
              ...invitee,
              // Where Done was selected: where the reminders go when no card of the draft was posted (a Slack modal).
              conversation: turn.conversation,
            });
            return { mode: 'replace', views: [toSentView(viewer, sent)] };
          } catch (error) {
            const kept = { subject: str('subject'), body: str('body'), acquisition: acquisition || undefined, ...invitee };
            return { mode: 'replace', views: [draftRefusedOnField(error, id, kept)] };
          }
        }
        case 'invitation.language': {
          // The form's company and email ride along (Teams sends the inputs, the Slack modal its typed values);
          // the rest of the text is the bot's again. How the customer came stays as chosen on the form.
          const id = str('invitationId');
          const invitee = { companyName: given('companyName'), customerEmail: given('customerEmail') };
          const kept = { acquisition: str('acquisition') || undefined };
          try {
            const rewritten = await service.rewriteDraft(actor, id, { language: data.language, token: str('token'), ...invitee });
            return { mode: 'replace', views: [toDraftView(viewer, rewritten, kept)] };
          } catch (error) {
            return { mode: 'replace', views: [draftRefusedOnField(error, id, { ...kept, ...invitee })] };
          }
        }
        case 'invitation.open':
          return { mode: 'reply', views: [toDraftView(viewer, service.openDraft(actor, str('invitationId'), str('token')))] };
        case 'invitation.resend': {
          const resent = await service.resendInvitation(actor, str('invitationId'));
          const sent = toSentView(viewer, resent);
          return { mode: 'reply', views: resent.relinked ? [toMessageView(viewer, 'info', 'ui.resend.newLink'), sent] : [sent] };
        }
        case 'invitation.snooze': {
          const { until } = await service.snoozeReminder(actor, str('invitationId'));
          return { mode: 'reply', views: [toSnoozedView(viewer, service.getInvitation(actor, str('invitationId')), until)] };
        }
        case 'invitation.revoke':
          return { mode: 'replace', views: [toRevokedView(viewer, await service.revokeInvitation(actor, str('invitationId')))] };
        case 'invitation.draftWithProvider': {
          // The company and email typed with the command ride on the picker; the service checks them again.
          const invitation = await service.draftInvitation(actor, {
            acquisition: 'indirect-provider',
            providerId: str('providerId'),
            companyName: str('companyName') || null,
            customerEmail: str('customerEmail') || null,
            locale: actor.locale,
          });
          return { mode: 'replace', views: [toDraftView(viewer, invitation)] };
        }
        case 'customers.page':
        case 'customers.search':
          return {
            mode: 'replace',
            views: [listPage(turn, viewer, str('query'), verb === 'customers.search' ? 1 : Number(str('page')) || 1)],
          };
        case 'customer.show':
          return { mode: 'reply', views: [toCustomerDetailsView(viewer, await service.customerDetails(actor, str('customerId')))] };
        case 'customer.page': {
          // Another page of a list, or another section unfolded, in place of the details card it came from.
          const pages = {
            users: Number(str('users')) || 1,
            subscriptions: Number(str('subscriptions')) || 1,
            licenses: Number(str('licenses')) || 1,
          };
          const open = str('open');
          const details = await service.customerDetails(actor, str('customerId'), pages);
          return { mode: 'replace', views: [toCustomerDetailsView(viewer, details, isSectionKey(open) ? open : undefined)] };
        }
        case 'onboarding.page':
          return {
            mode: 'replace',
            views: [toOnboardingView(viewer, service.onboarding(actor, { page: Number(str('page')) || 1 }), service.now())],
          };
        case 'onboarding.show':
          return {
            mode: 'reply',
            views: [toOnboardingRecordView(viewer, service.onboardingOf(actor, str('invitationId')), service.now())],
          };
        case 'removal.request':
          return { mode: 'reply', views: [toAttestationView(viewer, await service.requestRemoval(actor, str('customerId')))] };
        case 'removal.open':
          return { mode: 'reply', views: [toAttestationView(viewer, service.openRemoval(actor, str('removalId')))] };
        case 'removal.confirm': {
          const attested = data.attest === true || data.attest === 'true';
          try {
            return {
              mode: 'replace',
              views: [toRemovalOutcomeView(viewer, await service.confirmRemoval(actor, str('removalId'), { attested }))],
            };
          } catch (error) {
            if (isServiceError(error) && error.fields.attest) {
              noteRefusal(error.fields.attest, error.code);
              const pending = service.getRemoval(actor, str('removalId'));
              return { mode: 'replace', views: [toAttestationView(viewer, pending, error.fields.attest)] };
            }
            throw error;
          }
        }
        case 'removal.cancel':
          return { mode: 'replace', views: [toRemovalOutcomeView(viewer, await service.cancelRemoval(actor, str('removalId')))] };
        case 'adminAccess.end':
          return { mode: 'replace', views: [toEndAccessOutcomeView(viewer, await service.endAdminAccess(actor, str('customerId')))] };
        case 'adminAccess.retry': {
          // Tried again now; the customer's details, as they are after that try.
          const retried = await service.retryAccess(actor, str('relationshipId'));
          if (!retried.customerId)
            return { mode: 'reply', views: [toMessageView(viewer, 'info', 'ui.access.retried', { company: retried.companyName })] };
          return { mode: 'reply', views: [toCustomerDetailsView(viewer, await service.customerDetails(actor, retried.customerId))] };
        }
        case 'adminAccess.keep': {
          const access = service.adminAccessOf(actor, str('customerId'));
          return { mode: 'replace', views: [toMessageView(viewer, 'info', 'ui.endAccess.kept', { company: access.companyName })] };
        }
        case 'subscription.remove': {
          const { name } = await service.removeNotificationSubscription(actor, str('subscriptionId'));
          return { mode: 'replace', views: [toNotificationsView(viewer, service.notificationHealth(actor), { name })] };
        }
        case 'gaps.page':
          return {
            mode: 'replace',
            views: [toGapPageView(viewer, service.gapPage(actor, { kind: data.kind, page: Number(str('page')) || 1 }))],
          };
        case 'gdap.autoExtend':
          // The notice (or the `gaps` row) becomes what happened; the service re-checks the id.
          return { mode: 'replace', views: [toAutoExtendedView(viewer, await service.autoExtendAdminAccess(actor, data.relationshipId))] };
        case 'bulk.start':
          return await bulk.fromForm(turn, typeof data.lines === 'string' ? data.lines : '');
        default: {
          const unrouted: never = verb; // every verb of the union is routed above
          return unrouted;
        }
      }
    } catch (error) {
      // Refused card actions are the ones a forged or replayed payload produces: keep a trail.
      if (isServiceError(error)) {
        logger.warn(
          {
            audit: 'action.refused',
            principal: `${actor.platform}:${actor.userId}`,
            verb,
            code: error.code,
            reason: error.key,
            ids: idsOf(data),
          },
          'card action refused',
        );
      }
      return { mode: 'reply', views: [errorView(turn, error)] };
    }
  };
}

/** The ids an action named, for the trail (strings only, bounded). */
const idsOf = (data: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(data)
      .filter(([key, value]) => /Id$/.test(key) && typeof value === 'string')
      .slice(0, 5)
      .map(([key, value]) => [key, (value as string).slice(0, 80)]),
  );
