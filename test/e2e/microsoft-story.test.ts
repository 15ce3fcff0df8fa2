/**
 * The Microsoft directory's story, with Microsoft's login and Graph played by a local https
 * stand-in: an admin (recognised by the AdminAgents group alone) invites in Teams, the stand-in
 * customer approves the GDAP request, the sync accepts the invitation once, the subscribed Teams
 * and Slack channels get one notification each, the customer is listed, and a sales agent
 * (SalesAgents group) is refused an invite but allowed the list. Also in the terminal chat.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { createChatSession } from '../../bot/cli/session.js';

const SECRET = 'e2e-signing-secret';
const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const SAL_ID = '0a1b2c3d-0000-4000-8000-0000000005a1';
const SAM_ID = '0a1b2c3d-0000-4000-8000-0000000005a3';
const CUSTOMER_TENANT = '7c0ffee0-1234-4abc-9def-000000000001';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const sal: TeamsUser = { aadObjectId: SAL_ID, name: 'Sal Sales' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salPersonal: TeamsConversation = { id: 'a:personal-sal', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };

let microsoft: FakeMicrosoft;
let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  microsoft = await startFakeMicrosoft({ pageSize: 2 });
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  microsoft.addUser({ id: SAL_ID, mail: 'sal@northwind.example', groups: ['SalesAgents'] });
  microsoft.addUser({ id: SAM_ID, mail: 'sam@northwind.example', directoryRoleTemplateIds: ['62e90394-69f5-4237-9190-012177145e10'] });
  connector = await startConnector();
  api = await startSlackApi({
    USAM: { name: 'Sam Slack', email: 'Sam@Northwind.example' },
    UNOBODY: { name: 'Nobody', email: 'nobody@elsewhere.example' },
  });
  bot = await startBot({
    ...microsoftEnv(microsoft),
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: api.apiUrl,
  });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
  await microsoft?.close();
});

describe('DIRECTORY=microsoft against local stand-ins of Microsoft login and Graph', () => {
  it('invites in Teams, the customer approves at Microsoft, both channels hear it once, and roles come from the partner tenant', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const slack = slackClient(bot.url, SECRET, api.responseUrl);

    // Subscriptions: Alice (AdminAgents) in a Teams channel, Sam (Global Administrator, found by his Slack email) in Slack.
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
    expect(cardText(connector.calls.at(-1))).toContain("I'll post here");
    await slack.command('USAM', 'notify here', { channel: 'C0NEWS', channelName: 'customer-news' });
    await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS');
    const sam = { platform: 'slack', userId: 'USAM', displayName: 'Sam', locale: 'en' } as const;
    expect(bot.service.listNotificationSubscriptions(sam)).toHaveLength(2);

    // Alice drafts: a GDAP request is made and locked at Microsoft, and the email carries both links.
    await teams.say(alice, personal, 'invite customer');
    const draft = cardText(connector.calls.at(-1));
    const [relationship] = microsoft.relationships();
    expect(relationship).toMatchObject({ status: 'approvalPending', autoExtendDuration: 'P180D', duration: 'P730D' });
    expect(relationship!.roleDefinitionIds).not.toContain('62e90394-69f5-4237-9190-012177145e10');
    const approvalLink = `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${relationship!.id}`;
    const resellerLink = microsoftEnv(microsoft).RESELLER_LINK;
    expect(draft).toContain(approvalLink);
    expect(draft).toContain(resellerLink);
    const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(connector.calls.at(-1)!.body))![1]!;

    // Done without the approval link is refused with the link to put back; with both, sent.
    const missing = await teams.invoke(alice, personal, 'invitation.done', {
      invitationId,
      subject: 'Reseller relationship',
      body: `Please accept: ${resellerLink}`,
      acquisition: 'own-marketing',
    });
    expect(cardText(missing.body.value)).toContain(approvalLink);
    const done = await teams.invoke(alice, personal, 'invitation.done', {
      invitationId,
      subject: 'Reseller relationship',
      body: `Please accept:\n${resellerLink}\nand approve:\n${approvalLink}`,
      acquisition: 'own-marketing',
    });
    expect(cardText(done.body.value)).toContain('Invitation sent');

    // The sync sees nothing yet: still pending, nobody notified.
    connector.clear();
    const slackBefore = api.calls.length;
    await bot.sync!.runOnce();
    expect(
      bot.service.getInvitation({ platform: 'teams', userId: ALICE_ID, displayName: 'Alice', locale: 'en' }, invitationId).status,
    ).toBe('sent');

    // The customer's Global administrator approves at Microsoft; Graph now lists the customer.
    microsoft.approve(relationship!.id, { tenantId: CUSTOMER_TENANT, displayName: 'Contoso Ltd' });
    microsoft.addCustomer({ tenantId: CUSTOMER_TENANT, displayName: 'Contoso Ltd' });
    await bot.sync!.runOnce();
    await bot.sync!.runOnce(); // a second pass (or a second replica's) changes nothing
    await bot.dispatcher.idle();

    const teamsNotices = () =>
      connector.calls.filter(
        (c) => c.method === 'POST' && decodeURIComponent(c.path).includes('19:sales') && cardText(c).includes('Contoso Ltd accepted'),
      );
    const slackNotices = () =>
      api.calls
        .slice(slackBefore)
        .filter(
          (c) => c.method === 'chat.postMessage' && c.args.channel === 'C0NEWS' && String(c.args.text).includes('Contoso Ltd accepted'),
        );
    await expect.poll(() => teamsNotices().length).toBe(1);
    await expect.poll(() => slackNotices().length).toBe(1);
    // The inviter's draft card turned into the acceptance.
    await expect.poll(() => connector.calls.some((c) => c.method === 'PUT' && cardText(c).includes('Contoso Ltd accepted'))).toBe(true);
    expect(
      bot.service.getInvitation({ platform: 'teams', userId: ALICE_ID, displayName: 'Alice', locale: 'en' }, invitationId).status,
    ).toBe('accepted');

    // Listed, with its GDAP relationship in the details.
    await teams.say(alice, personal, 'list customers');
    expect(cardText(connector.calls.at(-1))).toContain('Contoso Ltd');
    await teams.say(alice, personal, 'customer Contoso');
    const details = cardText(connector.calls.at(-1));
    expect(details).toContain('Admin access (GDAP)');
    expect(details).toContain('active');
    expect(details).toContain('Partner Center');

    // Sal is a sales agent by group membership alone: no invite, but the list.
    await teams.say(sal, salPersonal, 'invite customer');
    expect(cardText(connector.calls.at(-1))).toMatch(/Only a Global admin or an Admin agent/);
    expect(microsoft.relationships()).toHaveLength(1); // no GDAP request made for a refused invite
    await teams.say(sal, salPersonal, 'list customers');
    expect(cardText(connector.calls.at(-1))).toContain('Contoso Ltd');

    // Sam, a Global Administrator found by his Slack email, drafts in Slack: a second GDAP request, its own approval link.
    const beforeSlackDraft = api.calls.length;
    await slack.command('USAM', 'invite customer', { channel: 'D0SAM', channelName: 'directmessage' });
    // The draft opens as a modal in Slack, the email (with both links) in its text field.
    const slackDraft = await api.waitFor('views.open', () => true, { after: beforeSlackDraft });
    expect(microsoft.relationships()).toHaveLength(2);
    expect(api.text(slackDraft)).toContain(`granularAdminRelationships/${microsoft.relationships()[1]!.id}`);

    // A Slack user whose email is not in the partner tenant has no role.
    const before = api.calls.length;
    await slack.command('UNOBODY', 'list customers', { channel: 'C0OTHER', channelName: 'other' });
    const refusal = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0OTHER', { after: before });
    expect(api.text(refusal)).not.toContain('Contoso Ltd');
    expect(api.text(refusal)).toContain('AdminAgents, SalesAgents or HelpdeskAgents group');

    // After all that, still exactly one notification per channel.
    await bot.sync!.runOnce();
    await bot.dispatcher.idle();
    expect(teamsNotices()).toHaveLength(1);
    expect(slackNotices()).toHaveLength(1);

    // In the terminal, someone the partner tenant does not know gets no role either, and is told where roles live.
    const lines: string[] = [];
    const chat = createChatSession({
      conversation: bot.conversation,
      turn: {
        actor: { platform: 'cli', userId: 'nobody', displayName: 'Nobody', locale: 'en' },
        conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
      },
      out: (line) => lines.push(line),
    });
    await chat.input('list customers');
    expect(lines.join('\n')).not.toContain('Contoso Ltd');
    expect(lines.join('\n')).toContain('roles come from your partner tenant');
  });
});
