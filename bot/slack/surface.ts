/**
 * The Slack surface: Bolt's HTTPReceiver on `POST /slack/events` (events, `/csp`, interactivity)
 * on the restify server's port. Bolt checks every signature on the raw body, so these requests
 * are handed over in `server.pre`, before restify reads anything.
 *
 * Everything a user does becomes a `Turn` for the shared conversation handler; the views that
 * come back are rendered with `blocks.ts`. Requests are acknowledged first and worked after,
 * except modal submissions, whose field errors must travel in the acknowledgement.
 */
import { App as BoltApp, HTTPReceiver, LogLevel, webApi, type AckFn, type BlockAction, type Logger as BoltLogger, type RespondFn, type ViewResponseAction, type ViewSubmitAction } from '@slack/bolt';
import type { App } from '../app.js';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Surface } from '../server/server.js';
import type { Dispatcher } from '../notifications/dispatcher.js';
import type { Turn } from '../conversation/handler.js';
import { t, toLocale } from '../i18n/catalogue.js';
import { toAcceptedView, toHomeView, type View } from '../../cards/views.js';
import type { Locale } from '../../store/schema.js';
import {
  CALLBACK,
  INPUT,
  decodeAction,
  toAttestationModal,
  toDraftModal,
  toHomeTab,
  toNoticeModal,
  toSlackMessage,
  type ModalMeta,
  type SlackMessage,
} from './blocks.js';
import { createReplayGuard, refuseFutureTimestamp, requestSignature, watchSlackIdentity } from './guards.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack wants an answer within 3 s; a submission whose work takes longer is acknowledged first. */
const ACK_BUDGET_MS = 2_000;
const PROFILE_TTL_MS = 60 * 60_000;
const SEEN_EVENTS_TTL_MS = 60 * 60_000;
const MAX_CACHED = 10_000;

interface Profile {
  name: string;
  locale: Locale;
  tz?: string;
  expires: number;
}

/** Where replies go: the channel, the message being acted on, and what Slack gave us to answer with. */
interface Place {
  channel: string;
  userId: string;
  ts?: string;
  threadTs?: string;
  ephemeral?: boolean;
  triggerId?: string;
  respond?: RespondFn;
}

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

/** Errors after which a reply can still reach the user through the command's response_url. */
const cannotPostHere = (error: unknown) =>
  ['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action'].includes((error as { data?: { error?: string } }).data?.error ?? '');

/**
 * A message with its blocks already in the JSON string that Slack's form field carries. Given
 * objects, the Web API client walks and serialises them once more for a debug log line that it
 * builds on every call, whatever the log level: for a list, a sixth of the turn.
 */
const serialised = (message: SlackMessage) => ({ text: message.text, blocks: JSON.stringify(message.blocks) as unknown as SlackMessage['blocks'] });

/** Drops the oldest entry of a cache past its limit (Maps keep insertion order). */
const trimOldest = <V>(map: Map<string, V>) => {
  if (map.size > MAX_CACHED) map.delete(map.keys().next().value!);
};

export interface SlackSurfaceOptions {
  /**
   * Requests being worked on after their acknowledgement. Past it, a command is answered at once
   * with "busy, try again" instead of joining a queue nobody would see the end of.
   */
  maxInFlight?: number;
  /** First delay before auth.test is tried again when Slack could not be reached (doubles up to 5 minutes). */
  identityRetryMs?: number;
}

