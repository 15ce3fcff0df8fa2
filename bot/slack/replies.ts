/**
 * Replies on Slack: posting, updating in place, opening the modal a view asks for, and the work
 * done after an acknowledgement (counted, so overload is answered with "busy").
 */
import type { RespondFn, webApi } from '@slack/bolt';
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { Turn } from '../conversation/handler.js';
import { t } from '../../i18n/catalogue.js';
import type { View } from '../../views/index.js';
import type { Locale } from '../../store/schema.js';
import { carriesFile, uploadFile, type FileOutcome } from './files.js';
import { toAttestationModal, toBulkModal, toDraftModal, toSlackMessage, type ModalMeta, type SlackMessage } from '../../render/slack/blocks.js';

/** Where replies go: the channel, the message being acted on, and what Slack gave us to answer with. */
export interface Place {
  channel: string;
  userId: string;
  ts?: string;
  threadTs?: string;
  ephemeral?: boolean;
  triggerId?: string;
  respond?: RespondFn;
}

/** Errors after which a reply can still reach the user through the command's response_url. */
const cannotPostHere = (error: unknown) =>
  ['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action'].includes(
    (error as { data?: { error?: string } }).data?.error ?? '',
  );

/**
 * A message with its blocks already in the JSON string that Slack's form field carries. Given
 * objects, the Web API client walks and serialises them once more for a debug log line that it
 * builds on every call, whatever the log level: for a list, a sixth of the turn.
 */
const serialised = (message: SlackMessage) => ({
  text: message.text,
  blocks: JSON.stringify(message.blocks) as unknown as SlackMessage['blocks'],
});

/**
 * `localeOf`: the person's language as far as it is known without asking Slack (the profile the
 * turn read), for the sentence sent when work fails after the acknowledgement.
 */
export function createReplies(
  client: webApi.WebClient,
  app: App,
  logger: Logger,
  maxInFlight: number,
  localeOf: (userId: string) => Locale,
) {
  const { service } = app;
  let inFlight = 0;
  /** Work acknowledged and not yet finished, for `idle`. */
  const running = new Set<Promise<void>>();

  /** A posted draft or sent message is remembered, so the acceptance can update it in place. */
  async function remember(turn: Turn, view: View, channel: string, ts: string | undefined): Promise<void> {
    if (ts && view.kind === 'outcome' && view.batchId) {
      await service
        .recordBatchCard(turn.actor, view.batchId, { platform: 'slack', channel, ts, locale: view.locale })
        .catch((err: unknown) => logger.warn({ err }, 'could not record where the bulk invitation message was posted'));
      return;
    }
    if (!ts || (view.kind !== 'draft' && view.kind !== 'sent')) return;
    await service
      .recordDraftMessage(turn.actor, view.invitationId, { platform: 'slack', channel, ts, locale: turn.actor.locale })
      .catch((err: unknown) => logger.warn({ err }, 'could not record where the invitation message was posted'));
  }

  async function post(turn: Turn, place: Place, view: View): Promise<void> {
    const message = toSlackMessage(view);
    try {
      const result = await client.chat.postMessage({
        channel: place.channel,
        ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
        ...serialised(message),
      });
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
    if (!place.triggerId || (view.kind !== 'draft' && view.kind !== 'attestation' && view.kind !== 'bulkForm')) return false;
    const meta: ModalMeta = { channel: place.channel, ...(place.ts ? { ts: place.ts } : {}), lang: view.locale };
    try {
      await client.views.open({
        trigger_id: place.triggerId,
        view:
          view.kind === 'draft'
            ? toDraftModal(view, meta)
            : view.kind === 'bulkForm'
              ? toBulkModal(view, meta)
              : toAttestationModal(view, meta),
      });
      place.triggerId = undefined; // a trigger opens one modal
      return true;
    } catch (err) {
      logger.warn({ err }, 'views.open failed; posting the form as a message instead');
      return false;
    }
  }

  /** A file where the person asked; where the bot may not post, only they are told how to let it. */
  async function sendFile(turn: Turn, place: Place, view: FileOutcome): Promise<void> {
    try {
      await uploadFile(client, place, view);
    } catch (error) {
      if (!place.respond || !cannotPostHere(error)) throw error;
      await place.respond({ response_type: 'ephemeral', text: t(turn.actor.locale, 'ui.slack.notMember') });
    }
  }

  async function deliver(turn: Turn, place: Place, views: View[]): Promise<void> {
    for (const view of views) {
      if (await openModal(place, view)) continue;
      if (carriesFile(view)) {
        await sendFile(turn, place, view);
        continue;
      }
      await post(turn, place, view);
    }
  }

  /** Work after the acknowledgement: a failure is logged and the person told in their language, never silent. */
  async function afterAck(place: Place, work: () => Promise<void>): Promise<void> {
    inFlight++;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    running.add(done);
    try {
      await work();
    } catch (err) {
      logger.error({ err }, 'Slack request failed after it was acknowledged');
      const text = t(localeOf(place.userId), 'error.unexpected');
      await client.chat
        .postEphemeral({ channel: place.channel, user: place.userId, text })
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'could not tell the person that their request failed; they were left without an answer'),
        );
    } finally {
      inFlight--;
      running.delete(done);
      finished();
    }
  }

  /** Resolves once no work acknowledged to Slack is still under way (tests; a clean shutdown). */
  async function idle(): Promise<void> {
    while (running.size > 0) await Promise.all([...running]);
  }

  return { post, update, openModal, deliver, afterAck, idle, overloaded: () => inFlight >= maxInFlight, inFlight: () => inFlight };
}

export type Replies = ReturnType<typeof createReplies>;
