/**
 * A customer accepts on the real page with a company and contact name built to become links,
 * mentions and formatting; the acceptance reaches a Teams channel, the inviter's Teams card and a
 * Slack channel through the real server, and every one of them shows the names as plain text.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { startConnector, type ConnectorCall } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { markdownTexts, ownMentionsAsText, slackProblems, slackVisible, squash, teamsRendering } from './hostile.js';

const SECRET = 'hostile-signing-secret';
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };

const COMPANY = '[Verify your account](https://evil.example/login) <!channel> @here';
const CONTACT = '**urgent** <https://evil.example|click> www.evil.example';

let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let bot: Awaited<ReturnType<typeof startBot>>;

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

/** Accepts on the customer's page as a browser would: load the form, post it with its cookie. */
async function acceptOnPage(link: string, fields: Record<string, string>) {
  const path = new URL(link).pathname;
  const page = await fetch(`${bot.url}${path}`, { headers: { 'accept-language': 'en-GB' } });
  const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return fetch(`${bot.url}${path}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrf, ...fields }).toString(),
    redirect: 'manual',
  });
}

/** The card of a connector call, checked the way a Teams client would render it. */
function expectInertCard(call: ConnectorCall | undefined) {
  const card = call?.body.attachments?.[0]?.content;
  expect(card).toBeDefined();
  const texts = markdownTexts(card).map(ownMentionsAsText(card));
  for (const text of texts) expect(teamsRendering(text).markup, text.text).toBeNull();
  // The card's fallbackText (clients that cannot render the card) is markdown too.
  const fallback = teamsRendering({ text: String((card as Record<string, unknown>).fallbackText), copy: false });
  expect(fallback.markup, 'fallbackText').toBeNull();
  const visible = texts.map((text) => teamsRendering(text).visible).join('\n');
  expect(visible).toContain(squash(COMPANY));
  return visible;
}

describe('names built to be markup, end to end', () => {
  it('reach the Teams channel, the inviter and the Slack channel as plain text', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
    await slack.command('UADMIN', 'notify here', { channel: 'C0NEWS', channelName: 'customer-news' });
    await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS');

    await teams.say(alice, personal, 'invite customer');
    const draft = JSON.stringify(connector.calls.at(-1)!.body);
    const link = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/.exec(draft)![0];
    const invitationId = /"invitationId":"([^"]+)"/.exec(draft)![1]!;
    await teams.invoke(alice, personal, 'invitation.done', {
      invitationId,
      subject: 'Reseller relationship',
      body: `Please accept: ${link}`,
      acquisition: 'own-marketing',
    });

    connector.clear();
    const slackBefore = api.calls.length;
    const res = await acceptOnPage(link, { companyName: COMPANY, domain: 'evil.example', name: CONTACT, email: 'anna@evil.example' });
    expect(res.status).toBe(200);

    // Teams: the channel notification, and the inviter's card turned into the acceptance.
    const channelPost = () => connector.calls.find((c) => c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales'));
    await expect.poll(channelPost, { timeout: 5_000 }).toBeTruthy();
    expect(expectInertCard(channelPost())).toContain(squash(CONTACT));
    const inviterCard = () => connector.calls.find((c) => c.method === 'PUT');
    await expect.poll(inviterCard, { timeout: 5_000 }).toBeTruthy();
    expectInertCard(inviterCard());
    // The news in the inviter's chat, a new message: inert too, but for the mention of the inviter.
    const inviterNews = () => connector.calls.find((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(personal.id));
    await expect.poll(inviterNews, { timeout: 5_000 }).toBeTruthy();
    expectInertCard(inviterNews());
    for (const post of [channelPost(), inviterNews()]) {
      expect((post!.body.attachments![0]!.content as { msteams?: unknown }).msteams).toEqual({
        entities: [{ type: 'mention', text: '<at>Alice Admin</at>', mentioned: { id: 'aad-admin', name: 'Alice Admin' } }],
      });
    }

    // Slack: the blocks and the notification text.
    const notice = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after: slackBefore });
    const text = notice.args.text as string;
    expect(slackProblems(text), text).toEqual([]);
    expect(slackVisible(text)).toContain(COMPANY);
    const mrkdwn = api.mrkdwn(notice);
    for (const block of mrkdwn) expect(slackProblems(block), block).toEqual([]);
    expect(mrkdwn.map(slackVisible).join('\n')).toContain(CONTACT);

    // Opening the customer from the list: the click is answered with a message (the details go
    // out as a new card), whose text is the card's fallback, with the company name in it.
    connector.clear();
    await teams.say(alice, personal, 'list customers');
    const list = JSON.stringify(connector.calls.at(-1)!.body);
    const customerId = /"verb":"customer\.show","customerId":"([^"]+)"/.exec(list)![1]!;
    const opened = await teams.invoke(alice, personal, 'customer.show', { customerId });
    expect(opened.body.type).toBe('application/vnd.microsoft.activity.message');
    const reply = teamsRendering({ text: opened.body.value as string, copy: false });
    expect(reply.markup, opened.body.value as string).toBeNull();
    expect(reply.visible).toContain(squash(COMPANY));
    expectInertCard(connector.calls.at(-1));
  });
});
