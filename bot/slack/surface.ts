/**
 * The Slack surface: Bolt's HTTPReceiver on `POST /slack/events` (events, `/csp`, interactivity)
 * on the restify server's port. Bolt checks every signature on the raw body, so these requests
 * are handed over in `server.pre`, before restify reads anything.
 *
 * Everything a user does becomes a `Turn` for the shared conversation handler; the views that
 * come back are rendered with `render/slack/blocks.ts`. Requests are acknowledged first and
 * worked after, except modal submissions, whose field errors must travel in the acknowledgement.
 * The listeners live in listeners/ (commands, actions, modals, home), replies in replies.ts,
 * people in profiles.ts.
 */
import { App as BoltApp, HTTPReceiver, LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { App } from '../app.js';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Surface } from '../server/server.js';
import type { Dispatcher } from '../notifications/dispatcher.js';
import { rethrowGone } from './gone.js';
import { toNotificationView } from '../../views/index.js';
import { toSlackMessage } from '../../render/slack/blocks.js';
import { claimInTime, createReplayGuard, refuseFutureTimestamp, refuseOversizedBody, requestSignature, watchSlackIdentity } from './guards.js';
import { createPeople, trimOldest } from './profiles.js';
import { createReplies } from './replies.js';
import type { SlackContext } from './listeners/context.js';
import { registerCommands } from './listeners/commands.js';
import { createFileDownloads } from './shared-files.js';
import { registerActions } from './listeners/actions.js';
import { registerModals } from './listeners/modals.js';
import { registerHome } from './listeners/home.js';
import { inTurn, slackFetch, type TurnKind } from '../telemetry.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's payloads are a few KB; Bolt would buffer up to 4 MB. */
const BODY_LIMIT = 1024 * 1024;
const SEEN_EVENTS_TTL_MS = 60 * 60_000;

