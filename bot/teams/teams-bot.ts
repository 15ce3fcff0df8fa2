/** The Teams activity handler: turns activities into turns and views into Adaptive Cards. */
import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type Activity,
} from 'botbuilder';
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { Turn } from '../conversation/handler.js';
import { toLocale } from '../../i18n/catalogue.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, renderAdaptiveCard, toAttachment, toInvokeMessageText } from '../../render/teams/adaptive.js';
import { toMessageView, type View } from '../../views/index.js';
import { bulkCommand } from '../commands/parse.js';
import { downloadFile, fileOf } from './file-attachment.js';

/** How long the two events of one installation can be apart. */
const WELCOME_WINDOW_MS = 5 * 60_000;

/** Who is acting and where, from a Teams activity; nothing else in it is trusted. */
export function toTurn(activity: Activity): Turn {
  const from = activity.from ?? { id: '', name: '' };
  const channelData = (activity.channelData ?? {}) as { channel?: { name?: string }; team?: { name?: string } };
  const name =
    channelData.channel?.name ?? activity.conversation?.name ?? channelData.team?.name ?? activity.conversation?.conversationType ?? 'chat';
  return {
    actor: { platform: 'teams', userId: from.aadObjectId ?? from.id, displayName: from.name || from.id, locale: toLocale(activity.locale) },
    conversation: {
      platform: 'teams',
      conversationId: activity.conversation?.id ?? '',
      name,
      reference: TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>,
      personal: activity.conversation?.conversationType === 'personal',
    },
    timeZone: activity.localTimezone ?? undefined,
  };
}

export class CspTeamsBot extends TeamsActivityHandler {
  constructor(
    private readonly app: App,
    private readonly logger: Logger,
  ) {
    super();
    this.onMessage(async (context, next) => {
      const turn = toTurn(context.activity);
      const value = context.activity.value as Record<string, unknown> | undefined;
      if (value && typeof value === 'object' && typeof value.verb === 'string') {
        // Action.Submit from a client without Universal Actions.
        const result = await this.app.conversation.handleAction(turn, value.verb, value);
        if (result.mode === 'replace' && context.activity.replyToId && result.views.length === 1) {
          await context.updateActivity({ type: 'message', id: context.activity.replyToId, attachments: [toAttachment(result.views[0]!)] });
          await this.afterSend(turn, result.views[0]!, context.activity.replyToId);
        } else {
          await this.send(context, turn, result.views);
        }
      } else if (fileOf(context.activity)) {
        await this.send(context, turn, await this.bulkFile(turn, context.activity));
      } else {
        await this.send(context, turn, await this.app.conversation.handleText(turn, context.activity.text ?? ''));
      }
      await next();
    });

    // Teams says "installed" twice (the bot added to the conversation, and the installation): one welcome.
    this.onMembersAdded(async (context, next) => {
      const { membersAdded = [], recipient } = context.activity;
      if (membersAdded.some((m) => m.id === recipient?.id)) await this.welcome(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });
  }

  /** Conversations welcomed lately, with when: the second of Teams' two install events finds it here. */
  private readonly welcomed = new Map<string, number>();

  /** The short welcome, once per conversation within a few minutes. */
  private async welcome(context: TurnContext): Promise<void> {
    const turn = toTurn(context.activity);
    const now = this.app.clock.now().getTime();
    for (const [id, at] of this.welcomed) if (now - at > WELCOME_WINDOW_MS) this.welcomed.delete(id);
    if (this.welcomed.has(turn.conversation.conversationId)) return;
    this.welcomed.set(turn.conversation.conversationId, now);
    await this.send(context, turn, [await this.app.conversation.welcome(turn)]);
  }

  /** Universal Actions: the returned card replaces the one that was clicked. */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const turn = toTurn(context.activity);
    const action = (invokeValue?.action ?? {}) as { verb?: unknown; data?: unknown };
    const data = action.data && typeof action.data === 'object' ? (action.data as Record<string, unknown>) : {};
    const verb = typeof action.verb === 'string' ? action.verb : typeof data.verb === 'string' ? data.verb : '';
    const result = await this.app.conversation.handleAction(turn, verb, data);
    if (result.mode === 'replace' && result.views.length === 1) {
      const view = result.views[0]!;
      if (context.activity.replyToId) await this.afterSend(turn, view, context.activity.replyToId);
      return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: renderAdaptiveCard(view) };
    }
    await this.send(context, turn, result.views);
    return messageInvokeResponse(toInvokeMessageText(result.views));
  }

  private async send(context: TurnContext, turn: Turn, views: View[]): Promise<void> {
    for (const view of views) {
      const response = await context.sendActivity({ attachments: [toAttachment(view)], text: undefined });
      if (response?.id) await this.afterSend(turn, view, response.id);
    }
  }

  /** A CSV file sent in the chat: downloaded within the size cap, and read as a bulk invitation. */
  private async bulkFile(turn: Turn, activity: Activity): Promise<View[]> {
    const file = fileOf(activity)!;
    const spoken = bulkCommand(activity.text ?? '')?.language ?? null;
    try {
      const bytes = await downloadFile(file);
      return await this.app.conversation.handleBulkFile(turn, { name: file.name, bytes }, spoken);
    } catch (err) {
      this.logger.warn({ err }, 'could not download a file sent in Teams');
      return [toMessageView({ locale: spoken ?? turn.actor.locale }, 'error', 'bulk.fileUnreadable')];
    }
  }

  /** Remembers where a draft card, or a bulk invitation's progress card, lives, so it can be updated in place. */
  private async afterSend(turn: Turn, view: View, activityId: string): Promise<void> {
    const reference = turn.conversation.reference;
    if (view.kind === 'outcome' && view.batchId && reference) {
      await this.app.service
        .recordBatchCard(turn.actor, view.batchId, { platform: 'teams', activityId, locale: view.locale, reference })
        .catch((err: unknown) => this.logger.warn({ err }, 'could not record where the bulk invitation card was posted'));
      return;
    }
    if (view.kind !== 'draft' || !reference) return;
    await this.app.service
      .recordDraftMessage(turn.actor, view.invitationId, { platform: 'teams', activityId, locale: turn.actor.locale, reference })
      .catch((err: unknown) => this.logger.warn({ err }, 'could not record where the draft card was posted'));
  }
}

/**
 * An invoke answered with a plain message: Teams takes a string `value` for this type, while
 * botframework-schema types every invoke response's `value` as an object.
 */
function messageInvokeResponse(text: string): AdaptiveCardInvokeResponse {
  const response: Omit<AdaptiveCardInvokeResponse, 'value'> & { value: string } = {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    value: text,
  };
  return response as unknown as AdaptiveCardInvokeResponse;
}
