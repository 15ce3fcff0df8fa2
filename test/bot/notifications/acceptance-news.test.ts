/**
 * An acceptance is news: the conversation the invitation was made in gets a new message (its card
 * turned into the acceptance as well), and the subscribed channels' posts @mention the inviter, on
 * the inviter's own platform; on the other one they name the inviter in words. Through the real
 * surfaces (/api/messages with the connector stand-in, /slack/events with the Slack API stand-in),
 * in English and Italian.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { cardText, startConnector, type ConnectorCall } from '../../fakes/connector.js';
import { startSlackApi, type SlackApi, type SlackCall } from '../../fakes/slack-api.js';
import { slackClient, type SlackClient } from '../../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../../fakes/teams-client.js';
import { contact } from '../../helpers.js';

const SECRET = 'news-signing-secret';
const WAIT = { timeout: 15_000 };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
const LINK = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/;

const languages = [
  {
    locale: 'en',
    platformLocale: 'en-US',
    notify: 'notify here',
    invite: 'invite customer',
    title: 'Contoso Ltd accepted the invitation',
    invitedBy: (who: string) => `Invited by ${who}.`,
  },
  {
    locale: 'it',
    platformLocale: 'it-IT',
    notify: 'notifica qui',
    invite: 'invita cliente',
    title: "Contoso Ltd ha accettato l'invito",
    invitedBy: (who: string) => `Invitato da ${who}.`,
  },
] as const;

let connector: Awaited<ReturnType<typeof startConnector>>;
let api: SlackApi;
let bot: Awaited<ReturnType<typeof startBot>>;
let teams: ReturnType<typeof teamsClient>;
let slack: SlackClient;

beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin' }, UITALO: { name: 'Italo Rossi', locale: 'it-IT', tz: 'Europe/Rome' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
  teams = teamsClient(bot.url, connector.url);
  slack = slackClient(bot.url, SECRET, api.responseUrl);
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
});

const cardOf = (call: ConnectorCall | undefined) => call?.body.attachments?.[0]?.content as Record<string, unknown> | undefined;
const textBlocks = (card: unknown): string[] =>
  ((card as { body?: Array<{ type: string; text?: string }> } | undefined)?.body ?? [])
    .filter((b) => b.type === 'TextBlock')
    .map((b) => b.text ?? '');
const postsTo = (conversation: TeamsConversation) =>
  connector.calls.filter((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(conversation.id));

/** A Teams invitation drafted in Alice's chat and marked as sent there; its link. */
async function teamsInvitation(alice: TeamsUser, invite: string): Promise<string> {
  await teams.say(alice, personal, invite);
  const draft = JSON.stringify(connector.calls.at(-1)!.body);
  const link = LINK.exec(draft)![0];
  const invitationId = /"invitationId":"([^"]+)"/.exec(draft)![1]!;
  await expect.poll(() => bot.store.get('invitations', invitationId)?.draftMessage?.platform, WAIT).toBe('teams');
  const done = await teams.invoke(alice, personal, 'invitation.done', {
    invitationId,
    subject: 'Hi',
    body: `Please accept: ${link}`,
    acquisition: 'own-marketing',
  });
  expect(done.status).toBe(200);
  return link;
}

/** A Slack invitation drafted by `user` in #sales and marked as sent there: its link and the sent message. */
async function slackInvitation(user: string, invite: string): Promise<{ link: string; sent: SlackCall }> {
  const after = api.calls.length;
  await slack.command(user, invite);
  const modal = await api.waitFor('views.open', () => true, { after, timeoutMs: WAIT.timeout });
  const view = modal.args.view as Record<string, unknown> & { blocks: Array<Record<string, unknown>> };
  const body = (view.blocks.find((b) => b.block_id === 'body')!.element as { initial_value: string }).initial_value;
  await slack.submit(user, view, {
    subject: { type: 'plain_text_input', value: 'Reseller relationship' },
    body: { type: 'plain_text_input', value: body },
    acquisition: { type: 'static_select', selected_option: { value: 'own-marketing' } },
  });
  const sent = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0SALES', { after, timeoutMs: WAIT.timeout });
  return { link: LINK.exec(body)![0], sent };
}

const accept = (link: string) => bot.service.acceptInvitation(link.split('/').pop()!, contact());

