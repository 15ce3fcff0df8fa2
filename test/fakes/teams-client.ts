/** Posts real Bot Framework activities over HTTP to /api/messages, as Teams would. */
import { randomUUID } from 'node:crypto';

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
  const activity = (user: TeamsUser, conversation: TeamsConversation, extra: Record<string, unknown>) => ({
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    locale: user.locale ?? 'en-US',
    from: { id: `29:${user.aadObjectId}`, aadObjectId: user.aadObjectId, name: user.name },
    recipient: { id: '28:bot', name: 'CSP Connect' },
    conversation: { id: conversation.id, conversationType: conversation.conversationType, tenantId: 'tenant-1' },
    channelData: conversation.channelName ? { channel: { id: conversation.id, name: conversation.channelName }, tenant: { id: 'tenant-1' } } : { tenant: { id: 'tenant-1' } },
    ...extra,
  });

  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token()}` } : {}) }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  return {
    post,
    activity,
    say: (user: TeamsUser, conversation: TeamsConversation, text: string) => post(activity(user, conversation, { type: 'message', text })),
    /** A Universal Action click (`Action.Execute`): the HTTP answer is the replacement card. */
    invoke: (user: TeamsUser, conversation: TeamsConversation, verb: string, data: Record<string, unknown>, replyToId = 'card-1') =>
      post(activity(user, conversation, { type: 'invoke', name: 'adaptiveCard/action', replyToId, value: { action: { type: 'Action.Execute', verb, data } } })),
    /** An `Action.Submit` click from an older client: a message with a value and no text. */
    submit: (user: TeamsUser, conversation: TeamsConversation, value: Record<string, unknown>, replyToId = 'card-1') =>
      post(activity(user, conversation, { type: 'message', value, replyToId })),
  };
}
