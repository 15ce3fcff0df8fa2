/**
 * One conversation logic for every chat surface: text or a card action in, views out.
 * Surfaces turn their payloads into a `Turn` and render the views; rules stay in the service.
 */
import type { Locale } from '../../store/schema.js';
import { invitationArgs, isCommandName, parseCommand, usageOf, type CommandName } from '../commands/parse.js';
import { invitee } from '../service/invitations.js';
import { isServiceError, type Service } from '../service/index.js';
import type { Actor } from '../service/actor.js';
import { StoreUnavailableError } from '../../store/store.js';
import {
  isSectionKey,
  roleName,
  toAttestationView,
  toAuditView,
  toCustomerDetailsView,
  toCustomerListView,
  toDraftView,
  toDeviceCodeView,
  toEndAccessConfirmView,
  toEndAccessOutcomeView,
  toStatusView,
  toHelpView,
  toHomeView,
  toWelcomeView,
  toInvitationsView,
  toMessageView,
  toProviderPickerView,
  toProvidersView,
  toRemovalOutcomeView,
  toRevokedView,
  toSentView,
  toSnoozedView,
  toNotificationsView,
  toPartnerSetupView,
  toOnboardingView,
  toOnboardingRecordView,
  languageName,
  type HomeView,
  type OutcomeView,
  type View,
  type Viewer,
} from '../../views/index.js';
import { isVerb } from '../../views/verbs.js';
import { noteFailure, noteRefusal } from '../telemetry.js';
import { answeringIn, languageOfAction, withLanguage } from './language.js';

export interface ConversationRef {
  platform: 'teams' | 'slack' | 'cli';
  conversationId: string;
  name: string;
  /** What the platform needs to post here later (a Teams conversation reference). */
  reference?: Record<string, unknown> | null;
  /** True for a one-to-one chat with the person acting (Teams `personal`, a Slack DM): no one else reads it. */
  personal?: boolean;
}

export interface Turn {
  actor: Actor;
  conversation: ConversationRef;
  timeZone?: string;
  /** The locale the person's client reported, when the turn answers in another (see language.ts). */
  clientLocale?: Locale;
}

/** `replace`: the views replace the card the action came from; `reply`: they are new messages. */
export interface ActionResult {
  mode: 'replace' | 'reply';
  views: View[];
}

export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** The invitations list shows the newest 20; `revoke invitation <n>` numbers them the same way. */
const INVITATIONS_SHOWN = 20;

