/** Buttons, selects and the search box of the bot's messages (action ids `csp:<verb>:<n>`). */
import type { BlockAction } from '@slack/bolt';
import type { Place } from '../replies.js';
import { t } from '../../../i18n/catalogue.js';
import { decodeAction } from '../../../render/slack/blocks.js';
import type { SlackContext } from './context.js';
import { createModalActions, isModalAction } from './modal-actions.js';

export function registerActions({ bolt, app, client, logger, people, replies }: SlackContext): void {
  const { conversation } = app;
  const { turnFor, knownLocale } = people;
  const { afterAck, deliver, openModal, update, overloaded } = replies;
  const answerInModal = createModalActions({ app, client, people });

  bolt.action<BlockAction>(/^csp:/, async ({ ack, body, action, respond }) => {
    await ack();
    const decoded = decodeAction(action);
    if (body.type !== 'block_actions' || !decoded) return;
    if (overloaded()) {
      logger.warn({ inFlight: replies.inFlight() }, 'Slack action refused: too much work in flight');
      // At debug: under overload a warning per refused click would double the log at the worst
      // moment, and the refusal itself is logged just above.
      await respond({ response_type: 'ephemeral', replace_original: false, text: t(knownLocale(body.user.id), 'error.busy') }).catch(
        (err: unknown) => logger.debug({ err }, 'could not tell the person that the click was refused as busy'),
      );
      return;
    }
    if (isModalAction(body)) {
      const inModal = body;
      await afterAck({ channel: body.user.id, userId: body.user.id }, () => answerInModal(inModal, decoded.verb, decoded.data));
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
    await afterAck(place, async () => {
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
}
