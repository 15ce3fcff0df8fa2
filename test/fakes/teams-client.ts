/** Posts real Bot Framework activities over HTTP to /api/messages, as Teams would. */
import { randomUUID } from 'node:crypto';
import type { Activity, ChannelAccount, ConversationAccount } from 'botframework-schema';

/** An account as Teams lists it in membersAdded/membersRemoved: often only the id, while `ChannelAccount` requires a name. */
type WireAccount = Pick<ChannelAccount, 'id'> & Partial<ChannelAccount>;

/**
 * An activity as it travels, typed by botframework-schema's `Activity` except where that type is
 * the SDK's in-memory form rather than the wire's: `timestamp` is an ISO 8601 string on the wire
 * (a Date in the type); Teams' personal conversations carry no `isGroup` or `name`, both required
 * by `ConversationAccount`; member lists may carry only ids.
 */
export type WireActivity = Omit<Partial<Activity>, 'timestamp' | 'conversation' | 'membersAdded' | 'membersRemoved'> & {
  timestamp?: string;
  conversation?: Pick<ConversationAccount, 'id' | 'conversationType'> & Partial<ConversationAccount>;
  membersAdded?: WireAccount[];
  membersRemoved?: WireAccount[];
};

/** Fields to add or override: the activity's own are checked against `WireActivity`; others (hostile payloads) pass as they are. */
export type ActivityExtra = WireActivity & Record<string, unknown>;

export interface TeamsUser {
  aadObjectId: string;
  name: string;
  locale?: string;
}

export interface TeamsConversation {
  id: string;
  conversationType: 'personal' | 'channel' | 'groupChat';
  channelName?: string;
}

/** `token`: each post carries `Authorization: Bearer <token()>`, as the Bot Framework channel sends. */
export function teamsClient(botUrl: string, serviceUrl: string, options: { token?: () => string } = {}) {
  const activity = (user: TeamsUser, conversation: TeamsConversation, extra: ActivityExtra): ActivityExtra => ({
    ...({
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl,
      timestamp: new Date().toISOString(),
      locale: user.locale ?? 'en-US',
      from: { id: `29:${user.aadObjectId}`, aadObjectId: user.aadObjectId, name: user.name },
      recipient: { id: '28:bot', name: 'CSP Connect' },
      conversation: { id: conversation.id, conversationType: conversation.conversationType, tenantId: 'tenant-1' },
      channelData: conversation.channelName
        ? { channel: { id: conversation.id, name: conversation.channelName }, tenant: { id: 'tenant-1' } }
        : { tenant: { id: 'tenant-1' } },
    } satisfies WireActivity),
    ...extra,
  });

  const post = async (body: ActivityExtra) => {
    const res = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token()}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  return {
    post,
    activity,
    say: (user: TeamsUser, conversation: TeamsConversation, text: string) => post(activity(user, conversation, { type: 'message', text })),
    /** A Universal Action click (`Action.Execute`): the HTTP answer is the replacement card. */
    invoke: (user: TeamsUser, conversation: TeamsConversation, verb: string, data: Record<string, unknown>, replyToId = 'card-1') =>
      post(
        activity(user, conversation, {
          type: 'invoke',
          name: 'adaptiveCard/action',
          replyToId,
          value: { action: { type: 'Action.Execute', verb, data } },
        }),
      ),
    /** An `Action.Submit` click from an older client: a message with a value and no text. */
    submit: (user: TeamsUser, conversation: TeamsConversation, value: Record<string, unknown>, replyToId = 'card-1') =>
      post(activity(user, conversation, { type: 'message', value, replyToId })),
  };
}
