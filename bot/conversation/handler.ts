/**
 * One conversation logic for every chat surface: text or a card action in, views out.
 * Surfaces turn their payloads into a `Turn` and render the views; rules stay in the service.
 */
import type { Locale } from '../../store/schema.js';
import { bulkCommand, invitationArgs, parseCommand, usageOf, type CommandName } from '../commands/parse.js';
import { invitee } from '../service/invitations.js';
import { isServiceError, type Service } from '../service/index.js';
import { StoreUnavailableError } from '../../store/store.js';
import {
  roleName,
  toAttestationView,
  toAuditView,
  toCustomerDetailsView,
  toCustomerListView,
  toDraftView,
  toDeviceCodeView,
  toEndAccessConfirmView,
  toStatusView,
  toHelpView,
  toHomeView,
  toWelcomeView,
  toInvitationsView,
  toMessageView,
  toProviderPickerView,
  toProvidersView,
  toRevokedView,
  toNotificationsView,
  toPartnerSetupView,
  toOnboardingView,
  toOnboardingRecordView,
  toGapsView,
  languageName,
  toExportFileView,
  toExportLinkView,
  type HomeView,
  type OutcomeView,
  type View,
  type Viewer,
} from '../../views/index.js';
import { noteFailure, noteRefusal } from '../telemetry.js';
import { answeringIn, languageOfAction, withLanguage } from './language.js';
import { createActionRouter } from './actions.js';
import { createBulkAnswers } from './bulk.js';
import { digestCommand } from './digest.js';
import type { ActionResult, Logger, Turn } from './turn.js';

export type { ConversationRef, Turn, ActionResult, Logger } from './turn.js';

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

  const bulk = createBulkAnswers({ service, viewerOf, errorView });

  const answerAction = createActionRouter({
    bulk,
    service,
    logger,
    viewerOf,
    errorView,
    identify,
    listPage,
    runCommand: (turn, name, args) => runCommand(turn, name, args),
  });

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
          return [
            toDraftView(viewer, await service.draftInvitation(actor, { acquisition: 'own-marketing', ...who, locale: actor.locale })),
          ];
        }
        const named = wanted.provider ? service.providersToInviteWith(actor, wanted.provider) : [];
        if (named.length === 1) {
          const invitation = await service.draftInvitation(actor, {
            acquisition: 'indirect-provider',
            providerId: named[0]!.id,
            ...who,
            locale: actor.locale,
          });
          return [toDraftView(viewer, invitation)];
        }
        const providers = service.providersToInviteWith(actor);
        if (providers.length === 0) return [toMessageView(viewer, 'info', 'provider.noneYet')];
        const picker = toProviderPickerView(viewer, named.length > 1 ? named : providers, who);
        return wanted.provider && named.length === 0
          ? [toMessageView(viewer, 'info', 'provider.unknownNamed', { name: wanted.provider }), picker]
          : [picker];
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
      case 'inviteCustomers':
        // Typed with lines, the text is read before the command's length check (handleText); from a button, the form.
        return bulk.fromText(turn, '');
      case 'digestHere':
      case 'digestOff':
      case 'digest':
        return digestCommand(service, turn, viewer, name);
      case 'partnerName': {
        const { name, previous } = await service.namePartner(actor, { name: args });
        return [
          toMessageView(viewer, 'success', previous && previous !== name ? 'ui.partner.renamed' : 'ui.partner.named', {
            name,
            previous: previous ?? '',
          }),
        ];
      }
      case 'exportCustomers':
      case 'exportAudit': {
        const kind = name === 'exportCustomers' ? 'customers' : 'audit';
        // Teams takes no file from a bot in a chat: a one-time link instead. Slack and the terminal get the file.
        return turn.conversation.platform === 'teams'
          ? [toExportLinkView(viewer, await service.exportLink(actor, { kind }))]
          : [toExportFileView(viewer, await service.exportFile(actor, { kind }))];
      }
      case 'gaps':
        return [toGapsView(viewer, service.gaps(actor))];
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
      const lines = bulkCommand(text);
      if (lines) {
        const turn = answeringIn(asTyped, service.languageOf(asTyped.actor), lines.language);
        await identify(turn);
        return withLanguage(await bulk.fromText(turn, lines.lines), turn.actor.locale);
      }
      const parsed = parseCommand(text);
      const spoken = parsed.kind === 'tooLong' ? null : parsed.language;
      const turn = answeringIn(asTyped, service.languageOf(asTyped.actor), spoken);
      return withLanguage(await answerText(turn, parsed, spoken), turn.actor.locale);
    },

    /** A CSV file sent in the chat for a bulk invitation (`bytes` null: it was over the size cap). */
    async handleBulkFile(asSent: Turn, file: { name: string; bytes: Uint8Array | null }, spoken: Locale | null = null): Promise<View[]> {
      const turn = answeringIn(asSent, service.languageOf(asSent.actor), spoken);
      await identify(turn);
      return withLanguage(await bulk.fromFile(turn, file), turn.actor.locale);
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
}

export type Conversation = ReturnType<typeof createConversation>;
export type { Locale };
