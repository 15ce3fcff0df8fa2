/** The HTTP answer to a card action, and what the start-up warm-up leaves behind. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { startConnector } from '../../fakes/connector.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../../fakes/teams-client.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };

let bot: Awaited<ReturnType<typeof startBot>>;
let connector: Awaited<ReturnType<typeof startConnector>>;

beforeEach(async () => {
  connector = await startConnector();
  bot = await startBot();
});
afterEach(async () => {
  await bot.stop();
  await connector.close();
});

describe('the answer to a card action', () => {
  it('is the replacement card as JSON, its length declared, the same on every click', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const click = () =>
      fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          teams.activity(alice, personal, {
            type: 'invoke',
            name: 'adaptiveCard/action',
            replyToId: 'card-1',
            value: { action: { type: 'Action.Execute', verb: 'customers.page', data: { page: 1, query: '' } } },
          }),
        ),
      });
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await click();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const text = await res.text();
      expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
      expect(JSON.parse(text)).toMatchObject({
        statusCode: 200,
        type: 'application/vnd.microsoft.card.adaptive',
        value: { type: 'AdaptiveCard', version: '1.5' },
      });
      texts.push(text);
    }
    expect(texts[1]).toBe(texts[0]);
  });

  it('is not preceded by anything sent to Teams: the warm-up at start answers itself', async () => {
    expect(connector.calls).toEqual([]);
    const teams = teamsClient(bot.url, connector.url);
    expect((await teams.say(alice, personal, 'help')).status).toBe(200);
    expect(connector.calls).toHaveLength(1);
  });
});
