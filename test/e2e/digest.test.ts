/**
 * The digest: `digest here` subscribes a conversation, each DIGEST_SCHEDULE moment posts it there
 * once (across a restart, and a period missed while the bot was down comes once on the next start),
 * with its chart served by the bot under a signed, expiring address; `stop digest` ends it and its
 * links. Through Teams (/api/messages with the connector stand-in) and Slack (signed /slack/events
 * with the Slack API stand-in), in English and Italian.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startSlackApi, type SlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { putLargeCustomers, tempDir } from '../helpers.js';
import { blockKitProblems, jsonBytes, TEAMS_LIMIT_BYTES } from '../fakes/platform-limits.js';
import { customerRecord, invitationRecord, relationshipRecord } from '../records.js';
import type { Store } from '../../store/store.js';
import type { GdapRecord } from '../../store/schema.js';

const SECRET = 'digest-signing-secret';
const WAIT = { timeout: 20_000, interval: 100 };
const DAY = 86_400_000;
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const channel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
const TITLE = 'Weekly digest';

let connector: Awaited<ReturnType<typeof startConnector>>;
let api: SlackApi;
let bot: Awaited<ReturnType<typeof startBot>> | null = null;
/** The bot's time: real time moved on by `skew`, to reach the next due moment without waiting for it. */
let skew = 0;
const clock = { now: () => new Date(Date.now() + skew) };

beforeEach(async () => {
  skew = 0;
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Sam Slack', locale: 'en-US' }, UITA: { name: 'Giulia', locale: 'it-IT' } });
});
afterEach(async () => {
  await bot?.stop();
  bot = null;
  await api?.close();
  await connector?.close();
});

const start = (dataFile: string) =>
  startBot(
    {
      DIGEST_SCHEDULE: 'daily 08:00',
      DIGEST_TIMEZONE: 'Europe/Rome',
      // Slack fetches images from PUBLIC_URL: one it could reach (the test asks the bot itself).
      PUBLIC_URL: 'https://digest.example',
      BOOTSTRAP_ADMINS: 'teams:aad-admin,slack:UADMIN,slack:UITA',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: api.apiUrl,
    },
    { dataFile, clock },
  );

/** A week of work: two customers accepted this week, one three weeks ago, seven invitations waiting. */
async function seed(store: Store) {
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  await store.transact((tx) => {
    for (const [id, name, days] of [
      ['fab', 'Fabrikam Srl', 1],
      ['ada', 'Adatum Spa', 2],
      ['old', 'Old Accept Ltd', 20],
    ] as const) {
      tx.put('customers', customerRecord(`c-${id}`, name, `${id}.example`));
      tx.put('relationships', relationshipRecord(`r-${id}`, `c-${id}`));
      tx.put(
        'invitations',
        invitationRecord(`i-${id}`, {
          status: 'accepted',
          companyName: name,
          customerId: `c-${id}`,
          sentAt: ago(days + 3),
          acceptedAt: ago(days),
        }),
      );
    }
    for (let n = 1; n <= 7; n++)
      tx.put(
        'invitations',
        invitationRecord(`p-${n}`, {
          companyName: `Waiting Co ${n}`,
          sentAt: ago(n * 2),
          expiresAt: new Date(Date.now() + 60 * DAY).toISOString(),
        }),
      );
  });
}

/** Moves the bot's clock a little past the next due moment, and has the scheduler look. */
async function pastNextDue(): Promise<void> {
  skew = bot!.service.nextDigestAt().getTime() - Date.now() + 5_000;
  await bot!.service.queueDueDigests();
}

const digestPosts = () => connector.calls.filter((c) => c.method === 'POST' && cardText(c).includes(TITLE));
const imageOf = (call: (typeof connector.calls)[number]) =>
  (JSON.stringify(call.body).match(/"type":"Image","url":"([^"]+)","altText":"([^"]+)"/) ?? []).slice(1) as [string, string];
/** The chart link on the bot under test (the card names PUBLIC_URL). */
const onBot = (url: string) => url.replace('https://digest.example', bot!.url);

