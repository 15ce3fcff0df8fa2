/**
 * One story across every surface in one server process: invite in Teams, accept in a real
 * browser, the acceptance reaches a subscribed Teams channel and a subscribed Slack channel,
 * and the customer is listed in Slack, Teams and the terminal chat.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startBot } from '../fakes/bot-server.js';
import { launchBrowser, screenshot } from '../fakes/browser.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { createChatSession } from '../../bot/cli/session.js';

const SECRET = 'e2e-signing-secret';
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };

let browser: Browser;
let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
// Per test: the temp data folder is cleaned after each test.
beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Sam Slack' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
});

describe('one story across Teams, the browser, Slack and the terminal', () => {
  it('invites in Teams, accepts in the browser, notifies both platforms and lists the customer everywhere', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const slack = slackClient(bot.url, SECRET, api.responseUrl);

    // Both platforms subscribe a channel.
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
    await slack.command('UADMIN', 'notify here', { channel: 'C0NEWS', channelName: 'customer-news' });
    await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS');

    // Teams: draft, then Done with the link in the body.
    await teams.say(alice, personal, 'invite customer');
    const draftCard = connector.calls.at(-1)!;
    const link = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/.exec(cardText(draftCard))![0];
    const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(draftCard.body))![1]!;
    const done = await teams.invoke(alice, personal, 'invitation.done', { invitationId, subject: 'Reseller relationship', body: `Please accept: ${link}`, acquisition: 'own-marketing' });
    expect(cardText(done.body.value)).toContain('Invitation sent');

    // The customer accepts in a real browser.
    connector.clear();
    const slackCallsBefore = api.calls.length;
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${bot.url}${new URL(link).pathname}`);
    await page.getByLabel('Company name').fill('Adatum Corporation');
    await page.getByLabel('Domain').fill('adatum.com');
    await page.getByLabel('Your full name').fill('Giulia Rossi');
    await page.getByLabel('Work email').fill('giulia@adatum.com');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Accept the invitation' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you: the invitation is accepted');
    await screenshot(page, 'e2e-accepted');
    await page.close();

    // Teams channel and Slack channel both hear it.
    await expect.poll(() => connector.calls.find((c) => c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales')), { timeout: 5_000 }).toBeTruthy();
    const teamsNotice = connector.calls.find((c) => c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales'))!;
    expect(cardText(teamsNotice)).toContain('Adatum Corporation accepted the invitation');
    const slackNotice = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after: slackCallsBefore });
    expect(slackNotice.args.text).toBe('Adatum Corporation accepted the invitation');
    // The inviter's draft card in Teams now says so too.
    await expect.poll(() => connector.calls.some((c) => c.method === 'PUT' && cardText(c).includes('Adatum Corporation accepted the invitation'))).toBe(true);

    // Listed in Slack...
    const before = api.calls.length;
    await slack.command('UADMIN', 'list customers');
    const list = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0SALES', { after: before });
    expect(api.text(list)).toContain('Adatum Corporation');
    // ...in Teams...
    await teams.say(alice, personal, 'list customers');
    expect(cardText(connector.calls.at(-1))).toContain('Adatum Corporation');
    // ...and in the terminal chat.
    await bot.service.grantRole({ platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' }, { role: 'sales-agent', principal: 'cli:carla' });
    const lines: string[] = [];
    const chat = createChatSession({
      conversation: bot.conversation,
      turn: { actor: { platform: 'cli', userId: 'carla', displayName: 'Carla', locale: 'en' }, conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' } },
      out: (line) => lines.push(line),
    });
    await chat.input('list customers');
    expect(lines.join('\n')).toContain('Adatum Corporation');
    // And the inviter sees the invitation as accepted.
    expect(bot.service.getInvitation({ platform: 'slack', userId: 'UADMIN', displayName: 'Sam', locale: 'en' }, invitationId).status).toBe('accepted');
  });
});
