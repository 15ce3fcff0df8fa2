/**
 * An export link with the Microsoft directory (login and Graph played by a local https stand-in):
 * at download time the person who asked is looked up in the partner tenant again, so a link made
 * by an Admin agent who has since left the AdminAgents group downloads nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { clickDownload } from '../helpers.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const MINUTE = 60_000;

let microsoft: FakeMicrosoft;
let connector: Awaited<ReturnType<typeof startConnector>>;
let bot: Awaited<ReturnType<typeof startBot>>;
/** The bot's time, moved on past the directory's five-minute role cache. */
let skew = 0;

beforeEach(async () => {
  skew = 0;
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  connector = await startConnector();
  bot = await startBot(microsoftEnv(microsoft), { clock: { now: () => new Date(Date.now() + skew) } });
});
afterEach(async () => {
  await bot?.stop();
  await connector?.close();
  await microsoft?.close();
});

async function auditLink(): Promise<string> {
  await teamsClient(bot.url, connector.url).say(alice, personal, 'export audit');
  expect(cardText(connector.calls.at(-1))).toContain('Audit log export');
  const url = /"url":"(http:\/\/localhost:3978\/downloads\/[A-Za-z0-9_-]+)"/.exec(JSON.stringify(connector.calls.at(-1)!.body))![1]!;
  return url.replace('http://localhost:3978', bot.url);
}

describe('export links with DIRECTORY=microsoft', () => {
  it("checks the partner tenant's groups again when the link is used", async () => {
    const first = await auditLink();
    const second = await auditLink();

    // Past the role cache, still in AdminAgents: looked up again, and the file comes.
    skew = 6 * MINUTE;
    const ok = await clickDownload(first);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).toString('utf8')).toMatch(/^\uFEFFWhen \(UTC\),Who,/);

    // Out of AdminAgents, and past the cache again (the link still within its 15 minutes): refused.
    microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: [] });
    skew = 12 * MINUTE;
    const refused = await clickDownload(second);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('may no longer export this');
  }, 30_000);
});
