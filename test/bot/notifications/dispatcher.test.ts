/**
 * Acceptance notifications across time and restarts, through the whole bot: the Teams connector
 * stand-in refuses a channel's posts, the bot's clock is stepped by hand (no waiting), and a
 * second bot is started on the first one's data file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { cardText, startConnector, type ConnectorCall } from '../../fakes/connector.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../../fakes/teams-client.js';
import { contact } from '../../helpers.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const ops: TeamsConversation = { id: '19:ops@thread.tacv2', conversationType: 'channel', channelName: 'Ops' };

/** The bot's clock: it moves only when the test moves it. */
function fakeClock(start = '2026-11-23T10:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), set: (ms: number) => void (t = ms), get ms() { return t; } };
}

let connector: Awaited<ReturnType<typeof startConnector>>;
beforeEach(async () => {
  connector = await startConnector();
});
afterEach(async () => {
  await connector.close();
});

const toOps = (calls: ConnectorCall[]) => calls.filter((c) => decodeURIComponent(c.path).includes('19:ops@thread') && cardText(c).includes('accepted the invitation'));

/**
 * Subscribes the ops channel, which then refuses every post for now (429, throttled: a 403 or 404
 * would say the bot was removed, and drop the subscription, see test/reliability/dead-conversations),
 * and a customer accepts an invitation: one delivery to ops, whose first attempt fails.
 */
async function acceptWithOpsRefusing(bot: Awaited<ReturnType<typeof startBot>>) {
  const teams = teamsClient(bot.url, connector.url);
  await teams.say(alice, ops, 'notify here');
  await teams.say(alice, personal, 'invite customer');
  const card = connector.calls.at(-1)!;
  const token = /http:\/\/localhost:3978\/invitations\/([A-Za-z0-9_-]+)/.exec(cardText(card))![1]!;
  connector.fail('19:ops@thread', 1_000);
  await bot.service.acceptInvitation(token, contact());
}

