/**
 * The App Home: the Home tab shows your role, what is pending and the main buttons; opening the
 * Messages tab for the first time (no message in the chat yet) gets the short welcome.
 */
import { toHomeTab } from '../../../render/slack/blocks.js';
import type { Place } from '../replies.js';
import type { SlackContext } from './context.js';

export function registerHome({ bolt, client, app, logger, people, replies }: SlackContext): void {
  const { conversation } = app;
  const { turnFor } = people;
  const { afterAck, post } = replies;

  /** Chats known to hold a message already: opening them again asks Slack nothing. */
  const started = new Set<string>();

  /** Whether the bot's chat with the person is still empty, as Slack says (im:history); unknown counts as not. */
  async function firstContact(channel: string): Promise<boolean> {
    if (started.has(channel)) return false;
    try {
      const history = await client.conversations.history({ channel, limit: 1 });
      const empty = (history.messages ?? []).length === 0;
      // Empty or not, the chat has a message once this answer is posted.
      started.add(channel);
      return empty;
    } catch (err) {
      logger.warn({ err }, 'could not read the chat history; no welcome posted');
      return false;
    }
  }

  bolt.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home' && event.tab !== 'messages') return;
    const place: Place = { channel: event.tab === 'messages' ? event.channel : event.user, userId: event.user };
    await afterAck(place, async () => {
      const turn = await turnFor(event.user, event.channel, '', '');
      if (event.tab === 'home') {
        await client.views.publish({ user_id: event.user, view: toHomeTab(await conversation.home(turn)) });
      } else if (await firstContact(event.channel)) {
        await post(turn, place, await conversation.welcome(turn));
      }
    });
  });
}
