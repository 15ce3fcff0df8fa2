/** Slash commands, mentions and direct messages: text in, views out. */
import type { Place } from '../replies.js';
import { t } from '../../../i18n/catalogue.js';
import type { SlackContext } from './context.js';
import type { SharedFile } from '../shared-files.js';
import { bulkCommand } from '../../commands/parse.js';
import { toMessageView } from '../../../views/index.js';

export function registerCommands({ bolt, app, logger, people, replies, files }: SlackContext): void {
  const { conversation } = app;
  const { turnFor, knownLocale } = people;
  const { afterAck, deliver, overloaded } = replies;

  bolt.command('/csp', async ({ command, ack, respond }) => {
    if (overloaded()) {
      logger.warn({ inFlight: replies.inFlight() }, 'Slack command refused: too much work in flight');
      await ack({ response_type: 'ephemeral', text: t(knownLocale(command.user_id), 'error.busy') });
      return;
    }
    await ack();
    const place: Place = { channel: command.channel_id, userId: command.user_id, triggerId: command.trigger_id, respond };
    await afterAck(place, async () => {
      const turn = await turnFor(command.user_id, command.channel_id, command.channel_name, command.user_name);
      await deliver(turn, place, await conversation.handleText(turn, command.text));
    });
  });

  bolt.event('app_mention', async ({ event }) => {
    if (!event.user) return;
    const place: Place = { channel: event.channel, userId: event.user, threadTs: event.thread_ts };
    await afterAck(place, async () => {
      const turn = await turnFor(event.user!, event.channel, '', '');
      await deliver(turn, place, await conversation.handleText(turn, event.text));
    });
  });

  bolt.event('message', async ({ event }) => {
    // A file shared in a direct message: a CSV for a bulk invitation.
    if (event.channel_type === 'im' && event.subtype === 'file_share' && event.user && !('bot_id' in event && event.bot_id)) {
      const user = event.user;
      const place: Place = { channel: event.channel, userId: user };
      const [file] = (event.files ?? []) as SharedFile[];
      if (!file) return;
      await afterAck(place, async () => {
        const turn = await turnFor(user, event.channel, '', '');
        const spoken = bulkCommand(event.text ?? '')?.language ?? null;
        let bytes: Uint8Array | null;
        try {
          bytes = await files.download(file);
        } catch (err) {
          logger.warn({ err }, 'could not download a file shared in Slack');
          await deliver(turn, place, [toMessageView({ locale: spoken ?? turn.actor.locale }, 'error', 'bulk.fileUnreadable')]);
          return;
        }
        await deliver(turn, place, await conversation.handleBulkFile(turn, { name: file.name ?? '', bytes }, spoken));
      });
      return;
    }
    // Direct messages only; channel messages come as app_mention. Bots and edits are ignored.
    if (event.channel_type !== 'im' || event.subtype !== undefined || !('user' in event) || !event.user || 'bot_id' in event) return;
    const place: Place = { channel: event.channel, userId: event.user };
    const text = 'text' in event && typeof event.text === 'string' ? event.text : '';
    await afterAck(place, async () => {
      const turn = await turnFor(event.user, event.channel, '', '');
      await deliver(turn, place, await conversation.handleText(turn, text));
    });
  });
}
