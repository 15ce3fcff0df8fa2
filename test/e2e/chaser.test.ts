/**
 * The chaser: an invitation nobody answers is brought back to the conversation it was made in,
 * at each INVITATION_REMINDERS offset (here in seconds, on a real timer), once each, across a
 * restart; Snooze puts it off, Revoke ends it, and an expiry is told once with Invite again.
 * Through Teams (/api/messages with the connector stand-in) and Slack (/slack/events).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startSlackApi, type SlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { tempDir } from '../helpers.js';

const SECRET = 'chaser-signing-secret';
const WAIT = { timeout: 20_000, interval: 100 };
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const LINK = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/;
const REMINDER = 'Fabrikam Srl has not answered yet';

let connector: Awaited<ReturnType<typeof startConnector>>;
let api: SlackApi;
let bot: Awaited<ReturnType<typeof startBot>> | null = null;
/** The bot's time: real time, moved on by `skew` when a test needs an invitation to expire. */
let skew = 0;
const clock = { now: () => new Date(Date.now() + skew) };

beforeEach(async () => {
  skew = 0;
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin' } });
});
afterEach(async () => {
  await bot?.stop();
  bot = null;
  await api?.close();
  await connector?.close();
});

const start = (reminders: string, dataFile: string, withClock = false) =>
  startBot(
    { INVITATION_REMINDERS: reminders, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl },
    { dataFile, ...(withClock ? { clock } : {}) },
  );
const posts = (text: string) => connector.calls.filter((c) => c.method === 'POST' && cardText(c).includes(text));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Drafted in Alice's chat for Fabrikam Srl and marked sent there: the invitation's id. */
async function teamsInvitation(): Promise<string> {
  const teams = teamsClient(bot!.url, connector.url);
  await teams.say(alice, personal, 'invite customer Fabrikam Srl ada@fabrikam.example');
  const draft = JSON.stringify(connector.calls.at(-1)!.body);
  const invitationId = /"invitationId":"([^"]+)"/.exec(draft)![1]!;
  await expect.poll(() => bot!.store.get('invitations', invitationId)?.draftMessage?.platform, WAIT).toBe('teams');
  const done = await teams.invoke(alice, personal, 'invitation.done', {
    invitationId,
    subject: 'Hi',
    body: `Please accept: ${LINK.exec(draft)![0]}`,
    acquisition: 'own-marketing',
  });
  expect(done.status).toBe(200);
  return invitationId;
}