export function createConversation(service: Service, logger: Logger) {
  const viewerOf = (turn: Turn): Viewer => {
    const me = service.whoami(turn.actor);
    return { locale: turn.actor.locale, timeZone: turn.timeZone, permissions: me.permissions, capabilities: service.capabilities() };
  };

  const errorView = (turn: Turn, error: unknown): View => {
    const viewer = viewerOf(turn);
    if (isServiceError(error)) {
      noteRefusal(error.key, error.code);
      // Nothing customer-facing is written before the company's name: whoever may set it is asked for it.
      if (error.key === 'partner.nameNeeded') return toPartnerSetupView(viewer);
      return toMessageView(viewer, 'error', error.key, error.params);
    }
    noteFailure();
    if (error instanceof StoreUnavailableError) return toMessageView(viewer, 'error', 'error.unavailable');
    logger.error({ err: error }, 'unexpected error in a conversation turn');
    return toMessageView(viewer, 'error', 'error.unexpected');
  };

  /** The person's role from the directory (cached there); a failure leaves them with what was known. */
  const identify = (turn: Turn) =>
    service.identify(turn.actor).catch((err: unknown) => logger.warn({ err }, 'could not identify the person'));

  const listPage = (turn: Turn, viewer: Viewer, query: string, page: number) =>
    toCustomerListView(viewer, service.listCustomers(turn.actor, { query, page }));

  /** `spoken`: the language the command was typed in (null for a button or a phrase both languages share). */
  async function runCommand(turn: Turn, name: CommandName, args: string, spoken: Locale | null = null): Promise<View[]> {
    const { actor } = turn;
    const viewer = viewerOf(turn);
    switch (name) {
      case 'help':
        return [toHelpView(viewer)];
      case 'invite':
      case 'inviteWithProvider': {
        // `invite customer [company] [email] [with provider <name>]`; the longer phrase names only the provider.
        const wanted = name === 'inviteWithProvider' ? { companyName: null, customerEmail: null, provider: args } : invitationArgs(args);
        const who = invitee(wanted);
        if (wanted.provider === null) {
          return [toDraftView(viewer, await service.draftInvitation(actor, { acquisition: 'own-marketing', ...who, locale: actor.locale }))];
        }
        const named = wanted.provider ? service.providersToInviteWith(actor, wanted.provider) : [];
        if (named.length === 1) {
          const invitation = await service.draftInvitation(actor, { acquisition: 'indirect-provider', providerId: named[0]!.id, ...who, locale: actor.locale });
          return [toDraftView(viewer, invitation)];
        }
        const providers = service.providersToInviteWith(actor);
        if (providers.length === 0) return [toMessageView(viewer, 'info', 'provider.noneYet')];
        const picker = toProviderPickerView(viewer, named.length > 1 ? named : providers, who);
        return wanted.provider && named.length === 0 ? [toMessageView(viewer, 'info', 'provider.unknownNamed', { name: wanted.provider }), picker] : [picker];
      }
      case 'listCustomers':
        return [listPage(turn, viewer, args, 1)];
      case 'customer':
        return [toCustomerDetailsView(viewer, await service.customerDetails(actor, args))];
      case 'removeRelationship':
        return [toAttestationView(viewer, await service.requestRemoval(actor, args))];
      case 'providers':
        return [toProvidersView(viewer, service.listProviders(actor))];
      case 'addProvider': {
        const provider = await service.addProvider(actor, { text: args });
        return [toMessageView(viewer, 'success', 'ui.providers.added', { name: provider.name })];
      }
      case 'invitations':
        return [
          toInvitationsView(
            viewer,
            service.listInvitations(actor, { limit: INVITATIONS_SHOWN, kind: 'sent' }),
            service.now(),
            service.listInvitations(actor, { limit: INVITATIONS_SHOWN, kind: 'drafts' }),
          ),
        ];
      case 'revokeInvitation': {
        const list = service.listInvitations(actor, { limit: INVITATIONS_SHOWN, kind: 'sent' });
        const index = Number(args) - 1;
        const target = Number.isInteger(index) && list[index] ? list[index]!.id : args;
        return [toRevokedView(viewer, await service.revokeInvitation(actor, target))];
      }
      case 'notifyHere': {
        const { platform, conversationId, name: convName, reference } = turn.conversation;
        if (platform === 'cli') return [toMessageView(viewer, 'info', 'notifications.noConversation')];
        await service.subscribeToNotifications(actor, { platform, conversationId, name: convName, reference: reference ?? null });
        return [toMessageView(viewer, 'success', 'ui.notify.on')];
      }
      case 'notifyOff': {
        const { platform, conversationId } = turn.conversation;
        if (platform === 'cli') return [toMessageView(viewer, 'info', 'notifications.noConversation')];
        const { removed } = await service.unsubscribeFromNotifications(actor, { platform, conversationId });
        return [toMessageView(viewer, 'success', removed ? 'ui.notify.off' : 'ui.notify.wasOff')];
      }
      case 'notifications':
        return [toNotificationsView(viewer, service.notificationHealth(actor))];
      case 'whoami': {
        const me = service.whoami(actor);
        return [
          toMessageView(viewer, 'info', 'ui.whoami', {
            name: me.displayName,
            principal: me.principal,
            role: roleName(actor.locale, me.role),
          }),
        ];
      }
      case 'grant': {
        const [role = '', principal = ''] = args.split(/\s+/);
        const grant = await service.grantRole(actor, { role, principal });
        return [toMessageView(viewer, 'success', 'ui.grant.done', { principal: grant.id, role: roleName(actor.locale, grant.role) })];
      }
      case 'revokeRole': {
        const revoked = await service.revokeRole(actor, { principal: args.trim() });
        return [
          toMessageView(viewer, 'success', 'ui.revokeRole.done', {
            principal: revoked.principal,
            role: roleName(actor.locale, revoked.role),
          }),
        ];
      }
      case 'audit':
        return [toAuditView(viewer, service.listAudit(actor))];
      case 'status':
        return [toStatusView(viewer, await service.directoryStatus(actor), service.partnerCenterState())];
      case 'connectPartnerCenter': {
        const { platform, conversationId, reference } = turn.conversation;
        // The outcome is posted where the sign-in started (the terminal has nowhere to post later).
        const where =
          platform === 'cli'
            ? null
            : { kind: 'conversation' as const, platform, conversationId, reference: reference ?? null, locale: actor.locale };
        // The terminal is one person at one keyboard; elsewhere the platform says whether others read along.
        const personal = platform === 'cli' || turn.conversation.personal === true;
        return [toDeviceCodeView(viewer, await service.connectPartnerCenter(actor, where, { personal }))];
      }
      case 'disconnectPartnerCenter': {
        const { wasConnected } = await service.disconnectPartnerCenter(actor);
        return [toMessageView(viewer, 'success', wasConnected ? 'ui.pc.disconnected' : 'ui.pc.notConnected')];
      }
      case 'refreshCustomers': {
        const refreshed = await service.refreshCustomers(actor);
        if (!refreshed) return [toMessageView(viewer, 'info', 'ui.customers.refreshEmbedded')];
        return [
          toMessageView(viewer, 'success', 'ui.customers.refreshed', { count: service.listCustomers(actor).total, added: refreshed.added }),
        ];
      }
      case 'endAdminAccess':
        return [toEndAccessConfirmView(viewer, service.adminAccessOf(actor, args))];
      case 'language': {
        if (!args.trim()) {
          const chosen = service.languageOf(actor);
          return [
            toMessageView(viewer, 'info', chosen ? 'ui.language.current' : 'ui.language.currentAuto', {
              language: chosen ? languageName(chosen, chosen) : '',
            }),
          ];
        }
        const { language } = await service.chooseLanguage(actor, { language: args });
        // The answer is already in the new language; back to automatic, in the one the command was typed in.
        const locale = language ?? spoken ?? turn.clientLocale ?? actor.locale;
        const now = { ...viewer, locale };
        return [
          language
            ? toMessageView(now, 'success', 'ui.language.set', { language: languageName(locale, language) })
            : toMessageView(now, 'success', 'ui.language.auto'),
        ];
      }
      case 'onboarding':
        return [
          args.trim()
            ? toOnboardingRecordView(viewer, service.onboardingOf(actor, args), service.now())
            : toOnboardingView(viewer, service.onboarding(actor), service.now()),
        ];
      case 'partnerName': {
        const { name, previous } = await service.namePartner(actor, { name: args });
        return [
          toMessageView(viewer, 'success', previous && previous !== name ? 'ui.partner.renamed' : 'ui.partner.named', {
            name,
            previous: previous ?? '',
          }),
        ];
      }
    }
  }

  return {
    /** The first message to someone (an installation, a first chat, the terminal): short, with the main buttons. */
    async welcome(asSent: Turn): Promise<OutcomeView> {
      const turn = answeringIn(asSent, service.languageOf(asSent.actor), null);
      await identify(turn);
      const view = toWelcomeView(viewerOf(turn), { role: service.whoami(turn.actor).role, partnerName: service.partner()?.name ?? null });
      return withLanguage(view, turn.actor.locale);
    },

    /** The App Home: the person's role, the figures, the main buttons. */
    async home(asSent: Turn): Promise<HomeView> {
      const turn = answeringIn(asSent, service.languageOf(asSent.actor), null);
      await identify(turn);
      return withLanguage(toHomeView(viewerOf(turn), service.summary(turn.actor)), turn.actor.locale);
    },

    /** Answers a typed message. */
    async handleText(asTyped: Turn, text: string): Promise<View[]> {
      const parsed = parseCommand(text);
      const spoken = parsed.kind === 'tooLong' ? null : parsed.language;
      const turn = answeringIn(asTyped, service.languageOf(asTyped.actor), spoken);
      return withLanguage(await answerText(turn, parsed, spoken), turn.actor.locale);
    },

    /**
     * Handles a card button. Nothing in `data` is trusted: ids go back to the service, which
     * re-checks role and state; a field problem re-renders the same card with the message.
     */
    async handleAction(asSent: Turn, verb: string, data: Record<string, unknown>): Promise<ActionResult> {
      const turn = answeringIn(asSent, service.languageOf(asSent.actor), languageOfAction(data));
      const result = await answerAction(turn, verb, data);
      return { ...result, views: withLanguage(result.views, turn.actor.locale) };
    },
  };

  async function answerText(turn: Turn, parsed: ReturnType<typeof parseCommand>, spoken: Locale | null): Promise<View[]> {
    await identify(turn);
    const viewer = viewerOf(turn);
    try {
      if (parsed.kind === 'tooLong')
        return [toMessageView(viewer, 'info', 'command.tooLong', { max: parsed.max.toLocaleString(viewer.locale) })];
      if (parsed.kind === 'unknown') {
        if (!parsed.text) return [toHelpView(viewer)];
        return parsed.suggestion
          ? [toMessageView(viewer, 'info', 'command.unknown', { text: parsed.text, suggestion: parsed.suggestion })]
          : [toMessageView(viewer, 'info', 'command.unknownNoSuggestion', { text: parsed.text })];
      }
      if (parsed.kind === 'missingArgs') {
        return [toMessageView(viewer, 'info', 'command.usage', { usage: usageOf(parsed.name, turn.actor.locale) })];
      }
      return await runCommand(turn, parsed.name, parsed.args, spoken);
    } catch (error) {
      return [errorView(turn, error)];
    }
  }

  async function answerAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<ActionResult> {
    await identify(turn);
    const { actor } = turn;
    const viewer = viewerOf(turn);
    const str = (key: string) =>
      typeof data[key] === 'string' ? (data[key] as string) : typeof data[key] === 'number' ? String(data[key]) : '';
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
          const given = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
          const invitee = { companyName: given('companyName'), customerEmail: given('customerEmail') };
          try {
            const sent = await service.markInvitationSent(actor, id, { subject: str('subject'), body: str('body'), acquisition, token: str('token'), ...invitee });
            return { mode: 'replace', views: [toSentView(viewer, sent)] };
          } catch (error) {
            // A field the person can fix: the same draft again, what they typed kept, the sentence beside the field.
            const field = isServiceError(error) ? (['body', 'companyName', 'customerEmail'] as const).find((f) => error.fields[f]) : undefined;
            if (!isServiceError(error) || !field) throw error;
            const key = error.fields[field]!;
            noteRefusal(key, error.code);
            const invitation = service.getInvitation(actor, id, str('token'));
            const kept = { subject: str('subject'), body: str('body'), acquisition: acquisition || undefined, ...invitee };
            const problem = field === 'body' ? { error: key } : { inviteeError: { on: field, key } };
            return { mode: 'replace', views: [toDraftView(viewer, invitation, { ...kept, ...problem })] };
          }
        }
        case 'invitation.language': {
          // The form's company and email ride along (Teams sends the inputs); the rest of the text is the bot's again.
          const given = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
          const input = { language: data.language, token: str('token'), companyName: given('companyName'), customerEmail: given('customerEmail') };
          return { mode: 'replace', views: [toDraftView(viewer, await service.rewriteDraft(actor, str('invitationId'), input))] };
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
          const pages = { users: Number(str('users')) || 1, subscriptions: Number(str('subscriptions')) || 1, licenses: Number(str('licenses')) || 1 };
          const open = str('open');
          const details = await service.customerDetails(actor, str('customerId'), pages);
          return { mode: 'replace', views: [toCustomerDetailsView(viewer, details, isSectionKey(open) ? open : undefined)] };
        }
        case 'onboarding.page':
          return { mode: 'replace', views: [toOnboardingView(viewer, service.onboarding(actor, { page: Number(str('page')) || 1 }), service.now())] };
        case 'onboarding.show':
          return { mode: 'reply', views: [toOnboardingRecordView(viewer, service.onboardingOf(actor, str('invitationId')), service.now())] };
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
          if (!retried.customerId) return { mode: 'reply', views: [toMessageView(viewer, 'info', 'ui.access.retried', { company: retried.companyName })] };
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
  }
}

/** The ids an action named, for the trail (strings only, bounded). */
const idsOf = (data: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(data)
      .filter(([key, value]) => /Id$/.test(key) && typeof value === 'string')
      .slice(0, 5)
      .map(([key, value]) => [key, (value as string).slice(0, 80)]),
  );

export type Conversation = ReturnType<typeof createConversation>;
export type { Locale };