export function createSlackSurface(slack: SlackConfig, app: App, dispatcher: Dispatcher, logger: Logger, options: SlackSurfaceOptions = {}): Surface {
  const maxInFlight = options.maxInFlight ?? 200;
  let inFlight = 0;
  const receiver = new HTTPReceiver({
    signingSecret: slack.signingSecret,
    endpoints: [SLACK_EVENTS_PATH],
    processBeforeResponse: false,
    logger: boltLogger(logger),
    // Slack's payloads are a few KB; Bolt would buffer up to 4 MB.
    bodyLimit: 1024 * 1024,
    customPropertiesExtractor: requestSignature,
  });
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl.replace(/\/?$/, '/') } : {}),
    // Replies should fail fast; notifications have their own durable retries.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
    logger: boltLogger(logger),
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
  const { conversation, service } = app;

  // --- who is acting ---------------------------------------------------------------------------

  const profiles = new Map<string, Profile>();
  async function profile(userId: string, fallbackName: string): Promise<Profile> {
    const cached = profiles.get(userId);
    const now = app.clock.now().getTime();
    if (cached && cached.expires > now) return cached;
    let fresh: Profile;
    try {
      const { user } = await client.users.info({ user: userId, include_locale: true });
      const name = user?.profile?.display_name || user?.real_name || user?.name || fallbackName || userId;
      fresh = { name, locale: toLocale(user?.locale), tz: user?.tz, expires: now + PROFILE_TTL_MS };
    } catch (err) {
      logger.warn({ err, userId }, 'users.info failed; answering in English for now');
      fresh = { name: fallbackName || userId, locale: 'en', expires: now + 60_000 };
    }
    profiles.delete(userId);
    profiles.set(userId, fresh);
    trimOldest(profiles);
    return fresh;
  }

  async function turnFor(userId: string, channel: string, channelName: string, fallbackName: string): Promise<Turn> {
    const me = await profile(userId, fallbackName);
    return {
      actor: { platform: 'slack', userId, displayName: me.name, locale: me.locale },
      conversation: { platform: 'slack', conversationId: channel, name: channelName ? `#${channelName}` : channel, reference: { channel } },
      timeZone: me.tz,
    };
  }

  // --- replies ----------------------------------------------------------------------------------

  /** A posted draft or sent message is remembered, so the acceptance can update it in place. */
  async function remember(turn: Turn, view: View, channel: string, ts: string | undefined): Promise<void> {
    if (!ts || (view.kind !== 'draft' && view.kind !== 'sent')) return;
    await service
      .recordDraftMessage(turn.actor, view.invitationId, { platform: 'slack', channel, ts, locale: turn.actor.locale })
      .catch((err: unknown) => logger.warn({ err }, 'could not record where the invitation message was posted'));
  }

  async function post(turn: Turn, place: Place, view: View): Promise<void> {
    const message = toSlackMessage(view);
    try {
      const result = await client.chat.postMessage({ channel: place.channel, ...(place.threadTs ? { thread_ts: place.threadTs } : {}), ...serialised(message) });
      await remember(turn, view, result.channel ?? place.channel, result.ts);
    } catch (error) {
      if (!place.respond || !cannotPostHere(error)) throw error;
      // The bot is not in this channel: answer the person privately, and say how to let it post here.
      const hint = { type: 'context', elements: [{ type: 'mrkdwn', text: t(turn.actor.locale, 'ui.slack.notMember') }] };
      await place.respond({ response_type: 'ephemeral', text: message.text, blocks: [...message.blocks, hint] });
    }
  }

  async function update(turn: Turn, place: Place & { ts: string }, view: View): Promise<void> {
    const message = toSlackMessage(view);
    if (place.ephemeral && place.respond) {
      await place.respond({ replace_original: true, ...message });
      return;
    }
    await client.chat.update({ channel: place.channel, ts: place.ts, ...serialised(message) });
    await remember(turn, view, place.channel, place.ts);
  }

  /** Opens the modal a draft or attestation view asks for; false when Slack refuses (an old trigger). */
  async function openModal(place: Place, view: View): Promise<boolean> {
    if (!place.triggerId || (view.kind !== 'draft' && view.kind !== 'attestation')) return false;
    const meta: ModalMeta = { channel: place.channel, ...(place.ts ? { ts: place.ts } : {}) };
    try {
      await client.views.open({ trigger_id: place.triggerId, view: view.kind === 'draft' ? toDraftModal(view, meta) : toAttestationModal(view, meta) });
      place.triggerId = undefined; // a trigger opens one modal
      return true;
    } catch (err) {
      logger.warn({ err }, 'views.open failed; posting the form as a message instead');
      return false;
    }
  }

  async function deliver(turn: Turn, place: Place, views: View[]): Promise<void> {
    for (const view of views) {
      if (await openModal(place, view)) continue;
      await post(turn, place, view);
    }
  }

  /** Work after the acknowledgement: a failure is logged and the person told, never silent. */
  async function afterAck(place: Place, locale: Locale | undefined, work: () => Promise<void>): Promise<void> {
    inFlight++;
    try {
      await work();
    } catch (err) {
      logger.error({ err }, 'Slack request failed after it was acknowledged');
      const text = t(locale ?? 'en', 'error.unexpected');
      await client.chat.postEphemeral({ channel: place.channel, user: place.userId, text }).catch(() => {});
    } finally {
      inFlight--;
    }
  }

  /** The person's language if we know it already (no call to Slack when we are overloaded). */
  const knownLocale = (userId: string): Locale => profiles.get(userId)?.locale ?? 'en';
  const overloaded = () => inFlight >= maxInFlight;

  // --- Slack's retries: one event acts once -------------------------------------------------------

  bolt.use(createReplayGuard(logger));
  const seenEvents = new Map<string, number>();
  bolt.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      const seenAt = seenEvents.get(eventId);
      if (seenAt !== undefined && Date.now() - seenAt < SEEN_EVENTS_TTL_MS) {
        logger.info({ eventId }, 'Slack event delivered again; already handled');
        return;
      }
      seenEvents.set(eventId, Date.now());
      trimOldest(seenEvents);
    }
    await next();
  });

  // --- commands and messages ------------------------------------------------------------------------

  bolt.command('/csp', async ({ command, ack, respond }) => {
    if (overloaded()) {
      logger.warn({ inFlight }, 'Slack command refused: too much work in flight');
      await ack({ response_type: 'ephemeral', text: t(knownLocale(command.user_id), 'error.busy') });
      return;
    }
    await ack();
    const place: Place = { channel: command.channel_id, userId: command.user_id, triggerId: command.trigger_id, respond };
    await afterAck(place, undefined, async () => {
      const turn = await turnFor(command.user_id, command.channel_id, command.channel_name, command.user_name);
      await deliver(turn, place, await conversation.handleText(turn, command.text));
    });
  });

  bolt.event('app_mention', async ({ event }) => {
    if (!event.user) return;
    const place: Place = { channel: event.channel, userId: event.user, threadTs: event.thread_ts };
    await afterAck(place, undefined, async () => {
      const turn = await turnFor(event.user!, event.channel, '', '');
      await deliver(turn, place, await conversation.handleText(turn, event.text));
    });
  });

  bolt.event('message', async ({ event }) => {
    // Direct messages only; channel messages come as app_mention. Bots and edits are ignored.
    if (event.channel_type !== 'im' || event.subtype !== undefined || !('user' in event) || !event.user || 'bot_id' in event) return;
    const place: Place = { channel: event.channel, userId: event.user };
    const text = 'text' in event && typeof event.text === 'string' ? event.text : '';
    await afterAck(place, undefined, async () => {
      const turn = await turnFor(event.user, event.channel, '', '');
      await deliver(turn, place, await conversation.handleText(turn, text));
    });
  });

  // --- buttons, selects and the search box ---------------------------------------------------------------

  bolt.action<BlockAction>(/^csp:/, async ({ ack, body, action, respond }) => {
    await ack();
    const decoded = decodeAction(action);
    if (body.type !== 'block_actions' || !decoded) return;
    if (overloaded()) {
      logger.warn({ inFlight }, 'Slack action refused: too much work in flight');
      await respond({ response_type: 'ephemeral', replace_original: false, text: t(knownLocale(body.user.id), 'error.busy') }).catch(() => {});
      return;
    }
    const container = body.container as { type?: string; is_ephemeral?: boolean; message_ts?: string } | undefined;
    const fromHome = container?.type === 'view';
    const channel = fromHome ? body.user.id : (body.channel?.id ?? body.user.id);
    const place: Place = {
      channel,
      userId: body.user.id,
      ts: fromHome ? undefined : (body.message?.ts ?? container?.message_ts),
      ephemeral: container?.is_ephemeral === true,
      triggerId: body.trigger_id,
      respond,
    };
    await afterAck(place, undefined, async () => {
      const turn = await turnFor(body.user.id, channel, body.channel?.name ?? '', body.user.name ?? '');
      const result = await conversation.handleAction(turn, decoded.verb, decoded.data);
      const [only] = result.views;
      if (result.mode === 'replace' && place.ts && only && result.views.length === 1) {
        await openModal(place, only);
        await update(turn, { ...place, ts: place.ts }, only);
      } else {
        await deliver(turn, place, result.views);
      }
    });
  });

  // --- modal submissions ---------------------------------------------------------------------------------

  type Values = Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null; selected_options?: Array<{ value?: string }> }>>;
  const readMeta = (raw: string): ModalMeta & Record<string, unknown> => {
    try {
      const meta = JSON.parse(raw) as Record<string, unknown>;
      return { ...meta, channel: typeof meta.channel === 'string' ? meta.channel : '', ts: typeof meta.ts === 'string' ? meta.ts : undefined };
    } catch {
      return { channel: '' };
    }
  };

  /**
   * Runs a submission. Field errors go back in the acknowledgement; a refusal replaces the modal
   * with the sentence; success closes it and updates (or posts) the message it came from.
   */
  async function submit(
    body: { user: { id: string; name?: string } },
    rawMeta: string,
    ack: AckFn<ViewResponseAction>,
    verb: string,
    data: (meta: Record<string, unknown>) => Record<string, unknown>,
    fieldErrors: (view: View) => Record<string, string> | null,
  ): Promise<void> {
    const meta = readMeta(rawMeta);
    const place: Place = { channel: meta.channel || body.user.id, userId: body.user.id, ts: meta.ts };
    // The budget covers everything before the answer, a slow users.info included.
    const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ACK_BUDGET_MS).unref());
    const turnReady = turnFor(body.user.id, place.channel, '', body.user.name ?? '');
    const work = turnReady.then((turn) => conversation.handleAction(turn, verb, data(meta)));
    const early = await Promise.race([work, timer]);
    if (early === 'late') await ack();
    const turn = await turnReady;
    const result = early === 'late' ? await work : early;
    const [view] = result.views;
    if (!view) return early === 'late' ? undefined : ack();
    const errors = fieldErrors(view);
    if (early !== 'late') {
      if (errors) return ack({ response_action: 'errors', errors });
      if (view.kind === 'message' && view.tone === 'error') return ack({ response_action: 'update', view: toNoticeModal(view, view.title || ' ') });
      await ack();
    }
    await afterAck(place, turn.actor.locale, async () => {
      if (place.ts && result.mode === 'replace') await update(turn, { ...place, ts: place.ts }, view);
      else await post(turn, place, view);
    });
  }

  bolt.view<ViewSubmitAction>(CALLBACK.draft, async ({ ack, body, view }) => {
    const values = view.state.values as Values;
    await submit(
      body,
      view.private_metadata,
      ack,
      'invitation.done',
      (meta) => ({
        invitationId: meta.invitationId,
        token: meta.token,
        subject: values[INPUT.subject]?.[INPUT.action]?.value ?? '',
        body: values[INPUT.body]?.[INPUT.action]?.value ?? '',
        channel: values[INPUT.channel]?.[INPUT.action]?.selected_option?.value ?? '',
      }),
      (v) => (v.kind === 'draft' && v.bodyError ? { [INPUT.body]: v.bodyError } : null),
    );
  });

  bolt.view<ViewSubmitAction>(CALLBACK.attestation, async ({ ack, body, view }) => {
    const values = view.state.values as Values;
    const ticked = (values[INPUT.attest]?.[INPUT.action]?.selected_options ?? []).some((o) => o.value === 'attest');
    await submit(
      body,
      view.private_metadata,
      ack,
      'removal.confirm',
      (meta) => ({ removalId: meta.removalId, attest: ticked }),
      (v) => (v.kind === 'attestation' && v.error ? { [INPUT.attest]: v.error } : null),
    );
  });

  // Anything else interactive (an old message's button, a stray view) is acknowledged and ignored,
  // rather than left to time out (Slack would show the user an error).
  const handledViews = new Set<string>([CALLBACK.draft, CALLBACK.attestation]);
  bolt.action(/^(?!csp:)/, async ({ ack }) => ack());
  bolt.view(/.*/, async ({ ack, body }) => {
    if (!handledViews.has(body.view.callback_id)) await ack();
  });

  // --- App Home ------------------------------------------------------------------------------------------

  bolt.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const place: Place = { channel: event.user, userId: event.user };
    await afterAck(place, undefined, async () => {
      const turn = await turnFor(event.user, event.channel, '', '');
      const view = toHomeView({ locale: turn.actor.locale, timeZone: turn.timeZone }, service.summary(turn.actor));
      await client.views.publish({ user_id: event.user, view: toHomeTab(view) });
    });
  });

  bolt.error(async (error) => {
    logger.error({ err: error }, 'Slack request failed');
  });

  // --- notifications -----------------------------------------------------------------------------------------

  // Messages sent outside a turn: the dispatcher calls these, and retries them when they throw.
  dispatcher.register('slack', {
    async post(subscription, event) {
      await client.chat.postMessage({ channel: subscription.conversationId, ...toSlackMessage(toAcceptedView({ locale: subscription.locale }, event)) });
    },
    async update(card, event) {
      await client.chat.update({ channel: card.channel, ts: card.ts, ...toSlackMessage(toAcceptedView({ locale: card.locale }, event)) });
    },
  });

  return {
    name: 'slack',
    close: async () => identity.stop(),
    register(server) {
      server.pre((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== SLACK_EVENTS_PATH) return next();
        if (refuseFutureTimestamp(req, res)) return undefined;
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
