/**
 * Finding 8 of the third hostile round, replayed against the real server: deliveries to
 * conversations that always refuse were retried every hour forever, and nothing removed a
 * subscription whose conversation was gone. Here the Teams connector and Slack stand-ins refuse,
 * the bot's clock is stepped by hand (test/bot/notifications/dispatcher.test.ts does the same),
 * and the checks are: a conversation that keeps failing is given up after the cap and the admins
 * told once; one that is gone is dropped at the first refusal and the admins told once;
 * `notifications` shows the health, and only an admin's Remove click removes one. On the data
 * file and on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector, type ConnectorCall } from '../fakes/connector.js';
import { startSlackApi, type SlackApi, type SlackCall } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { contact } from '../helpers.js';
import { testDatabase } from '../pg.js';
import { GIVE_UP_AFTER_ATTEMPTS, GIVE_UP_AFTER_DAYS } from '../../bot/service/delivery-outcomes.js';
import { renderText } from '../../render/text/render-text.js';
import { toNotificationsView } from '../../views/index.js';
import { permissionsOf } from '../../bot/service/permissions.js';

const SECRET = 'dead-conversations-secret';
const DAY = 86_400_000;
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const sam: TeamsUser = { aadObjectId: 'aad-sales', name: 'Sam Sales' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const samChat: TeamsConversation = { id: 'a:personal-sam', conversationType: 'personal' };
const ops: TeamsConversation = { id: '19:ops@thread.tacv2', conversationType: 'channel', channelName: 'Ops' };
const OPS_ID = 'teams:19:ops@thread.tacv2';
/** The machine may be busy: polls wait this long before they fail. */
const WAIT = { timeout: 10_000 };

/** The bot's clock: it moves only when the test moves it. */
function steppedClock() {
  let t = Date.parse('2026-11-23T10:00:00.000Z');
  return { now: () => new Date(t), set: (ms: number) => void (t = ms), get ms() { return t; } };
}

let connector: Awaited<ReturnType<typeof startConnector>>;
let api: SlackApi;
beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin' }, USALES: { name: 'Sam Sales' } });
});
afterEach(async () => {
  await connector.close();
  await api.close();
});

async function bot(store: 'file' | 'postgres', clock = steppedClock()) {
  const env = { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl };
  const started = await startBot(store === 'postgres' ? { ...env, DATABASE_URL: await testDatabase() } : env, { clock });
  const teams = teamsClient(started.url, connector.url);
  const slack = slackClient(started.url, SECRET, api.responseUrl);
  return { ...started, clock, teams, slack };
}
type Bot = Awaited<ReturnType<typeof bot>>;