describe('an acceptance is news', () => {
  for (const language of languages) {
    it(`Teams (${language.locale}): a new message in the inviter's chat, and the channel's post @mentions the inviter`, async () => {
      const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin', locale: language.platformLocale };
      await teams.say(alice, salesChannel, `<at>CSP Connect</at> ${language.notify}`);
      const link = await teamsInvitation(alice, language.invite);
      connector.clear();
      await accept(link);

      await expect.poll(() => postsTo(personal).length, WAIT).toBe(1);
      await expect.poll(() => postsTo(salesChannel).length, WAIT).toBe(1);
      await expect.poll(() => connector.calls.filter((c) => c.method === 'PUT').length, WAIT).toBe(1);
      const mention = { type: 'mention', text: '<at>Alice Admin</at>', mentioned: { id: 'aad-admin', name: 'Alice Admin' } };
      for (const post of [postsTo(personal)[0], postsTo(salesChannel)[0]]) {
        const card = cardOf(post);
        expect(cardText(post)).toContain(language.title);
        expect(textBlocks(card)).toContain(language.invitedBy('<at>Alice Admin</at>'));
        expect(card!.msteams).toEqual({ entities: [mention] });
      }
      // The old card became the acceptance too, in place.
      expect(cardText(connector.calls.find((c) => c.method === 'PUT'))).toContain(language.title);
      await expect.poll(() => bot.store.count('deliveries'), WAIT).toBe(0);
    });

    it(`Slack (${language.locale}): a new message in the inviter's channel, and the channel's post @mentions the inviter`, async () => {
      const user = language.locale === 'it' ? 'UITALO' : 'UADMIN';
      if (user !== 'UADMIN') {
        const before = api.calls.length;
        await slack.command('UADMIN', 'grant admin-agent slack:UITALO');
        await api.waitFor('chat.postMessage', () => true, { after: before, timeoutMs: WAIT.timeout });
      }
      await slack.command(user, language.notify, { channel: 'C0NEWS', channelName: 'customer-news' });
      await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { timeoutMs: WAIT.timeout });
      const { link, sent } = await slackInvitation(user, language.invite);
      const after = api.calls.length;
      await accept(link);

      const news = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0SALES', { after, timeoutMs: WAIT.timeout });
      const notice = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after, timeoutMs: WAIT.timeout });
      for (const post of [news, notice]) {
        expect(post.args.text).toBe(language.title);
        expect(api.mrkdwn(post).join('\n')).toContain(language.invitedBy(`<@${user}>`));
      }
      // The inviter's old message became the acceptance too, in place.
      const updated = await api.waitFor('chat.update', () => true, { after, timeoutMs: WAIT.timeout });
      expect(updated.args).toMatchObject({ channel: 'C0SALES', ts: sent.result.ts, text: language.title });
      await expect.poll(() => bot.store.count('deliveries'), WAIT).toBe(0);
      expect(api.calls.slice(after).filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    });
  }

  it('names an inviter from the other platform in words: a Teams inviter in Slack, a Slack inviter in Teams', async () => {
    const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
    await slack.command('UADMIN', 'notify here', { channel: 'C0NEWS', channelName: 'customer-news' });
    await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { timeoutMs: WAIT.timeout });

    // Invited from Teams: Slack's post names Alice, mentions nobody.
    const after = api.calls.length;
    await accept(await teamsInvitation(alice, 'invite customer'));
    const fromTeams = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after, timeoutMs: WAIT.timeout });
    expect(api.mrkdwn(fromTeams).join('\n')).toContain('Invited by Alice Admin.');
    expect(api.mrkdwn(fromTeams).join('\n')).not.toContain('<@');

    // Invited from Slack: the Teams channel's card names Alice, with no mention entity.
    const { link } = await slackInvitation('UADMIN', 'invite customer');
    connector.clear();
    await accept(link);
    await expect.poll(() => postsTo(salesChannel).length, WAIT).toBe(1);
    const card = cardOf(postsTo(salesChannel)[0]);
    expect(textBlocks(card)).toContain('Invited by Alice Admin.');
    expect(card!.msteams).toBeUndefined();
    expect(JSON.stringify(card)).not.toContain('<at>');
    await expect.poll(() => bot.store.count('deliveries'), WAIT).toBe(0);
  });
});