/** Bolt logs through pino, at the bot's level. */
function boltLogger(logger: Logger): BoltLogger {
  const line = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => logger.debug({ surface: 'slack' }, line(msg)),
    info: (...msg) => logger.info({ surface: 'slack' }, line(msg)),
    warn: (...msg) => logger.warn({ surface: 'slack' }, line(msg)),
    error: (...msg) => logger.error({ surface: 'slack' }, line(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

export interface SlackSurfaceOptions {
  /**
   * Requests being worked on after their acknowledgement. Past it, a command is answered at once
   * with "busy, try again" instead of joining a queue nobody would see the end of.
   */
  maxInFlight?: number;
  /** First delay before auth.test is tried again when Slack could not be reached (doubles up to 5 minutes). */
  identityRetryMs?: number;
}

/** A slash command, a message (direct or a mention), a button, a modal submitted, or anything else. */
function turnKind(body: unknown): TurnKind {
  const { command, type, event } = body as { command?: unknown; type?: unknown; event?: { type?: unknown } };
  if (typeof command === 'string') return 'command';
  if (type === 'block_actions') return 'action';
  if (type === 'view_submission') return 'view_submission';
  return type === 'event_callback' && (event?.type === 'message' || event?.type === 'app_mention') ? 'message' : 'event';
}

export function createSlackSurface(
  slack: SlackConfig,
  app: App,
  dispatcher: Dispatcher,
  logger: Logger,
  options: SlackSurfaceOptions = {},
): Surface {
  const maxInFlight = options.maxInFlight ?? 200;
  const receiver = new HTTPReceiver({
    signingSecret: slack.signingSecret,
    endpoints: [SLACK_EVENTS_PATH],
    processBeforeResponse: false,
    logger: boltLogger(logger),
    bodyLimit: BODY_LIMIT,
    customPropertiesExtractor: requestSignature,
  });
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl.replace(/\/?$/, '/') } : {}),
    // Replies should fail fast; notifications have their own durable retries.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
    logger: boltLogger(logger),
    // Each Web API call a client span (when tracing is on).
    fetch: slackFetch(globalThis.fetch),
  };
  // Our own client with the token, and an authorize of our own: given the token, Bolt would call
  // auth.test in its constructor and end the process when Slack is unreachable.
  const client = new webApi.WebClient(slack.botToken, clientOptions);
  const identity = watchSlackIdentity(client, slack.botToken, logger, { retryMs: options.identityRetryMs });
  const bolt = new BoltApp({
    authorize: identity.authorize,
    receiver,
    logger: boltLogger(logger),
    // No conversation state is kept in Bolt (the store is ours); its default in-memory store
    // builds an Error with a stack for every request that has none, a cost on every turn.
    convoStore: false,
    clientOptions,
  });
  const people = createPeople(client, app, logger);
  const replies = createReplies(client, app, logger, maxInFlight, people.knownLocale);

  // Every request from its first middleware to the end of its listener (work after the ack
  // included), so `idle` can wait for all of it: tests, and a shutdown that finishes what it acked.
  const handling = new Set<Promise<void>>();
  bolt.use(async ({ next }) => {
    const work = next();
    handling.add(work);
    try {
      await work;
    } finally {
      handling.delete(work);
    }
  });

  // --- Slack's retries: one event acts once -------------------------------------------------------

  // The shared checks are skipped while the database is known to be unreachable, and given up on
  // when it does not answer in time: either way the request is checked on this replica instead.
  const reachable = () => app.store.healthy;
  bolt.use(createReplayGuard(logger, () => app.clock.now().getTime(), app.cluster, { reachable }));
  const seenEvents = new Map<string, number>();
  bolt.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    // Several replicas: Slack's retry may reach another one, so the event ids seen are shared.
    const claimed = typeof eventId === 'string' && app.cluster ? await claimInTime(app.cluster, `slack-event:${eventId}`, SEEN_EVENTS_TTL_MS, { reachable }) : null;
    if (claimed === false) {
      logger.info({ eventId }, 'Slack event delivered again; already handled');
      return;
    }
    if (claimed === null && typeof eventId === 'string') {
      const seenAt = seenEvents.get(eventId);
      if (seenAt !== undefined && app.clock.now().getTime() - seenAt < SEEN_EVENTS_TTL_MS) {
        logger.info({ eventId }, 'Slack event delivered again; already handled');
        return;
      }
      seenEvents.set(eventId, app.clock.now().getTime());
      trimOldest(seenEvents);
    }
    await next();
  });

  // One span and one count per request that passed the guards above, its work after the ack included.
  bolt.use(({ body, next }) => inTurn('slack', turnKind(body), next));

  // Registered in this order: a catch-all in modals.ts acknowledges what the others do not handle.
  const files = createFileDownloads(slack);
  const context: SlackContext = { bolt, client, app, logger, people, replies, files };
  registerCommands(context);
  registerActions(context);
  registerModals(context);
  registerHome(context);

  bolt.error(async (error) => {
    logger.error({ err: error }, 'Slack request failed');
  });

  // --- notifications -----------------------------------------------------------------------------------------

  // Messages sent outside a turn: the dispatcher calls these, and retries them when they throw,
  // except when Slack says the channel is gone for good.
  dispatcher.register('slack', {
    async post(destination, event) {
      await client.chat
        .postMessage({ channel: destination.conversationId, ...toSlackMessage(toNotificationView({ locale: destination.locale }, event)) })
        .catch(rethrowGone);
    },
    async update(card, event) {
      await client.chat
        .update({
          channel: card.channel,
          ts: card.ts,
          ...toSlackMessage(toNotificationView({ locale: card.locale }, event)),
        })
        .catch(rethrowGone);
    },
  });

  return {
    name: 'slack',
    close: async () => identity.stop(),
    async idle() {
      while (handling.size > 0) await Promise.allSettled([...handling]);
      await replies.idle();
    },
    register(server) {
      server.pre((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== SLACK_EVENTS_PATH) return next();
        if (refuseFutureTimestamp(req, res) || refuseOversizedBody(req, res, BODY_LIMIT)) return undefined;
        try {
          receiver.requestListener(req, res);
        } catch {
          // Bolt only serves POST here.
          res.statusCode = 405;
          res.setHeader('allow', 'POST');
          res.end();
        }
        return undefined;
      });
    },
  };
}