describe('the digest', () => {
  it('Teams: digest shows it now, digest here posts it once per period with a signed chart, across restarts; stop digest ends it', async () => {
    const dataFile = join(tempDir(), 'db.json');
    bot = await start(dataFile);
    await seed(bot.store);
    let teams = teamsClient(bot.url, connector.url);

    // `digest` before subscribing: the figures, the chart's in words, and how to get it here.
    await teams.say(alice, channel, 'digest');
    const now = cardText(connector.calls.at(-1));
    expect(now).toContain('Accepted this week: 2 customers');
    expect(now).toContain('Fabrikam Srl');
    expect(now).not.toContain('Old Accept Ltd');
    expect(now).toContain('7 invitations waiting for the customer, oldest first');
    expect(now).toContain('Waiting Co 7: sent 14 days ago');
    expect(now).toContain('and 2 more');
    expect(now).toContain('Type `digest here`');
    expect(JSON.stringify(connector.calls.at(-1)!.body)).not.toContain('"type":"Image"');

    await teams.say(alice, channel, 'digest here');
    expect(cardText(connector.calls.at(-1))).toContain("Done: I'll post the digest here. The next one comes on");
    expect(digestPosts()).toHaveLength(1);

    // The due moment: posted once, as a new message in the channel, with the chart.
    await pastNextDue();
    await expect.poll(() => digestPosts().length, WAIT).toBe(2);
    const posted = digestPosts()[1]!;
    expect(posted.path).toContain(`/v3/conversations/${encodeURIComponent(channel.id)}/activities`);
    const [url, alt] = imageOf(posted);
    expect(url).toMatch(/^https:\/\/digest\.example\/digest\/chart\/teams%3A19%3Asales%40thread.tacv2\/\d+\.png\?exp=\d+&sig=[\w-]{43}$/);
    // The alt text carries the figures: the current week's 2 accepted, in words.
    expect(alt).toMatch(/^Invitations per week, last 8 weeks: week of .+: \d+ sent, \d+ accepted, 0 with access ready; /);
    expect(alt).toMatch(/: \d+ sent, 2 accepted, 0 with access ready\.$/);
    const image = await fetch(onBot(url));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(0, 8)
        .toString('hex'),
    ).toBe('89504e470d0a1a0a');
    // A changed signature, moment or conversation: nothing to see.
    expect((await fetch(onBot(url.replace(/sig=(..)/, (_, two: string) => `sig=${two === 'AA' ? 'BB' : 'AA'}`)))).status).toBe(404);
    expect((await fetch(onBot(url.replace(/\/(\d+)\.png/, (_, at: string) => `/${Number(at) - 1}.png`)))).status).toBe(404);
    expect((await fetch(onBot(url.replace('sales', 'other')))).status).toBe(404);

    // Looked for again in the same period: nothing more.
    await bot.service.queueDueDigests();
    await bot.idle();
    expect(digestPosts()).toHaveLength(2);

    // Down for three periods: on the next start, one digest, not three.
    await bot.stop();
    skew += 3 * DAY;
    bot = await start(dataFile);
    teams = teamsClient(bot.url, connector.url);
    await expect.poll(() => digestPosts().length, WAIT).toBe(3);
    await bot.service.queueDueDigests();
    await bot.idle();
    expect(digestPosts()).toHaveLength(3);
    expect([...bot.store.all('deliveries')].filter((d) => d.id.startsWith('digest:'))).toEqual([]);

    // A month on, the first chart link has expired.
    skew += 31 * DAY;
    expect((await fetch(onBot(url))).status).toBe(404);
    skew -= 31 * DAY;

    // Stopped: no more digests, and the newest chart link stops working.
    const [latest] = imageOf(digestPosts()[2]!);
    expect((await fetch(onBot(latest))).status).toBe(200);
    await teams.say(alice, channel, 'stop digest');
    expect(cardText(connector.calls.at(-1))).toContain("I won't post the digest here any more.");
    expect((await fetch(onBot(latest))).status).toBe(404);
    await pastNextDue();
    await bot.idle();
    expect(digestPosts()).toHaveLength(3);
    await teams.say(alice, channel, 'stop digest');
    expect(cardText(connector.calls.at(-1))).toContain('This conversation was not getting the digest.');
  }, 90_000);

  it('Slack: the digest in the channel with an image block whose alt text carries the figures, in English and Italian', async () => {
    bot = await start(join(tempDir(), 'db.json'));
    await seed(bot.store);
    const slack = slackClient(bot.url, SECRET, api.responseUrl);

    /** The bot's answer in the channel, containing `text`. */
    const answer = (text: string, after: number) =>
      api.waitFor('chat.postMessage', (c) => api.text(c).includes(text), { after, timeoutMs: WAIT.timeout });
    let after = api.calls.length;
    await slack.command('UADMIN', 'digest here', { channel: 'C0SALES' });
    await answer("I'll post the digest here", after);
    after = api.calls.length;
    await slack.command('UITA', 'riepilogo qui', { channel: 'C0ITALIA' });
    await answer('Fatto: pubblicherò qui il riepilogo.', after);

    after = api.calls.length;
    await pastNextDue();
    const posted = (ch: string) =>
      api.waitFor(
        'chat.postMessage',
        (c) => c.args.channel === ch && (c.args.blocks as unknown[]).some((b) => (b as { type: string }).type === 'image'),
        { after, timeoutMs: WAIT.timeout },
      );
    const english = await posted('C0SALES');
    const italian = await posted('C0ITALIA');

    const blocks = english.args.blocks as Array<Record<string, unknown>>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    const image = blocks.find((b) => b.type === 'image') as { image_url: string; alt_text: string };
    expect(image.image_url).toMatch(/\/digest\/chart\/slack%3AC0SALES\/\d+\.png\?exp=\d+&sig=/);
    expect(image.alt_text).toMatch(/: \d+ sent, 2 accepted, 0 with access ready\.$/);
    expect((await fetch(onBot(image.image_url))).headers.get('content-type')).toBe('image/png');
    const text = api.text(english);
    expect(text).toContain('Accepted this week: 2 customers');
    expect(text).toContain('No GDAP relationship ends within 30 days without extending itself.');
    // Each section's button opens its list.
    const buttons = blocks.flatMap((b) =>
      (b.accessory as { action_id?: string; value?: string }) ? [b.accessory as { action_id: string; value: string }] : [],
    );
    expect(buttons.map((b) => JSON.parse(b.value).command)).toEqual([
      'listCustomers',
      'invitations',
      'onboarding',
      'listCustomers',
      'gaps',
    ]);

    const italianImage = (italian.args.blocks as Array<Record<string, unknown>>).find((b) => b.type === 'image') as { alt_text: string };
    expect(api.text(italian)).toContain('Riepilogo settimanale');
    expect(api.text(italian)).toContain('Hanno accettato questa settimana 2 clienti');
    expect(api.text(italian)).toContain('7 inviti in attesa del cliente, dal più vecchio');
    expect(italianImage.alt_text).toMatch(
      /^Inviti per settimana, ultime 8 settimane: settimana del .+: \d+ inviat[oi], 2 accettati, 0 con accesso pronto\.$/,
    );

    // Pressing a section's button lists what it counts.
    after = api.calls.length;
    const pending = buttons[1]!;
    await slack.action('UADMIN', { type: 'button', action_id: pending.action_id, value: pending.value }, { channel: 'C0SALES' });
    const listed = await api.waitFor('chat.postMessage', (c) => api.text(c).includes('Waiting Co 1'), { after, timeoutMs: WAIT.timeout });
    expect(api.text(listed)).toContain('Waiting Co 7');

    after = api.calls.length;
    await slack.command('UITA', 'disattiva riepilogo', { channel: 'C0ITALIA' });
    await answer('Non pubblicherò più il riepilogo qui.', after);
    expect(bot.store.get('digestSubscriptions', 'slack:C0ITALIA')).toBeUndefined();
    expect(bot.store.get('digestSubscriptions', 'slack:C0SALES')).toBeDefined();
  }, 90_000);

  it('a book of 2,000 customers: every section full, within Teams’ 28 KB and Slack’s block limits, in English and Italian', async () => {
    bot = await start(join(tempDir(), 'db.json'));
    await putLargeCustomers(bot.store, 2_000, { users: 1, subscriptions: 1, licenses: 1 });
    const long = (i: number) => `Customer ${String(i).padStart(4, '0')} ${'Holding Internazionale S.p.A. '.repeat(3).trim()}`;
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    await bot.store.transact((tx) => {
      for (let i = 0; i < 2_000; i++) {
        tx.put(
          'invitations',
          invitationRecord(`acc-${i}`, { status: 'accepted', companyName: long(i), sentAt: ago(9 * DAY), acceptedAt: ago(i * 60_000) }),
        );
        tx.put(
          'invitations',
          invitationRecord(`pen-${i}`, {
            companyName: long(i),
            sentAt: ago(i * 600_000),
            expiresAt: new Date(Date.now() + 80 * DAY).toISOString(),
          }),
        );
        const gdap: GdapRecord = {
          id: `g-${i}`,
          displayName: long(i),
          status: 'active',
          customerTenantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          customerName: long(i),
          roleDefinitionIds: [],
          autoExtendDuration: 'PT0S',
          endDateTime: new Date(Date.now() + 2 * DAY + i * 60_000).toISOString(),
          invitationId: null,
          syncedAt: ago(0),
          expiryNoticeAt: null,
          access: { state: 'ready', assignments: [], attempts: 0, nextAttemptAt: null, lastError: null, readyAt: ago(i * 60_000) },
        };
        tx.put('gdap', gdap);
      }
    });
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, channel, 'digest here');
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await slack.command('UADMIN', 'digest here', { channel: 'C0SALES' });
    await slack.command('UITA', 'riepilogo qui', { channel: 'C0ITALIA' });
    await bot.idle();

    const after = api.calls.length;
    await pastNextDue();
    await expect.poll(() => digestPosts().length, WAIT).toBe(1);
    const card = digestPosts()[0]!;
    expect(jsonBytes(card.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
    expect(cardText(card)).toContain('Accepted this week: 2000 customers');
    expect(cardText(card)).toContain('and 1995 more');
    for (const ch of ['C0SALES', 'C0ITALIA']) {
      const posted = await api.waitFor('chat.postMessage', (c) => c.args.channel === ch && api.text(c).includes('2000'), {
        after,
        timeoutMs: WAIT.timeout,
      });
      expect(blockKitProblems(posted.args, false)).toEqual([]);
      // Nothing was left out to fit: every section and its button is there.
      expect(api.text(posted)).not.toMatch(/left out|omessa/i);
      expect((posted.args.blocks as Array<{ accessory?: unknown }>).filter((b) => b.accessory)).toHaveLength(5);
    }
  }, 120_000);

  it('Teams: a channel the bot was removed from stops getting the digest, and its chart links end', async () => {
    bot = await start(join(tempDir(), 'db.json'));
    const gone: TeamsConversation = { id: '19:gone@thread.tacv2', conversationType: 'channel', channelName: 'Gone' };
    await teamsClient(bot.url, connector.url).say(alice, gone, 'digest here');
    // Teams answers 403 once the bot is removed from a conversation.
    connector.fail('19:gone@thread', 1_000, 403);
    await pastNextDue();
    await expect.poll(() => bot!.store.get('digestSubscriptions', `teams:${gone.id}`), WAIT).toBeUndefined();
    expect([...bot.store.all('audit')].map((e) => e.action)).toContain('digest.dropped');
    expect([...bot.store.all('deliveries')].filter((d) => d.id.startsWith('digest:'))).toEqual([]);
    expect(await bot.service.queueDueDigests()).toBe(0);
  }, 60_000);
});
