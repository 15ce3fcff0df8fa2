/** The Teams surface: `POST /api/messages` on botbuilder's CloudAdapter, and proactive posts. */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, StatusCodes, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import { ConfidentialClientApplication } from '@azure/msal-node';
import {
  AuthenticationError,
  MsalServiceClientCredentialsFactory,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { App } from '../app.js';
import type { Config, TeamsConfig } from '../config.js';
import { tokenAuthority, toBotbuilderSettings } from '../doctor/bot-framework-cloud.js';
import type { Logger } from '../logger.js';
import type { Surface } from '../server/server.js';
import { ConversationGone, type Dispatcher } from '../notifications/dispatcher.js';
import { CspTeamsBot } from './teams-bot.js';
import { activitySizeGuard, invokeAnswerJson } from './size-guard.js';
import { appIdOf, cachedConnectorFactory, ClientCache } from './client-cache.js';
import { warmUpTeams } from './warm-up.js';
import { toAttachment } from '../../render/teams/adaptive.js';
import { toNotificationView, toMessageView } from '../../views/index.js';
import { toLocale } from '../../i18n/catalogue.js';
import type { Response } from 'restify';
import { readBody } from '../server/body.js';
import { isLoopbackUrl, localOnly } from './local-mode.js';
import { inTurn, type TurnKind } from '../telemetry.js';

export { isLoopbackAddress, isLoopbackUrl } from './local-mode.js';

/**
 * The bot's own token, from MSAL told that the configured login host is a known authority: MSAL
 * otherwise asks Microsoft's instance discovery about any host it does not know, which would
 * leave for login.microsoftonline.com however the login endpoint is configured. A managed
 * identity has no secret: botbuilder's own factory handles it.
 */
function botCredentials(teams: TeamsConfig): MsalServiceClientCredentialsFactory | undefined {
  if (teams.appType === 'UserAssignedMSI') return undefined;
  const authority = tokenAuthority(teams.cloud, teams.appType, teams.tenantId);
  const client = new ConfidentialClientApplication({
    auth: { clientId: teams.appId, clientSecret: teams.appPassword, authority, knownAuthorities: [new URL(authority).host] },
  });
  // botframework-connector types this with its own older copy of msal-node; it calls only
  // acquireTokenByClientCredential({ scopes, skipCache }), which the project's msal-node keeps.
  return new MsalServiceClientCredentialsFactory(teams.appId, client as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]);
}

/**
 * botbuilder lets a token with a bad signature, or one that has expired, escape as the JWT
 * library's own error, which CloudAdapter answers with 500. Every token problem is a 401.
 * The connector and user-token clients a turn gets are kept for the next turns (client-cache.ts).
 */
class StrictAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new ClientCache<ConnectorClient>();
  private readonly tokenClients = new ClientCache<UserTokenClient>();

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      const result = await super.authenticateRequest(activity, authHeader);
      const factory = result.connectorFactory;
      return factory ? { ...result, connectorFactory: cachedConnectorFactory(factory, appIdOf(result.claimsIdentity), this.connectors) } : result;
    } catch (error) {
      const name = (error as Error | undefined)?.name;
      if (name === 'JsonWebTokenError' || name === 'TokenExpiredError' || name === 'NotBeforeError') {
        throw new AuthenticationError(`Unauthorized: ${(error as Error).message}`, StatusCodes.UNAUTHORIZED);
      }
      throw error;
    }
  }

  override createUserTokenClient(claims: ClaimsIdentity): Promise<UserTokenClient> {
    return this.tokenClients.get(appIdOf(claims), () => super.createUserTokenClient(claims));
  }
}

/** A card click (Universal Action, or Action.Submit from an older client), a typed message, or anything else. */
function turnKind(activity: Activity): TurnKind {
  const value = activity.value as { verb?: unknown } | undefined;
  if (activity.type === 'invoke' || (activity.type === 'message' && typeof value?.verb === 'string')) return 'action';
  return activity.type === 'message' ? 'message' : 'event';
}

