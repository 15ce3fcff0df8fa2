/** Which Slack Web API refusals mean a channel will never take the bot's posts. */
import { ConversationGone } from '../notifications/dispatcher.js';
import type { GoneReason } from '../service/events.js';

/**
 * Slack's own error codes, found where @slack/web-api puts them (a platform error's
 * `data.error`): the bot is not a member (it was removed, or never invited to a private channel),
 * the channel was deleted (or is not visible to the bot any more), or it was archived; for an
 * update, the message was deleted. Any other refusal (rate limits, Slack's own trouble, a revoked
 * token that an admin can fix) is worth another try.
 */
const GONE: Readonly<Record<string, GoneReason>> = {
  not_in_channel: 'removed',
  channel_not_found: 'notFound',
  message_not_found: 'notFound',
  is_archived: 'archived',
};

/** Rethrows a Web API error, as `ConversationGone` when Slack says the channel is gone for good. */
export function rethrowGone(error: unknown): never {
  const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
  if (typeof code === 'string' && Object.hasOwn(GONE, code)) throw new ConversationGone(GONE[code]!, `Slack answered ${code}`);
  throw error;
}
