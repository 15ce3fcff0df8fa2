/**
 * Issue 11's Slack findings, against the real server and Bolt: signed requests from the future,
 * replays of commands and clicks within the signature window, a Slack that cannot be reached
 * when the bot starts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { startSlackApi, type SlackApi } from '../fakes/slack-api.js';
import { slackClient, type SlackClient } from '../fakes/slack-client.js';
import { slashCommandBody } from './hostile.js';

const SECRET = 'hostile-secret';
let bot: Awaited<ReturnType<typeof startBot>>;
let api: SlackApi;
let slack: SlackClient;

beforeEach(async () => {
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
  slack = slackClient(bot.url, SECRET, api.responseUrl);
});
afterEach(async () => {
  await bot.stop();
  await api.close();
});

const now = () => Math.floor(Date.now() / 1000);
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
// Slack's work runs after the acknowledgement: wait for it to finish, then look.
const settle = () => bot.idle();
const healthz = async () => (await fetch(`${bot.url}/healthz`)).status;

const inviteCommand = slashCommandBody('invite customer', 'http://127.0.0.1:9/respond', 'trigger-replay');

describe('Slack signatures', () => {
  it('refuses timestamps more than 5 minutes ahead, as it refuses stale ones (401), and acts on none', async () => {
    for (const timestamp of [now() + 6 * 60, now() + 365 * 24 * 3600, now() - 6 * 60]) {
      const res = await slack.send(inviteCommand, 'application/x-www-form-urlencoded', { timestamp });
      expect(res.status, String(timestamp - now())).toBe(401);
      expect(await healthz()).toBe(200);
    }
    const slightlyAhead = await slack.command('UADMIN', 'help', {}, { timestamp: now() + 60 });
    expect(slightlyAhead.status).toBe(200);
    await settle();
    expect(bot.store.count('invitations')).toBe(0);
    expect(await healthz()).toBe(200);
  });

  it('acts once on a signed slash command sent twice within the window', async () => {
    const timestamp = now();
    const first = await slack.send(inviteCommand, 'application/x-www-form-urlencoded', { timestamp });
    const replay = await slack.send(inviteCommand, 'application/x-www-form-urlencoded', { timestamp });
    expect([first.status, replay.status]).toEqual([200, 200]);
    await settle();
    expect(bot.store.count('invitations')).toBe(1);
    expect(bot.logs.some((l) => String(l.msg).includes('replayed'))).toBe(true);
    expect(await healthz()).toBe(200);
  });

  it('acts once on a signed button click sent twice', async () => {
    const payload = {
      type: 'block_actions',
      team: { id: 'T0001', domain: 'northwind' },
      user: { id: 'UADMIN', username: 'alice', name: 'alice', team_id: 'T0001' },
      api_app_id: 'A0CSP',
      token: 'legacy',
      trigger_id: 'trigger-click',
      response_url: api.responseUrl('click'),
      container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'C0SALES', is_ephemeral: false },
      channel: { id: 'C0SALES', name: 'sales' },
      message: { ts: '1700000000.000001', text: '' },
      actions: [
        {
          block_id: 'b',
          action_id: 'csp:command:0',
          type: 'button',
          value: JSON.stringify({ command: 'invite' }),
          action_ts: '1700000000.1',
        },
      ],
    };
    const body = form({ payload: JSON.stringify(payload) });
    const timestamp = now();
    for (let i = 0; i < 3; i++) expect((await slack.send(body, 'application/x-www-form-urlencoded', { timestamp })).status).toBe(200);
    await settle();
    expect(bot.store.count('invitations')).toBe(1);
    expect(await healthz()).toBe(200);
    // A new click (a new signature) still acts.
    expect((await slack.send(body, 'application/x-www-form-urlencoded', { timestamp: timestamp - 1 })).status).toBe(200);
    await settle();
    expect(bot.store.count('invitations')).toBe(2);
    expect(await healthz()).toBe(200);
  });
});

describe('Slack unreachable at start', () => {
  it('logs it, keeps serving, and connects once Slack answers', async () => {
    const down = await startSlackApi();
    down.fail('auth.test', 'service_unavailable', 2);
    const started = await startBot(
      { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: down.apiUrl },
      { slackRetryMs: 50 },
    );
    try {
      expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
      const client = slackClient(started.url, SECRET, down.responseUrl);
      expect((await client.command('UADMIN', 'help')).status).toBe(200);
      await down.waitFor('auth.test');
      await down.waitFor('chat.postMessage');
      expect(started.logs.some((l) => String(l.msg).includes('Slack cannot be reached'))).toBe(true);
      expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
    } finally {
      await started.stop();
      await down.close();
    }
  });
});