const onlyDelivery = (bot: Awaited<ReturnType<typeof startBot>>) => {
  const all = [...bot.store.all('deliveries')];
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('notification deliveries over time', () => {
  it('retries after 30 s doubling up to an hour, and skips a delivery that is not yet due', async () => {
    const clock = fakeClock();
    const bot = await startBot({}, { clock });
    try {
      await acceptWithOpsRefusing(bot);
      await expect.poll(() => [...bot.store.all('deliveries')].map((d) => d.attempts)).toEqual([1]);
      // The first attempt is recorded in memory before it is on disk; until then it is still under way.
      await bot.dispatcher.idle();
      const schedule = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600].map((s) => s * 1000);
      for (const [i, delay] of schedule.entries()) {
        const delivery = onlyDelivery(bot);
        expect(delivery.attempts).toBe(i + 1);
        expect(Date.parse(delivery.nextAttemptAt) - clock.ms, `delay after attempt ${i + 1}`).toBe(delay);
        const refused = connector.failed.length;
        // One millisecond early: not due, so not tried.
        clock.set(Date.parse(delivery.nextAttemptAt) - 1);
        await bot.dispatcher.runDue();
        expect(connector.failed.length).toBe(refused);
        expect(onlyDelivery(bot).attempts).toBe(i + 1);
        // Due: tried once more, refused again, rescheduled.
        clock.set(Date.parse(delivery.nextAttemptAt));
        await bot.dispatcher.runDue();
        expect(connector.failed.length).toBe(refused + 1);
      }
      expect(onlyDelivery(bot).lastError).toMatch(/429/);
      // The channel takes posts again: the next due retry delivers it, and the delivery is gone.
      connector.fail('19:ops@thread', 0);
      clock.set(Date.parse(onlyDelivery(bot).nextAttemptAt));
      await bot.dispatcher.runDue();
      expect(toOps(connector.calls)).toHaveLength(1);
      expect(bot.store.count('deliveries')).toBe(0);
    } finally {
      await bot.stop();
    }
  });

  it('posts the deliveries left pending by a stopped bot once the restarted bot finds them due, once', async () => {
    const clock = fakeClock();
    const first = await startBot({}, { clock });
    await acceptWithOpsRefusing(first);
    await expect.poll(() => [...first.store.all('deliveries')].map((d) => d.attempts)).toEqual([1]);
    await first.dispatcher.idle();
    expect(connector.failed).toHaveLength(1);
    const due = Date.parse(onlyDelivery(first).nextAttemptAt);
    await first.stop();

    connector.fail('19:ops@thread', 0);
    const second = await startBot({}, { clock, dataFile: first.config.dataFile });
    try {
      // Started before the retry is due: the delivery is kept, nothing is posted.
      expect(onlyDelivery(second).attempts).toBe(1);
      await second.dispatcher.runDue();
      expect(toOps(connector.calls)).toHaveLength(0);
      clock.set(due);
      // Two passes at once (the timer's and this one): the delivery is still posted only once.
      await Promise.all([second.dispatcher.runDue(), second.dispatcher.runDue()]);
      await second.dispatcher.runDue();
      expect(toOps(connector.calls)).toHaveLength(1);
      expect(second.store.count('deliveries')).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it('posts pending deliveries that are already due as soon as the restarted bot starts', async () => {
    const clock = fakeClock();
    const first = await startBot({}, { clock });
    await acceptWithOpsRefusing(first);
    await expect.poll(() => first.store.count('deliveries') === 1 && onlyDelivery(first).attempts).toBe(1);
    await first.dispatcher.idle();
    clock.set(Date.parse(onlyDelivery(first).nextAttemptAt) + 5 * 60_000);
    await first.stop();
    connector.fail('19:ops@thread', 0);
    // Nobody calls runDue here: the dispatcher's start does.
    const second = await startBot({}, { clock, dataFile: first.config.dataFile });
    try {
      await expect.poll(() => toOps(connector.calls).length).toBe(1);
      await expect.poll(() => second.store.count('deliveries')).toBe(0);
      await second.dispatcher.runDue();
      expect(toOps(connector.calls)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it("turns the inviter's draft card into the acceptance and posts the news there after a restart, when the stopped bot could not", async () => {
    const clock = fakeClock();
    const first = await startBot({}, { clock });
    const teams = teamsClient(first.url, connector.url);
    await teams.say(alice, personal, 'invite customer');
    const draft = connector.calls.at(-1)!;
    const token = /http:\/\/localhost:3978\/invitations\/([A-Za-z0-9_-]+)/.exec(cardText(draft))![1]!;
    await expect.poll(() => [...first.store.all('invitations')][0]?.draftMessage?.platform).toBe('teams');
    // The acceptance is on disk; the card update and the new post are refused, so this bot never
    // updates the card nor tells the conversation.
    connector.fail('a:personal-alice', 1_000);
    await first.service.acceptInvitation(token, contact());
    await expect.poll(() => connector.failed.length).toBe(2);
    await first.dispatcher.idle();
    const pending = [...first.store.all('deliveries')];
    expect(pending).toMatchObject([
      { target: { kind: 'card', card: { platform: 'teams' } }, attempts: 1 },
      { target: { kind: 'conversation', platform: 'teams', conversationId: 'a:personal-alice' }, attempts: 1 },
    ]);
    clock.set(Math.max(...pending.map((d) => Date.parse(d.nextAttemptAt))));
    await first.stop();

    connector.fail('a:personal-alice', 0);
    connector.calls.length = 0;
    const second = await startBot({}, { clock, dataFile: first.config.dataFile });
    try {
      // Nobody accepts anything here: the restarted dispatcher finds the delivery due and sends it.
      await expect.poll(() => connector.calls.filter((c) => c.method === 'PUT').length).toBe(1);
      const updated = connector.calls.find((c) => c.method === 'PUT')!;
      expect(updated.path).toContain('/activities/');
      expect(cardText(updated)).toContain('accepted the invitation');
      await expect.poll(() => connector.calls.filter((c) => c.method === 'POST').length).toBe(1);
      const posted = connector.calls.find((c) => c.method === 'POST')!;
      expect(decodeURIComponent(posted.path)).toContain('a:personal-alice');
      expect(cardText(posted)).toContain('accepted the invitation');
      await expect.poll(() => second.store.count('deliveries')).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
