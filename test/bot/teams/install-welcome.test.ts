/**
 * Installing the app: Teams sends a conversationUpdate naming the bot among the members added and
 * an installationUpdate (`add`), in either order. The person (or the channel) gets one welcome
 * message, not one per activity; a person joining a channel later gets none. What the welcome
 * says is the welcome's own test; here only how many are sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { startConnector } from '../../fakes/connector.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../../fakes/teams-client.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const bob: TeamsUser = { aadObjectId: 'aad-bob', name: 'Bob Sales' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const sales: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
/** The bot's own account, as the client's activities name it in `recipient`. */
const BOT = { id: '28:bot', name: 'CSP Connect' };

let bot: Awaited<ReturnType<typeof startBot>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let teams: ReturnType<typeof teamsClient>;
beforeEach(async () => {
  connector = await startConnector();
  bot = await startBot();
  teams = teamsClient(bot.url, connector.url);
});
afterEach(async () => {
  await bot.stop();
  await connector.close();
});

/** What the bot posted in `conversation`. */
const postedIn = (conversation: TeamsConversation) =>
  connector.calls.filter((c) => c.method === 'POST' && decodeURIComponent(c.path).startsWith(`/v3/conversations/${conversation.id}/`));

const botAdded = (by: TeamsUser, conversation: TeamsConversation) =>
  teams.activity(by, conversation, {
    type: 'conversationUpdate',
    membersAdded: [BOT, ...(conversation.conversationType === 'personal' ? [{ id: `29:${by.aadObjectId}` }] : [])],
  });
const installed = (by: TeamsUser, conversation: TeamsConversation) =>
  teams.activity(by, conversation, { type: 'installationUpdate', action: 'add' });

describe('the install welcome', () => {
  for (const conversation of [personal, sales]) {
    for (const order of ['conversationUpdate first', 'installationUpdate first'] as const) {
      it(`is sent once in a ${conversation.conversationType} conversation (${order})`, async () => {
        const activities = [botAdded(alice, conversation), installed(alice, conversation)];
        if (order === 'installationUpdate first') activities.reverse();
        for (const activity of activities) expect((await teams.post(activity)).status).toBe(200);
        await bot.idle();
        expect(postedIn(conversation)).toHaveLength(1);
        expect(connector.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
      });
    }
  }

  it('is not sent when a person, not the bot, joins a channel the bot is in', async () => {
    await teams.post(installed(alice, sales));
    await bot.idle();
    connector.clear();
    expect(
      (
        await teams.post(
          teams.activity(alice, sales, { type: 'conversationUpdate', membersAdded: [{ id: `29:${bob.aadObjectId}`, name: bob.name }] }),
        )
      ).status,
    ).toBe(200);
    await bot.idle();
    expect(postedIn(sales)).toHaveLength(0);
  });
});
