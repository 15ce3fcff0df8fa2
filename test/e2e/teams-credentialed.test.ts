/**
 * Teams as every real deployment runs it: with MicrosoftAppId and MicrosoftAppPassword. The
 * channel's tokens are signed with the OpenID stand-in's keys (endorsed for msteams); the bot's
 * own token comes from the Entra login stand-in over https (its certificate trusted through
 * NODE_EXTRA_CA_CERTS, which test/setup/microsoft-tls.ts sets before the test processes start);
 * and the connector stand-in answers only requests that carry a token that login issued.
 *
 * Nothing here is pointed at Microsoft: the cloud's endpoints are overridden under botbuilder's
 * own names, and MSAL is told the login host is a known authority (no instance discovery).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector, type ConnectorCall } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startOpenId } from '../fakes/openid.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { contact } from '../helpers.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };

let login: FakeMicrosoft;
let openId: Awaited<ReturnType<typeof startOpenId>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let bot: Awaited<ReturnType<typeof startBot>>;
let teams: ReturnType<typeof teamsClient>;

beforeEach(async () => {
  login = await startFakeMicrosoft();
  openId = await startOpenId();
  connector = await startConnector({ acceptToken: (token) => login.issued(token) });
  bot = await startBot({
    MicrosoftAppId: login.clientId,
    MicrosoftAppPassword: login.clientSecret,
    MicrosoftAppTenantId: login.tenantId,
    // The bot's token: from the stand-in's tenant, for the stand-in's resource.
    ToChannelFromBotLoginUrl: `${login.loginUrl}/${login.tenantId}`,
    ToChannelFromBotOAuthScope: login.url,
    // The channel's signing keys: the OpenID stand-in's (the issuer stays the public cloud's).
    ToBotFromChannelOpenIdMetadataUrl: openId.metadataUrl,
  });
  teams = teamsClient(bot.url, connector.url, { token: () => openId.sign({ aud: login.clientId, serviceurl: connector.url }) });
});
afterEach(async () => {
  await bot.stop();
  await connector.close();
  await openId.close();
  await login.close();
});

const lastCard = () => connector.calls.at(-1)?.body.attachments?.[0]?.content;
/** Every call carried a token the login stand-in issued (the connector refused any other). */
function expectSigned(calls: ConnectorCall[]) {
  expect(calls.length).toBeGreaterThan(0);
  for (const call of calls) {
    const token = /^Bearer (\S+)$/.exec(call.authorization ?? '')?.[1] ?? '';
    expect(login.issued(token), `${call.method} ${call.path} carried ${call.authorization ?? 'no Authorization'}`).toBe(true);
  }
  expect(connector.refused).toEqual([]);
}

describe('Teams with credentials', () => {
  it('answers 401 to an unsigned request and to one signed with an unknown key, and calls no one', async () => {
    const body = teams.activity(alice, personal, { type: 'message', text: 'help' });
    const post = (headers: Record<string, string>) =>
      fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post({})).status).toBe(401);
    const forged = openId.sign({ aud: login.clientId, serviceurl: connector.url }, { key: 'untrusted' });
    expect((await post({ authorization: `Bearer ${forged}` })).status).toBe(401);
    expect(connector.calls).toEqual([]);
    expect(connector.refused).toEqual([]);
    expect(login.tokensIssued).toBe(0);
  });

  it('replies, updates the draft card on Done and notifies a channel, each with the token from the login endpoint', async () => {
    // A reply in the turn.
    const subscribed = await teams.say(alice, salesChannel, 'notify here');
    expect(subscribed.status).toBe(200);
    expect(cardText(connector.calls.at(-1))).toContain("I'll post here whenever a customer accepts");
    expect(login.tokensIssued).toBeGreaterThanOrEqual(1);
    // MSAL asked the stand-in, not Microsoft, for the authority's metadata and the token.
    const loginPaths = login.requests().map((r) => r.path);
    expect(loginPaths).toContain(`/${login.tenantId}/oauth2/v2.0/token`);

    const drafted = await teams.say(alice, personal, 'invite customer');
    expect(drafted.status).toBe(200);
    const draftCard = lastCard();
    expect(cardText(draftCard)).toContain('Invite a customer');
    const draftId = `activity-${connector.calls.length}`;
    const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(draftCard))![1]!;
    const link = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/.exec(cardText(draftCard))![0];

    // Done from a client without Universal Actions: the card is updated in place through the connector.
    const done = await teams.submit(alice, personal, { verb: 'invitation.done', invitationId, subject: 'Hi', body: `Please accept: ${link}`, acquisition: 'own-marketing' }, draftId);
    expect(done.status).toBe(200);
    const update = connector.calls.at(-1)!;
    expect(update.method).toBe('PUT');
    expect(decodeURIComponent(update.path)).toContain(`/activities/${draftId}`);
    expect(cardText(update)).toContain('Invitation sent');

    // The customer accepts: the channel hears of it proactively, the draft card says so, and the
    // inviter's chat gets the news as a new message.
    expectSigned(connector.calls);
    connector.clear();
    await bot.service.acceptInvitation(link.split('/').pop()!, contact());
    await expect.poll(() => connector.calls.filter((c) => cardText(c).includes('Contoso Ltd accepted the invitation')).length, { timeout: 15_000 }).toBe(3);
    const notified = connector.calls.find((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(salesChannel.id))!;
    expect(cardText(notified)).toContain('Contoso Ltd accepted the invitation');
    expect(connector.calls.find((c) => c.method === 'PUT')!.path).toContain(draftId);
    const news = connector.calls.find((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(personal.id))!;
    expect(cardText(news)).toContain('Contoso Ltd accepted the invitation');
    expect(bot.store.count('deliveries')).toBe(0);

    expectSigned(connector.calls);
    expect(bot.logs.filter((l) => l.msg === 'Teams turn failed')).toEqual([]);
  });
});