export function createTeamsSurface(config: Pick<Config, 'teams' | 'localMode'>, app: App, dispatcher: Dispatcher, logger: Logger): Surface {
  const teams = config.teams;
  const auth = new StrictAuthentication(
    teams
      ? {
          MicrosoftAppId: teams.appId,
          MicrosoftAppPassword: teams.appPassword,
          MicrosoftAppType: teams.appType,
          MicrosoftAppTenantId: teams.tenantId,
          ...toBotbuilderSettings(teams.cloud),
        }
      : {},
    teams ? botCredentials(teams) : undefined,
  );
  const adapter = new CloudAdapter(auth);
  // Every activity the bot sends, in a turn or proactively, stays within what Teams accepts.
  adapter.use(activitySizeGuard(logger));
  const appId = teams?.appId ?? '';
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, activityType: context.activity.type }, 'Teams turn failed');
    if (context.activity.type !== 'message') return;
    const view = toMessageView({ locale: toLocale(context.activity.locale) }, 'error', 'error.unexpected');
    await context
      .sendActivity({ attachments: [toAttachment(view)] })
      .catch((err: unknown) => logger.warn({ err }, 'could not tell the person that the turn failed; they were left without an answer'));
  };
  const bot = new CspTeamsBot(app, logger);

  /** A proactive turn whose failure reaches the caller (the adapter would otherwise swallow it). */
  const post = async (reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => {
    let failure: unknown = null;
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failure = error;
      }
    });
    if (failure) throw failure;
  };

  // Messages sent outside a turn: the dispatcher calls these, and retries them when they throw,
  // except when Teams says the conversation is gone for good.
  dispatcher.register('teams', {
    async post(destination, event) {
      if (!destination.reference) throw new Error('no conversation reference recorded for this conversation');
      const view = toNotificationView({ locale: destination.locale }, event);
      await post(destination.reference as Partial<ConversationReference>, async (context) => {
        await context.sendActivity({ attachments: [toAttachment(view)] });
      }).catch(rethrowGone);
    },
    async update(card, event) {
      const view = toNotificationView({ locale: card.locale }, event);
      await post(card.reference as Partial<ConversationReference>, async (context) => {
        await context.updateActivity({ type: 'message', id: card.activityId, attachments: [toAttachment(view)] });
      }).catch(rethrowGone);
    },
  });

  return {
    name: 'teams',
    warmUp: () => warmUpTeams(adapter, appId),
    register(server) {
      // Local mode checks who is calling before anything is read; then the body, bounded, JSON only.
      const guards = config.localMode ? [localOnly] : [];
      server.post('/api/messages', ...guards, readBody({ types: ['application/json'], limit: 512 * 1024 }), async (req, res) => {
        const activity = req.body as { type?: unknown; serviceUrl?: unknown } | undefined;
        // botbuilder answers an activity without a type with a 500; it is the caller's mistake.
        if (!activity || typeof activity !== 'object' || typeof activity.type !== 'string' || !activity.type) {
          res.send(400, { error: 'The body must be a Bot Framework activity with a type.' });
          return;
        }
        if (config.localMode && !isLoopbackUrl(activity.serviceUrl)) {
          res.send(403, { error: 'In local mode (no MicrosoftAppId) only a loopback http(s) serviceUrl is accepted.' });
          return;
        }
        await adapter.process(req, answerOnce(res), (context) => inTurn('teams', turnKind(context.activity), () => bot.run(context)));
      });
    },
  };
}

/**
 * restify's response as botbuilder writes to it, except that the answer to a card action is
 * written with the JSON the size guard already made of it, instead of restify serialising the
 * card again. Anything else (no body, an error text, an answer the guard replaced) goes through
 * restify's own formatting as before.
 */
function answerOnce(res: Response): Pick<Response, 'socket' | 'status' | 'header' | 'end'> & { send(body?: unknown): unknown } {
  return {
    socket: res.socket,
    status: (code: number) => res.status(code),
    header: (name: string, value?: unknown) => res.header(name, value),
    end: () => res.end(),
    send(body?: unknown) {
      const json = invokeAnswerJson(body);
      if (json === undefined) return res.send(body);
      return res.sendRaw(json, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(json)) });
    },
  };
}

/**
 * The connector answers 403 when the bot was removed from the conversation (or blocked in it) and
 * 404 when the conversation, or the message to update, no longer exists: posting again will not
 * help. Anything else (throttling, 5xx, a network error) is worth another try.
 */
function rethrowGone(error: unknown): never {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (status === 403) throw new ConversationGone('removed', 'Teams answered 403');
  if (status === 404) throw new ConversationGone('notFound', 'Teams answered 404');
  throw error;
}
