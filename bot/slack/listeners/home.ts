/** The App Home tab: your role, what is pending, buttons for the main commands. */
import { toHomeView } from '../../../views/index.js';
import { toHomeTab } from '../../../render/slack/blocks.js';
import type { Place } from '../replies.js';
import type { SlackContext } from './context.js';

export function registerHome({ bolt, client, app, logger, people, replies }: SlackContext): void {
  const { service } = app;
  const { turnFor } = people;
  const { afterAck } = replies;

  bolt.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const place: Place = { channel: event.user, userId: event.user };
    await afterAck(place, async () => {
      const turn = await turnFor(event.user, event.channel, '', '');
      await service
        .identify(turn.actor)
        .catch((err: unknown) => logger.warn({ err }, 'could not identify the person; the App Home shows the role known so far'));
      const view = toHomeView({ locale: turn.actor.locale, timeZone: turn.timeZone }, service.summary(turn.actor));
      await client.views.publish({ user_id: event.user, view: toHomeTab(view) });
    });
  });
}
