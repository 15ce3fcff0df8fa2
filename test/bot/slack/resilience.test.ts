/**
 * The Slack surface when Slack is slow or refuses: users.info cached and its English fallback,
 * the draft form posted as a message when views.open fails, and the "busy" answer to commands and
 * clicks past the in-flight limit (the default 200 included). The bot's clock is pinned, so the
 * profile cache's hour is stepped over, not waited for.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { startSlackApi, type SlackApi } from '../../fakes/slack-api.js';
import { slackClient, type SlackClient } from '../../fakes/slack-client.js';
import { t } from '../../../i18n/catalogue.js';

const SECRET = 'test-signing-secret';
const env = (api: SlackApi) => ({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
const clock = {
  t: Date.parse('2026-11-23T10:00:00.000Z'),
  now() {
    return new Date(this.t);
  },
};

let api: SlackApi;
let bot: Awaited<ReturnType<typeof startBot>>;
let slack: SlackClient;
beforeEach(async () => {
  clock.t = Date.parse('2026-11-23T10:00:00.000Z');
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin' }, UITALO: { name: 'Italo Rossi', locale: 'it-IT' } });
  bot = await startBot(env(api), { clock });
  slack = slackClient(bot.url, SECRET, api.responseUrl);
});
afterEach(async () => {
  await bot.stop();
  await api.close();
});

const infoCalls = (user: string) => api.calls.filter((c) => c.method === 'users.info' && c.args.user === user).length;
/** `/csp <text>` and the message it posts. */
async function say(user: string, text: string) {
  const after = api.calls.length;
  expect((await slack.command(user, text)).status).toBe(200);
  return api.waitFor('chat.postMessage', () => true, { after });
}

describe('Slack when Slack is slow or refuses', () => {
  it('asks users.info once an hour per person, and speaks their language', async () => {
    expect((await say('UITALO', 'chi sono')).args.text).toMatch(/Sei Italo Rossi/);
    await say('UITALO', 'aiuto');
    expect(infoCalls('UITALO')).toBe(1);
    clock.t += 60 * 60_000 + 1;
    await say('UITALO', 'aiuto');
    expect(infoCalls('UITALO')).toBe(2);
  });

  it('answers in English when users.info fails, and asks again a minute later', async () => {
    api.fail('users.info', 'user_not_found', 1, (args) => args.user === 'UITALO');
    const english = await say('UITALO', 'whoami');
    expect(english.args.text).toMatch(/^You are/);
    expect(api.failed.filter((c) => c.method === 'users.info')).toHaveLength(1);
    expect(bot.logs.some((l) => String(l.msg).includes('users.info failed'))).toBe(true);
    await say('UITALO', 'whoami');
    expect(infoCalls('UITALO')).toBe(0); // the fallback is cached for a minute, not asked every turn
    clock.t += 60_001;
    expect((await say('UITALO', 'chi sono')).args.text).toMatch(/Sei Italo Rossi/);
    expect(infoCalls('UITALO')).toBe(1);
  });

  it('tells an Italian user in Italian that something went wrong after the acknowledgement', async () => {
    api.fail('chat.postMessage', 'fatal_error', 1);
    const after = api.calls.length;
    expect((await slack.command('UITALO', 'aiuto')).status).toBe(200);
    const apology = await api.waitFor('chat.postEphemeral', () => true, { after });
    expect(apology.args).toMatchObject({ user: 'UITALO', text: t('it', 'error.unexpected') });
    expect(apology.args.text).not.toBe(t('en', 'error.unexpected'));
    expect(bot.logs.some((l) => l.msg === 'Slack request failed after it was acknowledged')).toBe(true);
  });

  it('publishes the App Home even when the directory cannot say who the person is, and logs why', async () => {
    // The directory port rejecting (neither built-in directory does today; the surface must not hide it if one does).
    vi.spyOn(bot.service, 'identify').mockRejectedValueOnce(new Error('directory unreachable'));
    const after = api.calls.length;
    await slack.event({ type: 'app_home_opened', user: 'UADMIN', channel: 'D0ALICE', tab: 'home' }, 'EvHomeNoDirectory');
    const home = await api.waitFor('views.publish', () => true, { after });
    expect(home.args.user_id).toBe('UADMIN');
    const line = bot.logs.find((l) => String(l.msg).startsWith('could not identify the person'));
    expect(line).toMatchObject({ level: 40, err: { message: 'directory unreachable' } });
  });

  it('posts the draft as a message when views.open fails (an expired trigger)', async () => {
    api.fail('views.open', 'expired_trigger_id', 1);
    const posted = await say('UADMIN', 'invite customer');
    expect(api.failed.map((c) => c.method)).toEqual(['views.open']);
    expect(api.text(posted)).toMatch(/http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]{43}/);
    expect(bot.store.count('invitations')).toBe(1);
  });

  it('answers a click with "busy" when too much work is in flight', { timeout: 30_000 }, async () => {
    await bot.stop();
    bot = await startBot(env(api), { clock, slackMaxInFlight: 1 });
    slack = slackClient(bot.url, SECRET, api.responseUrl);
    api.slow('users.info', 60_000); // held until released at the end
    await slack.command('UNEW1', 'help');
    await expect.poll(() => api.waiting('users.info'), { timeout: 10_000 }).toBe(1);
    const before = api.calls.length;
    const res = await slack.action('UNEW2', { type: 'button', action_id: 'csp:customers.page:0', value: '{"page":2}' });
    expect(res.status).toBe(200);
    const busy = await api.waitFor('respond', () => true, { after: before });
    expect(busy.args).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Try again in a few seconds') });
    api.slow('users.info', 0);
  });

  it('keeps 200 requests in flight by default and answers the 201st with "busy"', { timeout: 60_000 }, async () => {
    // Held until released at the end: however slowly the 200 arrive, none is answered meanwhile.
    api.slow('users.info', 120_000);
    const first = await Promise.all(Array.from({ length: 200 }, (_, i) => slack.command(`UMANY${i}`, 'help')));
    // All 200 acknowledged: each handler counted itself in flight right after its ack, before the
    // response could reach this client (same process, microtasks before I/O).
    expect(first.every((r) => r.status === 200 && r.text === '')).toBe(true);
    // And they are stuck on Slack (its Web API client sends at most 100 calls at once).
    await expect.poll(() => api.waiting('users.info'), { timeout: 30_000 }).toBe(100);
    const extra = await slack.command('UMANY200', 'help');
    expect(extra.json).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('Try again in a few seconds') });
    api.slow('users.info', 0);
  });
});
