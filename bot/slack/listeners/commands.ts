/** Slash commands, mentions and direct messages: text in, views out. */
import type { Place } from '../replies.js';
import { t } from '../../../i18n/catalogue.js';
import type { SlackContext } from './context.js';

export function registerCommands({ bolt, app, logger, people, replies }: SlackContext): void {
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