/** A customer accepts: a notification for every subscribed conversation. */
async function acceptance(b: Bot, company = 'Contoso Ltd') {
  const draft = await b.service.draftInvitation({ platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' }, { acquisition: 'own-marketing', locale: 'en' });
  await b.service.acceptInvitation(draft.token, { ...contact(`${company.split(' ')[0]!.toLowerCase()}.example`), companyName: company });
}

const to = (conversation: string, calls: ConnectorCall[]) => calls.filter((c) => decodeURIComponent(c.path).includes(conversation) && c.method === 'POST');
const noticesTo = (conversation: string, text: RegExp) => to(conversation, connector.calls).filter((c) => text.test(cardText(c)));
const opsDeliveries = (b: Bot) => [...b.store.all('deliveries')].filter((d) => d.target.kind === 'subscription' && d.target.subscriptionId === OPS_ID);
const audit = (b: Bot, action: string) => [...b.store.all('audit')].filter((a) => a.action === action);
/** The Slack posts to `channel` whose text matches. */
const slackPosts = (channel: string, text: RegExp) =>
  api.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel && text.test(api.text(c)));

describe('a Teams conversation that always answers 500', () => {
  it(`is retried with the back-off, given up once ${GIVE_UP_AFTER_DAYS} days old, and the admins are told once`, async () => {
    const b = await bot('file');
    try {
      // Alice's own chat first: the admins' conversation (the Partner Center sign-in's is preferred when there is one).
      await b.teams.say(alice, personal, 'notify here');
      await b.teams.say(alice, ops, 'notify here');
      connector.clear();
      connector.fail('19:ops@thread', 1_000_000, 500);
      await acceptance(b);
      await expect.poll(() => opsDeliveries(b).map((d) => d.attempts), { timeout: 15_000 }).toEqual([1]);
      await b.dispatcher.idle();
      const created = Date.parse(opsDeliveries(b)[0]!.createdAt);
      // botbuilder's client retries a 500 itself, so one attempt is several requests; ours back off in between.
      for (const [i, delay] of [30_000, 60_000].entries()) {
        const delivery = opsDeliveries(b)[0]!;
        expect(Date.parse(delivery.nextAttemptAt) - b.clock.ms, `delay after attempt ${i + 1}`).toBe(delay);
        const refused = connector.failed.length;
        b.clock.set(Date.parse(delivery.nextAttemptAt) - 1);
        await b.dispatcher.runDue();
        expect(connector.failed.length).toBe(refused);
        b.clock.set(Date.parse(delivery.nextAttemptAt));
        await b.dispatcher.runDue();
        expect(connector.failed.length).toBeGreaterThan(refused);
        expect(opsDeliveries(b)[0]!.attempts).toBe(i + 2);
      }
      expect(noticesTo('a:personal-alice', /not getting through/)).toEqual([]);
      // The bot was down for days: the next attempt is past the age limit and the last one.
      b.clock.set(created + GIVE_UP_AFTER_DAYS * DAY);
      await b.dispatcher.runDue();
      const [givenUp] = opsDeliveries(b);
      expect(givenUp).toMatchObject({ attempts: 4, givenUpAt: b.clock.now().toISOString(), lastError: expect.stringMatching(/500/) });
      await expect.poll(() => noticesTo('a:personal-alice', /Notifications to Ops are not getting through/).length, WAIT).toBe(1);
      expect(cardText(noticesTo('a:personal-alice', /not getting through/)[0])).toMatch(/refused a notification for Ops 4 times/);

      // Never tried again, never announced again, however long the bot runs.
      const refused = connector.failed.length;
      for (const hours of [1, 24, 72]) {
        b.clock.set(b.clock.ms + hours * 3_600_000);
        await b.dispatcher.runDue();
        await b.dispatcher.idle();
      }
      expect(connector.failed.length).toBe(refused);
      expect(noticesTo('a:personal-alice', /not getting through/)).toHaveLength(1);

      // `notifications` shows it: given up, and since when.
      connector.clear();
      await b.teams.say(alice, personal, 'notifications');
      const list = cardText(connector.calls.at(-1));
      expect(list).toMatch(/Ops \(Microsoft Teams\): nothing delivered yet · 1 not delivered \(given up\) · not getting through since .* · last error .*500/);
    } finally {
      await b.stop();
    }
  }, 60_000);
});

describe.each(['file', 'postgres'] as const)('conversations that are gone (%s store)', (store) => {
  it.each([404, 403])('drops a Teams conversation that answers %i at the first refusal and tells the admins once', async (status) => {
    const b = await bot(store);
    try {
      await b.teams.say(alice, personal, 'notify here');
      await b.teams.say(alice, ops, 'notify here');
      connector.clear();
      connector.fail('19:ops@thread', 1_000_000, status);
      await acceptance(b);
      await expect.poll(() => b.store.get('notificationSubscriptions', OPS_ID), WAIT).toBeUndefined();
      await b.idle();
      expect(to('19:ops@thread', connector.failed)).toHaveLength(1);
      expect(opsDeliveries(b)).toEqual([]);
      expect(audit(b, 'channel.dropped')).toMatchObject([{ target: OPS_ID, details: { reason: status === 403 ? 'removed' : 'notFound' } }]);
      await expect.poll(() => noticesTo('a:personal-alice', /Notifications to Ops stopped/).length, WAIT).toBe(1);
      expect(cardText(noticesTo('a:personal-alice', /Ops stopped/)[0])).toMatch(status === 403 ? /I was removed from Ops/ : /Ops no longer exists/);

      // The next acceptance reaches Alice and is not even tried in Ops; nothing is announced again.
      await acceptance(b, 'Fabrikam Inc');
      await expect.poll(() => noticesTo('a:personal-alice', /Fabrikam Inc accepted/).length, WAIT).toBe(1);
      b.clock.set(b.clock.ms + DAY);
      await b.dispatcher.runDue();
      await b.idle();
      expect(to('19:ops@thread', connector.failed)).toHaveLength(1);
      expect(noticesTo('a:personal-alice', /Ops stopped/)).toHaveLength(1);
    } finally {
      await b.stop();
    }
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived'])('drops a Slack channel that answers %s and tells the admins once', async (code) => {
    const b = await bot(store);
    try {
      expect((await b.slack.command('UADMIN', 'notify here', { channel: 'C0ADMINS', channelName: 'admins' })).status).toBe(200);
      expect((await b.slack.command('UADMIN', 'notify here', { channel: 'C0NEWS', channelName: 'news' })).status).toBe(200);
      await expect.poll(() => b.store.count('notificationSubscriptions'), WAIT).toBe(2);
      await b.idle(); // the replies to those commands are posted before the channel starts refusing
      api.fail('chat.postMessage', code, 1_000, (args) => args.channel === 'C0NEWS');
      await acceptance(b);
      await expect.poll(() => b.store.get('notificationSubscriptions', 'slack:C0NEWS'), WAIT).toBeUndefined();
      await expect.poll(() => slackPosts('C0ADMINS', /Notifications to #news stopped/).length, WAIT).toBe(1);
      await b.idle();
      expect(api.failed.filter((c) => c.args.channel === 'C0NEWS')).toHaveLength(1);
      expect(audit(b, 'channel.dropped')).toMatchObject([{ target: 'slack:C0NEWS', details: { name: '#news' } }]);
      await acceptance(b, 'Fabrikam Inc');
      await expect.poll(() => slackPosts('C0ADMINS', /Fabrikam Inc accepted/).length, WAIT).toBe(1);
      await b.idle();
      expect(api.failed.filter((c) => c.args.channel === 'C0NEWS')).toHaveLength(1);
      expect(slackPosts('C0ADMINS', /stopped/)).toHaveLength(1);
    } finally {
      await b.stop();
    }
  });

  it(`gives a Slack channel that keeps failing up after ${GIVE_UP_AFTER_ATTEMPTS} attempts and tells the admins once`, async () => {
    const b = await bot(store);
    try {
      await b.slack.command('UADMIN', 'notify here', { channel: 'C0ADMINS', channelName: 'admins' });
      await b.slack.command('UADMIN', 'notify here', { channel: 'C0NEWS', channelName: 'news' });
      await expect.poll(() => b.store.count('notificationSubscriptions'), WAIT).toBe(2);
      await b.idle(); // the replies to those commands are posted before the channel starts refusing
      api.fail('chat.postMessage', 'internal_error', 1_000, (args) => args.channel === 'C0NEWS');
      await acceptance(b);
      const toNews = () => [...b.store.all('deliveries')].filter((d) => d.target.kind === 'subscription' && d.target.subscriptionId === 'slack:C0NEWS');
      await expect.poll(() => toNews().map((d) => d.attempts), WAIT).toEqual([1]);
      await b.dispatcher.idle();
      for (let attempt = 2; attempt <= GIVE_UP_AFTER_ATTEMPTS; attempt++) {
        b.clock.set(Date.parse(toNews()[0]!.nextAttemptAt));
        await b.dispatcher.runDue();
        expect(toNews()[0]!.attempts).toBe(attempt);
      }
      expect(toNews()[0]!.givenUpAt).toBe(b.clock.now().toISOString());
      // The cap came before the age limit: the back-off reached an hour and stayed there.
      expect(b.clock.ms - Date.parse(toNews()[0]!.createdAt)).toBeLessThan(GIVE_UP_AFTER_DAYS * DAY);
      await expect.poll(() => slackPosts('C0ADMINS', /Notifications to #news are not getting through/).length, WAIT).toBe(1);
      b.clock.set(b.clock.ms + 7 * DAY);
      await b.dispatcher.runDue();
      await b.idle();
      expect(api.failed.filter((c) => c.args.channel === 'C0NEWS')).toHaveLength(GIVE_UP_AFTER_ATTEMPTS);
      expect(slackPosts('C0ADMINS', /not getting through/)).toHaveLength(1);
      // Still subscribed (it may come back); an admin decides.
      expect(b.store.get('notificationSubscriptions', 'slack:C0NEWS')).toMatchObject({ givenUpAt: expect.any(String) });
    } finally {
      await b.stop();
    }
  });
});

describe('notifications: the health, and Remove', () => {
  const removeButtonOf = (card: ConnectorCall | undefined) => {
    const found: Array<Record<string, unknown>> = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.type === 'Action.Execute' && o.verb === 'subscription.remove') found.push(o);
        Object.values(o).forEach(walk);
      }
    };
    walk(card?.body);
    return found;
  };

  it('in Teams: everyone with a role sees the health; a Sales agent cannot remove (even forging the click), an admin can', async () => {
    const b = await bot('file');
    try {
      await b.teams.say(alice, personal, 'grant sales-agent teams:aad-sales');
      await b.teams.say(alice, ops, 'notify here');
      await acceptance(b);
      await expect.poll(() => b.store.get('notificationSubscriptions', OPS_ID)?.lastDeliveredAt, WAIT).toBeDefined();

      connector.clear();
      await b.teams.say(alice, personal, 'notifications');
      const adminCard = connector.calls.at(-1);
      expect(cardText(adminCard)).toMatch(/Ops \(Microsoft Teams\): last delivered /);
      const [remove] = removeButtonOf(adminCard);
      expect(remove).toMatchObject({ title: 'Remove: Ops (Microsoft Teams)', style: 'destructive', data: { verb: 'subscription.remove', subscriptionId: OPS_ID } });

      await b.teams.say(sam, samChat, 'notifications');
      const salesCard = connector.calls.at(-1);
      expect(cardText(salesCard)).toMatch(/Ops \(Microsoft Teams\)/);
      expect(removeButtonOf(salesCard)).toEqual([]);

      const before = JSON.stringify([...b.store.all('notificationSubscriptions')]);
      const refused = await b.teams.invoke(sam, samChat, 'subscription.remove', { subscriptionId: OPS_ID });
      expect(refused.status).toBe(200);
      expect(JSON.stringify(refused.body)).toMatch(/Only a Global admin or an Admin agent/);
      expect(JSON.stringify([...b.store.all('notificationSubscriptions')])).toBe(before);
      expect(audit(b, 'channel.removed')).toEqual([]);
      expect(b.logs.some((l) => l.audit === 'action.refused' && l.verb === 'subscription.remove')).toBe(true);

      const done = await b.teams.invoke(alice, personal, 'subscription.remove', (remove!.data as Record<string, unknown>));
      expect(done.status).toBe(200);
      const replaced = JSON.stringify(done.body);
      expect(replaced).toContain("Removed: I won't post in Ops any more.");
      expect(replaced).not.toContain('Ops (Microsoft Teams)');
      expect(b.store.get('notificationSubscriptions', OPS_ID)).toBeUndefined();
      expect(audit(b, 'channel.removed')).toMatchObject([{ actor: { userId: 'aad-admin' }, target: OPS_ID }]);
      // A second click on the old card is harmless.
      const again = await b.teams.invoke(alice, personal, 'subscription.remove', { subscriptionId: OPS_ID });
      expect(JSON.stringify(again.body)).toContain('nothing to remove');
      expect(audit(b, 'channel.removed')).toHaveLength(1);
    } finally {
      await b.stop();
    }
  });

  it('in Slack: the same list as Block Kit, a Sales agent refused, an admin removes it in place', async () => {
    const b = await bot('file');
    try {
      await b.slack.command('UADMIN', 'grant sales-agent slack:USALES');
      await b.slack.command('UADMIN', 'notify here', { channel: 'C0NEWS', channelName: 'news' });
      await expect.poll(() => b.store.count('notificationSubscriptions'), WAIT).toBe(1);
      await expect.poll(() => b.store.get('roles', 'slack:USALES')?.role, WAIT).toBe('sales-agent');
      const after = api.calls.length;
      // An English command on an English profile (an Italian one would be answered in Italian, test/e2e/language.test.ts).
      await b.slack.command('UADMIN', 'notifications');
      const list = await api.waitFor('chat.postMessage', (c) => /Notifications/.test(api.text(c)), { after });
      expect(api.text(list)).toMatch(/#news \(Slack\): nothing delivered yet/);
      const button = (call: SlackCall) =>
        ((call.args.blocks ?? []) as Array<{ accessory?: { action_id: string; value: string; style?: string } }>).map((b) => b.accessory).find((a) => a?.action_id.startsWith('csp:subscription.remove:'));
      const remove = button(list)!;
      expect(remove).toMatchObject({ style: 'danger' });

      const fingerprint = () => JSON.stringify([[...b.store.all('notificationSubscriptions')], [...b.store.all('audit')].length]);
      const before = fingerprint();
      await b.slack.action('USALES', { type: 'button', action_id: remove.action_id, value: remove.value });
      await b.idle();
      expect(fingerprint()).toBe(before);

      const from = api.calls.length;
      await b.slack.action('UADMIN', { type: 'button', action_id: remove.action_id, value: remove.value });
      const updated = await api.waitFor('chat.update', () => true, { after: from });
      expect(api.text(updated)).toContain("Removed: I won't post in #news any more.");
      expect(b.store.get('notificationSubscriptions', 'slack:C0NEWS')).toBeUndefined();
      expect(audit(b, 'channel.removed')).toMatchObject([{ actor: { platform: 'slack', userId: 'UADMIN' }, target: 'slack:C0NEWS' }]);
    } finally {
      await b.stop();
    }
  });

  it('in the terminal: the same view, its Remove buttons as numbered choices for admins only', async () => {
    const b = await bot('file');
    try {
      await b.teams.say(alice, ops, 'notify here');
      const health = b.service.notificationHealth({ platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' });
      const asAdmin = renderText(toNotificationsView({ locale: 'en', permissions: permissionsOf('global-admin') }, health));
      expect(asAdmin.lines.join('\n')).toMatch(/Ops \(Microsoft Teams\): nothing delivered yet/);
      expect(asAdmin.choices.map((c) => c.label)).toEqual(['Remove: Ops (Microsoft Teams)']);
      const asSales = renderText(toNotificationsView({ locale: 'en', permissions: permissionsOf('sales-agent') }, health));
      expect(asSales.choices).toEqual([]);
    } finally {
      await b.stop();
    }
  });
});
