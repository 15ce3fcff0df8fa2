/**
 * Forged and replayed card actions: every one is refused or harmless, changes nothing it should
 * not, and leaves a trail in the logs ("action.refused", who, what, which ids).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsUser } from '../fakes/teams-client.js';
import { contact } from '../helpers.js';
import { startOpenId } from '../fakes/openid.js';
import { startFakeMicrosoft } from '../fakes/microsoft.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const bob: TeamsUser = { aadObjectId: 'aad-bob', name: 'Bob Sales' };
const personal = { id: 'a:personal', conversationType: 'personal' as const };
const admin = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };
const SECRET = 'forgery-secret';

let bot: Awaited<ReturnType<typeof startBot>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let teams: ReturnType<typeof teamsClient>;

beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Sam' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
  teams = teamsClient(bot.url, connector.url);
  await bot.service.grantRole(admin, { role: 'sales-agent', principal: 'teams:aad-bob' });
});
afterEach(async () => {
  await bot.stop();
  await api.close();
  await connector.close();
});

async function customer(domain: string) {
  const invitation = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  const { customer } = await bot.service.acceptInvitation(invitation.link.split('/').pop()!, { ...contact(domain), companyName: domain });
  return { customer, invitation };
}
const refusals = () => bot.logs.filter((l) => l.audit === 'action.refused');
const audits = (action: string) => [...bot.store.all('audit')].filter((e) => e.action === action).length;

describe('forged and replayed actions', () => {
  it('refuses a removal confirmation from someone without an admin role, and records who tried', async () => {
    const { customer: x } = await customer('contoso.com');
    const removal = await bot.service.requestRemoval(admin, x.id);
    const res = await teams.invoke(bob, personal, 'removal.confirm', { removalId: removal.removal.id, attest: true });
    expect(cardText(res.body)).toContain('Only a Global admin or an Admin agent can do that');
    expect(bot.service.listCustomers(admin, {}).total).toBe(1);
    expect(bot.service.getRemoval(admin, removal.removal.id).removal.status).toBe('pending');
    expect(refusals()).toEqual([expect.objectContaining({ principal: 'teams:aad-bob', verb: 'removal.confirm', code: 'NotAllowed', ids: { removalId: removal.removal.id } })]);
  });

  it('refuses Done and revoke on an invitation that is no longer pending', async () => {
    const { invitation } = await customer('contoso.com');
    const done = await teams.invoke(alice, personal, 'invitation.done', { invitationId: invitation.id, subject: 'x', body: invitation.link });
    expect(cardText(done.body)).toContain('already been accepted');
    const revoke = await teams.invoke(alice, personal, 'invitation.revoke', { invitationId: invitation.id });
    expect(cardText(revoke.body)).toContain('already been accepted');
    expect(bot.service.getInvitation(admin, invitation.id).status).toBe('accepted');
    expect(audits('invitation.sent') + audits('invitation.revoked')).toBe(0);
    expect(refusals().map((r) => r.code)).toEqual(['Conflict', 'Conflict']);
  });

  it('treats a replayed confirmation as harmless: one removal, one audit record', async () => {
    const { customer: x } = await customer('contoso.com');
    const removal = await bot.service.requestRemoval(admin, x.id);
    const first = await teams.invoke(alice, personal, 'removal.confirm', { removalId: removal.removal.id, attest: true });
    const replay = await teams.invoke(alice, personal, 'removal.confirm', { removalId: removal.removal.id, attest: true });
    expect(cardText(first.body)).toContain('Relationship with contoso.com removed');
    expect(cardText(replay.body)).toContain('Relationship with contoso.com removed');
    expect(audits('removal.confirmed')).toBe(1);
    expect(bot.service.listCustomers(admin, {}).total).toBe(0);
  });

  it('refuses a card naming a customer that is not (or no longer) ours', async () => {
    const { customer: gone } = await customer('gone.com');
    const removal = await bot.service.requestRemoval(admin, gone.id);
    await bot.service.confirmRemoval(admin, removal.removal.id, { attested: true });
    await customer('kept.com');
    const before = bot.store.count('removals');
    for (const customerId of [gone.id, 'not-a-customer', '../../etc/passwd']) {
      const res = await teams.invoke(alice, personal, 'removal.request', { customerId });
      expect(cardText(res.body)).toContain('No customer in your list matches');
    }
    expect(bot.store.count('removals')).toBe(before);
    expect(refusals()).toHaveLength(3);
  });

  it('refuses a role grant above the granter\'s own, whatever the channel', async () => {
    await bot.service.grantRole(admin, { role: 'admin-agent', principal: 'teams:aad-carla' });
    const carla: TeamsUser = { aadObjectId: 'aad-carla', name: 'Carla Agent' };
    await teams.say(carla, personal, 'grant global-admin teams:aad-bob');
    expect(cardText(connector.calls.at(-1))).toContain('Only a Global admin can do that');
    expect(bot.service.whoami({ platform: 'teams', userId: 'aad-bob', displayName: 'Bob', locale: 'en' }).role).toBe('sales-agent');
    const res = await teams.invoke(carla, personal, 'command', { command: 'grant', args: 'global-admin teams:aad-carla' });
    expect(cardText(res.body)).toContain('Only a Global admin can do that');
    expect(bot.service.whoami({ platform: 'teams', userId: 'aad-carla', displayName: 'Carla', locale: 'en' }).role).toBe('admin-agent');
  });

  it('refuses a Slack modal whose metadata was pointed at an accepted invitation', async () => {
    const { invitation } = await customer('contoso.com');
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const res = await slack.submit(
      'UADMIN',
      { callback_id: 'invitation.draft', private_metadata: JSON.stringify({ channel: 'C1', invitationId: invitation.id }), blocks: [] },
      { subject: { value: 'x' }, body: { value: invitation.link }, acquisition: { selected_option: { value: 'own-marketing' } } },
    );
    expect(res.json).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(JSON.stringify(res.json)).toContain('already been accepted');
    expect(bot.service.getInvitation(admin, invitation.id).status).toBe('accepted');
    expect(refusals()).toEqual([expect.objectContaining({ principal: 'slack:UADMIN', verb: 'invitation.done' })]);
  });
});

describe('Teams authentication', () => {
  it('answers 401 to a post without a valid Bot Framework token when credentials are configured', async () => {
    const APP_ID = '6f1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d';
    const openId = await startOpenId();
    const login = await startFakeMicrosoft({ clientId: APP_ID, tenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70' });
    const secured = await startBot({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: login.clientSecret,
      MicrosoftAppTenantId: login.tenantId,
      // The older name for ToBotFromChannelOpenIdMetadataUrl still works.
      BotOpenIdMetadata: openId.metadataUrl,
      ToChannelFromBotLoginUrl: `${login.loginUrl}/${login.tenantId}`,
      ToChannelFromBotOAuthScope: login.url,
    });
    try {
      const client = teamsClient(secured.url, connector.url);
      const body = client.activity(alice, personal, { type: 'message', text: 'invite customer' });
      const post = async (authorization?: string) => {
        const res = await fetch(`${secured.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        return res.status;
      };
      const claims = { aud: APP_ID, serviceurl: connector.url };
      expect(await post()).toBe(401);
      expect(await post('Basic YWRtaW46YWRtaW4=')).toBe(401);
      expect(await post('Bearer not.a.jwt')).toBe(401);
      expect(await post(`Bearer ${openId.sign(claims, { key: 'untrusted' })}`)).toBe(401); // forged signature
      expect(await post(`Bearer ${openId.sign({ ...claims, aud: 'someone-else' })}`)).toBe(401); // another bot's token
      expect(await post(`Bearer ${openId.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 600 })}`)).toBe(401); // expired
      expect(connector.calls).toHaveLength(0);
      expect(secured.store.count('invitations')).toBe(0);
      // The same request with a genuine token is served: 200, and the draft card is posted.
      expect(await post(`Bearer ${openId.sign(claims)}`)).toBe(200);
      expect(secured.store.count('invitations')).toBe(1);
      expect(connector.calls).toHaveLength(1);
      expect(connector.calls[0]!.method).toBe('POST');
      expect(cardText(connector.calls[0])).toContain('Invite a customer');
      expect(login.issued(/^Bearer (\S+)$/.exec(connector.calls[0]!.authorization ?? '')?.[1] ?? '')).toBe(true);
    } finally {
      await secured.stop();
      await openId.close();
      await login.close();
    }
  });
});