describe('the chaser', () => {
  it('Teams: each reminder once, across a restart; Resend shows the email again; Snooze puts it off; Revoke ends it', async () => {
    const dataFile = join(tempDir(), 'db.json');
    bot = await start('2s,6s', dataFile);
    const invitationId = await teamsInvitation();

    await expect.poll(() => posts(REMINDER).length, WAIT).toBe(1);
    const reminder = cardText(posts(REMINDER)[0]);
    expect(reminder).toContain('was sent 2 seconds ago and is still waiting');
    for (const button of ['Resend', 'Remind me later', 'Revoke']) expect(reminder).toContain(button);

    // Restarted between the two reminders, on the same data file: the second comes, the first never again.
    await bot.stop();
    bot = await start('2s,6s', dataFile);
    await expect.poll(() => posts(REMINDER).length, WAIT).toBe(2);
    expect(cardText(posts(REMINDER)[1])).toContain('was sent 6 seconds ago');
    await sleep(2500);
    expect(posts(REMINDER)).toHaveLength(2);

    const teams = teamsClient(bot.url, connector.url);
    // Resend: the email as it was sent, to send again; no new invitation. On the bot's own page the
    // link cannot be shown again (only its hash is kept): a new link, said so, the old one dead.
    const oldHash = bot.store.get('invitations', invitationId)!.tokenHash;
    const resent = await teams.invoke(alice, personal, 'invitation.resend', { invitationId });
    const shown = JSON.stringify(resent.body) + connector.calls.slice(-2).map(cardText).join('\n');
    expect(shown).toContain('Please accept:');
    expect(shown).toContain('with a new link');
    expect(shown).not.toContain('{invitation-link}');
    const newLink = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]{22,}/.exec(shown)![0];
    expect(bot.store.get('invitations', invitationId)!.tokenHash).not.toBe(oldHash);
    expect((await fetch(`${bot.url}/invitations/${newLink.split('/').pop()}`)).status).toBe(200);
    expect(bot.store.count('invitations')).toBe(1);

    // Snooze: reminded again later (2 s here, the first offset being shorter than 3 days).
    await teams.invoke(alice, personal, 'invitation.snooze', { invitationId });
    expect(cardText(connector.calls.at(-1))).toContain('You will be reminded of the invitation to Fabrikam Srl again on');
    await expect.poll(() => posts(REMINDER).length, WAIT).toBe(3);

    // Snoozed again, then revoked: nothing more comes.
    await teams.invoke(alice, personal, 'invitation.snooze', { invitationId });
    await teams.invoke(alice, personal, 'invitation.revoke', { invitationId });
    expect(bot.store.get('invitations', invitationId)?.status).toBe('revoked');
    await sleep(3500);
    expect(posts(REMINDER)).toHaveLength(3);
    // A card's Snooze on a revoked invitation is refused, and queues nothing.
    await teams.invoke(alice, personal, 'invitation.snooze', { invitationId });
    expect(cardText(connector.calls.at(-1))).toMatch(/revoked/i);
    expect([...bot.store.all('deliveries')].filter((d) => d.id.includes(invitationId))).toEqual([]);
  }, 90_000);

  it('Teams: an invitation that expires unanswered is told once, with Invite again for the same company and email', async () => {
    bot = await start('1h', join(tempDir(), 'db.json'), true);
    const invitationId = await teamsInvitation();
    const expiresAt = Date.parse(bot.store.get('invitations', invitationId)!.expiresAt);
    // 2 s before it expires: the hour's reminder is overdue, the expiry 2 s away.
    skew = expiresAt - Date.now() - 2000;
    await bot.dispatcher.runDue();
    await expect.poll(() => posts(REMINDER).length, WAIT).toBe(1);
    const EXPIRED = 'The invitation to Fabrikam Srl expired';
    await expect.poll(() => posts(EXPIRED).length, WAIT).toBe(1);
    await bot.dispatcher.runDue();
    await bot.idle();
    expect(posts(EXPIRED)).toHaveLength(1);
    const card = JSON.stringify(posts(EXPIRED)[0]!.body);
    expect(card).toContain('Invite again');
    expect(card).toContain('"args":"Fabrikam Srl ada@fabrikam.example"');

    const teams = teamsClient(bot.url, connector.url);
    await teams.invoke(alice, personal, 'command', { command: 'invite', args: 'Fabrikam Srl ada@fabrikam.example' });
    expect([...bot.store.all('invitations')].at(-1)).toMatchObject({
      status: 'draft',
      companyName: 'Fabrikam Srl',
      customerEmail: 'ada@fabrikam.example',
    });
  }, 60_000);

  it('Slack: the reminder in the channel the invitation was made in, once; Revoke from it ends the chase', async () => {
    // The second reminder is far enough out that the Revoke below always comes before it, on a busy machine too.
    bot = await start('2s,30s', join(tempDir(), 'db.json'));
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const after = api.calls.length;
    await slack.command('UADMIN', 'invite customer Tailspin Toys ugo@tailspin.example');
    const modal = await api.waitFor('views.open', () => true, { after, timeoutMs: WAIT.timeout });
    const view = modal.args.view as Record<string, unknown> & { blocks: Array<Record<string, unknown>> };
    const body = (view.blocks.find((b) => b.block_id === 'body')!.element as { initial_value: string }).initial_value;
    await slack.submit('UADMIN', view, {
      subject: { type: 'plain_text_input', value: 'Reseller relationship' },
      body: { type: 'plain_text_input', value: body },
      acquisition: { type: 'static_select', selected_option: { value: 'own-marketing' } },
    });
    const reminders = () => api.calls.filter((c) => c.method === 'chat.postMessage' && api.text(c).includes('has not answered yet'));
    await expect.poll(() => reminders().length, WAIT).toBe(1);
    const reminder = reminders()[0]!;
    expect(reminder.args.channel).toBe('C0SALES');
    // The modal left the company and email empty: the generic wording of the invitations list.
    expect(api.text(reminder)).toContain('Customer not named yet has not answered yet');
    const buttons = (
      (reminder.args.blocks ?? []) as Array<{
        elements?: Array<{ action_id?: string; value?: string }>;
        accessory?: { action_id?: string; value?: string };
      }>
    )
      .flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
      .filter((e) => e.action_id?.startsWith('csp:'));
    expect(buttons.map((b) => b.action_id!.split(':')[1])).toEqual(['invitation.resend', 'invitation.snooze', 'invitation.revoke']);
    const revoke = buttons[2]!;
    await slack.action('UADMIN', { type: 'button', action_id: revoke.action_id, value: revoke.value });
    await expect.poll(() => [...bot!.store.all('invitations')][0]?.status, WAIT).toBe('revoked');
    // The revoke dropped the reminder still to come: nothing is left to send.
    expect([...bot!.store.all('deliveries')].filter((d) => d.id.startsWith('reminder:'))).toEqual([]);
    await sleep(3500);
    expect(reminders()).toHaveLength(1);
  }, 60_000);
});
