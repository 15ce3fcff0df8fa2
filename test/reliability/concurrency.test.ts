import { describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { startConnector } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient } from '../fakes/teams-client.js';
import { openJournalStore } from '../../store/journal-store.js';
import { runSeed, seeded } from '../seed.js';

const SECRET = 'concurrency-secret';
const TEAMS = 350;
const SLACK = 350;
const WEB = 300;
const admin = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };

/** Runs `tasks` with at most `width` in flight, in the order given. */
async function pool(tasks: Array<() => Promise<unknown>>, width: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

/** Fisher-Yates with a seeded generator: a failing order can be replayed (TEST_SEED). */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe('concurrency', () => {
  it(
    `loses none of ${TEAMS + SLACK + WEB} interleaved mutations from Teams, Slack and the customer's page`,
    { timeout: 90_000 },
    async () => {
      const random = seeded(runSeed('concurrency: order of the mutations'));
      const connector = await startConnector();
      const api = await startSlackApi({ UADMIN: { name: 'Sam' } });
      const bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
      try {
        const teams = teamsClient(bot.url, connector.url);
        const slack = slackClient(bot.url, SECRET, api.responseUrl);
        // Invitations the customers will accept on the web, sent before the storm.
        const links: string[] = [];
        for (let i = 0; i < WEB; i++) {
          const draft = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
          await bot.service.markInvitationSent(admin, draft.id, { body: draft.body });
          links.push(new URL(draft.link).pathname);
        }
        const accept = async (path: string, i: number) => {
          const page = await fetch(`${bot.url}${path}`);
          const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
          const res = await fetch(`${bot.url}${path}/accept`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.headers.get('set-cookie')!.split(';')[0]! },
            body: new URLSearchParams({
              csrf,
              companyName: `Customer ${i}`,
              domain: `customer-${i}.example`,
              name: 'Anna Verdi',
              email: `anna@customer-${i}.example`,
            }).toString(),
          });
          expect(res.status).toBeLessThan(400);
        };
        const tasks = shuffle(
          [
            ...Array.from({ length: TEAMS }, () => async () => {
              expect(
                (
                  await teams.say(
                    { aadObjectId: 'aad-admin', name: 'Alice' },
                    { id: 'a:personal', conversationType: 'personal' },
                    'invite customer',
                  )
                ).status,
              ).toBe(200);
            }),
            ...Array.from({ length: SLACK }, () => async () => {
              expect((await slack.command('UADMIN', 'invite customer')).status).toBe(200);
            }),
            ...links.map((path, i) => () => accept(path, i)),
          ],
          random,
        );
        await pool(tasks, 24);

        const drafted = () => [...bot.store.all('audit')].filter((e) => e.action === 'invitation.drafted').length;
        // Slack's work happens after the acknowledgement: wait for it to finish.
        await expect.poll(() => bot.store.count('invitations'), { timeout: 30_000, interval: 50 }).toBe(WEB + TEAMS + SLACK);
        expect(bot.service.listCustomers(admin, {}).total).toBe(WEB);
        expect(bot.service.listInvitations(admin, { status: 'accepted' })).toHaveLength(WEB);
        expect(drafted()).toBe(WEB + TEAMS + SLACK);
        expect(connector.calls.filter((c) => c.method === 'POST').length).toBeGreaterThanOrEqual(TEAMS);
        // The modal is opened just after the draft is stored: the last one may still be on its way.
        await expect.poll(() => api.calls.filter((c) => c.method === 'views.open').length, { timeout: 10_000, interval: 50 }).toBe(SLACK);

        // And all of it is on disk.
        const file = bot.config.dataFile;
        await bot.stop();
        const reopened = await openJournalStore({ file });
        expect(reopened.count('invitations')).toBe(WEB + TEAMS + SLACK);
        expect(reopened.count('customers')).toBe(WEB);
        await reopened.close();
      } finally {
        await bot.stop().catch(() => {});
        await api.close();
        await connector.close();
      }
    },
  );
});
