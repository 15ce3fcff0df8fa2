/**
 * Sends what Slack sends to `/slack/events`: slash commands, events, block actions and view
 * submissions, each signed with the signing secret (v0 HMAC-SHA256 over "v0:{ts}:{body}").
 */
import { createHmac } from 'node:crypto';
import type { BlockAction, EnvelopedEvent, SlashCommand, ViewOutput, ViewSubmitAction } from '@slack/bolt';

/**
 * A payload typed by Bolt's own types for what Slack sends, except the parts a test supplies (the
 * action clicked, the view the bot opened, the values entered), which tests fuzz on purpose and
 * so pass as given.
 */
type Supplied<T, K extends keyof T> = Omit<T, K> & { [P in K]: unknown };

export interface SignOptions {
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Replaces the computed signature (to forge one). */
  signature?: string | null;
  /** Changes the body after signing it (to tamper). */
  tamper?: (body: string) => string;
  headers?: Record<string, string>;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

let triggers = 0;

/** The fields every interactive payload carries about the workspace and the person. */
const who = (user: string) => ({
  team: { id: 'T0001', domain: 'northwind' },
  user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0001' },
  api_app_id: 'A0CSP',
  token: 'legacy',
});

export function slackClient(botUrl: string, secret: string, responseUrl: (id: string) => string) {
  async function send(body: string, contentType: string, options: SignOptions = {}) {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = options.signature === undefined ? sign(secret, timestamp, body) : options.signature;
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      ...options.headers,
    };
    if (signature !== null) headers['x-slack-signature'] = signature;
    const res = await fetch(`${botUrl}/slack/events`, { method: 'POST', headers, body: options.tamper ? options.tamper(body) : body });
    const text = await res.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      json = null;
    }
    return { status: res.status, text, json };
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const interactive = (payload: object, options?: SignOptions) =>
    send(form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', options);

  return {
    send,
    /** `/csp <text>`; returns the trigger id it carried. */
    async command(user: string, text: string, where: { channel?: string; channelName?: string } = {}, options?: SignOptions) {
      const triggerId = `trigger-${++triggers}`;
      const res = await send(
        form({
          token: 'legacy',
          team_id: 'T0001',
          team_domain: 'northwind',
          channel_id: where.channel ?? 'C0SALES',
          channel_name: where.channelName ?? 'sales',
          user_id: user,
          user_name: user.toLowerCase(),
          command: '/csp',
          text,
          api_app_id: 'A0CSP',
          response_url: responseUrl(`cmd-${triggers}`),
          trigger_id: triggerId,
        } satisfies SlashCommand),
        'application/x-www-form-urlencoded',
        options,
      );
      return { ...res, triggerId };
    },
    /** An Events API callback. */
    event(event: Record<string, unknown>, eventId: string, options?: SignOptions) {
      const body = {
        token: 'legacy',
        team_id: 'T0001',
        api_app_id: 'A0CSP',
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        event,
      } satisfies EnvelopedEvent<Record<string, unknown>>;
      return send(JSON.stringify(body), 'application/json', options);
    },
    /** A click (or a selection, or Enter in an input) on a message from the bot. */
    action(
      user: string,
      action: Record<string, unknown>,
      where: { channel?: string; messageTs?: string; ephemeral?: boolean; home?: boolean } = {},
      options?: SignOptions,
    ) {
      const triggerId = `trigger-${++triggers}`;
      const channel = where.channel ?? 'C0SALES';
      return interactive(
        {
          type: 'block_actions',
          ...who(user),
          trigger_id: triggerId,
          response_url: responseUrl(`action-${triggers}`),
          container: where.home
            ? { type: 'view', view_id: 'VHOME' }
            : {
                type: 'message',
                message_ts: where.messageTs ?? '1700000000.000001',
                channel_id: channel,
                is_ephemeral: where.ephemeral ?? false,
              },
          // A home tab's view is sent with only its id and type: the bot reads no more of it.
          ...(where.home
            ? { view: { id: 'VHOME', type: 'home' } satisfies Partial<ViewOutput> }
            : {
                channel: { id: channel, name: 'sales' },
                message: { type: 'message', ts: where.messageTs ?? '1700000000.000001', text: '' },
              }),
          actions: [{ block_id: 'b', action_ts: String(Date.now() / 1000), ...action }],
        } satisfies Omit<BlockAction, 'actions' | 'view'> & { actions: unknown[]; view?: Partial<ViewOutput> },
        options,
      ).then((res) => ({ ...res, triggerId }));
    },
    /** Submits a modal the bot opened, with the values a person entered. */
    submit(user: string, view: Record<string, unknown>, values: Record<string, Record<string, unknown>>, options?: SignOptions) {
      return interactive(
        {
          type: 'view_submission',
          ...who(user),
          trigger_id: `trigger-${++triggers}`,
          view: {
            id: 'VMODAL',
            team_id: 'T0001',
            app_installed_team_id: 'T0001',
            app_id: 'A0CSP',
            bot_id: 'BBOT',
            type: 'modal',
            callback_id: view.callback_id,
            private_metadata: view.private_metadata,
            title: view.title,
            close: view.close ?? null,
            submit: view.submit ?? null,
            blocks: view.blocks,
            state: { values: Object.fromEntries(Object.entries(values).map(([block, v]) => [block, { value: v }])) },
            hash: '1700000000.VMODAL',
            root_view_id: 'VMODAL',
            previous_view_id: null,
            clear_on_close: false,
            notify_on_close: false,
          } satisfies Supplied<ViewOutput, 'callback_id' | 'private_metadata' | 'title' | 'close' | 'submit' | 'blocks' | 'state'>,
        } satisfies Supplied<ViewSubmitAction, 'view'>,
        options,
      );
    },
    /** A click on a button inside a modal the bot opened, with what the person has typed in it so far. */
    modalAction(
      user: string,
      view: Record<string, unknown>,
      values: Record<string, Record<string, unknown>>,
      action: Record<string, unknown>,
      options?: SignOptions,
    ) {
      const viewId = typeof view.id === 'string' ? view.id : 'VMODAL';
      return interactive(
        {
          type: 'block_actions',
          ...who(user),
          trigger_id: `trigger-${++triggers}`,
          container: { type: 'view', view_id: viewId },
          view: {
            id: viewId,
            type: 'modal',
            callback_id: view.callback_id,
            private_metadata: view.private_metadata,
            blocks: view.blocks,
            state: { values: Object.fromEntries(Object.entries(values).map(([block, v]) => [block, { value: v }])) },
            hash: typeof view.hash === 'string' ? view.hash : `1700000000.${viewId}`,
          } satisfies Partial<Supplied<ViewOutput, 'callback_id' | 'private_metadata' | 'blocks' | 'state'>>,
          actions: [{ block_id: 'b', action_ts: String(Date.now() / 1000), ...action }],
          // A modal's clicks come without a response_url: there is no message to answer.
        } satisfies Omit<BlockAction, 'actions' | 'view' | 'response_url'> & { actions: unknown[]; view?: unknown },
        options,
      );
    },
  };
}

export type SlackClient = ReturnType<typeof slackClient>;
