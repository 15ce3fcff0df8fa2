/**
 * Invitations sent by a version of the bot without reminders: a data file holding sent invitations
 * and no reminder deliveries, started through the whole bot (config -> app -> surfaces -> server)
 * with the Teams connector and Slack API stand-ins. Each waiting invitation gets one reminder at
 * once (the latest of those already past, never a burst), the later ones and its expiry notice
 * queued for their time; a restart queues nothing again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startSlackApi, type SlackApi } from '../fakes/slack-api.js';
import { collectionNames, SCHEMA_VERSION, type Invitation } from '../../store/schema.js';
import { hashToken } from '../../store/invitation-secret.js';
import { tempDir } from '../helpers.js';

const SECRET = 'old-invitations-signing-secret';
const WAIT = { timeout: 20_000, interval: 100 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let connector: Awaited<ReturnType<typeof startConnector>>;
let api: SlackApi;
let bot: Awaited<ReturnType<typeof startBot>> | null = null;

beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin' } });
});
afterEach(async () => {
  await bot?.stop();
  bot = null;
  await api?.close();
  await connector?.close();
});

const alice = { platform: 'slack' as const, userId: 'UADMIN', displayName: 'Alice Admin' };

/** An invitation as the older version stored it once sent: where its card is, and no reminder queued. */
function oldInvitation(
  id: string,
  company: string,
  draftMessage: Invitation['draftMessage'],
  status: Invitation['status'] = 'sent',
): Invitation {
  const sentAt = new Date(Date.now() - 10_000);
  return {
    id,
    tokenHash: hashToken(`token-of-${id}-0123456789abcdef`),
    status,
    acquisition: 'own-marketing',
    providerId: null,
    companyName: company,
    customerEmail: null,
    locale: 'en',
    subject: 'Reseller relationship',
    body: 'Please accept: {invitation-link}',
    createdBy: alice,
    createdAt: new Date(sentAt.getTime() - 60_000).toISOString(),
    expiresAt: new Date(sentAt.getTime() + 90 * 86_400_000).toISOString(),
    sentAt: sentAt.toISOString(),
    sentBy: alice,
    acceptedAt: null,
    customerId: null,
    revokedAt: status === 'revoked' ? sentAt.toISOString() : null,
    revokedBy: status === 'revoked' ? alice : null,
    draftMessage,
    microsoft: null,
  };
}

function writeOldDataFile(file: string, extraTeams = 0): void {
  const data: Record<string, unknown> = Object.fromEntries(collectionNames.map((name) => [name, []]));
  const teamsCard = {
    platform: 'teams' as const,
    activityId: 'activity-1',
    locale: 'en' as const,
    reference: {
      activityId: 'activity-1',
      user: { id: 'user-alice', name: 'Alice Admin', aadObjectId: 'aad-admin' },
      bot: { id: 'bot', name: 'CSP Connect' },
      conversation: { id: 'a:personal-alice', conversationType: 'personal' },
      channelId: 'msteams',
      locale: 'en-US',
      serviceUrl: connector.url,
    },
  };
  const slackCard = { platform: 'slack' as const, channel: 'C0SALES', ts: '1700000000.000100', locale: 'en' as const };
  data.invitations = [
    oldInvitation('inv-slack', 'Fabrikam Srl', slackCard),
    oldInvitation('inv-teams', 'Tailspin Toys', teamsCard),
    // Sent where no card was recorded: there is nowhere to remind anyone.
    oldInvitation('inv-nowhere', 'Adatum', null),
    // Withdrawn: nothing to chase.
    oldInvitation('inv-revoked', 'Litware', slackCard, 'revoked'),
    ...Array.from({ length: extraTeams }, (_, i) => oldInvitation(`inv-more-${i}`, `Wingtip ${i}`, teamsCard)),
  ];
  const partner = { id: '6f1c2a9e-4b7d-4c1e-9a53-2d8e7f0b1c44', name: 'Northwind Cloud', tenantId: '6f1c2a9e-4b7d-4c1e-9a53-2d8e7f0b1c45' };
  writeFileSync(file, JSON.stringify({ schemaVersion: SCHEMA_VERSION, journalSeq: 0, ...data, partner }));
}

const start = (dataFile: string) =>
  startBot(
    // Both past reminders are 8 to 9 seconds overdue; the third is an hour away.
    { INVITATION_REMINDERS: '1s,2s,1h', SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl },
    { dataFile },
  );
const slackReminders = () => api.calls.filter((c) => c.method === 'chat.postMessage' && api.text(c).includes('has not answered yet'));
const teamsReminders = () => connector.calls.filter((c) => c.method === 'POST' && cardText(c).includes('has not answered yet'));
const reminderIds = () =>
  [...bot!.store.all('deliveries')]
    .map((d) => d.id)
    .filter((id) => id.startsWith('reminder:'))
    .sort();

describe('invitations sent before reminders existed', () => {
  it('get one reminder at once in the conversation they were made in, the later ones queued, and nothing again after a restart', async () => {
    const dataFile = join(tempDir(), 'db.json');
    writeOldDataFile(dataFile);
    bot = await start(dataFile);

    await expect.poll(() => slackReminders().length, WAIT).toBe(1);
    await expect.poll(() => teamsReminders().length, WAIT).toBe(1);
    expect(slackReminders()[0]!.args.channel).toBe('C0SALES');
    expect(api.text(slackReminders()[0]!)).toContain('Fabrikam Srl has not answered yet');
    expect(cardText(teamsReminders()[0])).toContain('Tailspin Toys has not answered yet');
    // The two overdue reminders were one: once sent, the hour-away one and the expiry notice are left.
    await expect
      .poll(reminderIds, WAIT)
      .toEqual(['reminder:inv-slack:2', 'reminder:inv-slack:expired', 'reminder:inv-teams:2', 'reminder:inv-teams:expired']);
    await sleep(2500);
    expect(slackReminders()).toHaveLength(1);
    expect(teamsReminders()).toHaveLength(1);

    // Restarted on the same file: every waiting invitation has its reminders now, none is queued again.
    await bot.stop();
    bot = await start(dataFile);
    expect(reminderIds()).toEqual([
      'reminder:inv-slack:2',
      'reminder:inv-slack:expired',
      'reminder:inv-teams:2',
      'reminder:inv-teams:expired',
    ]);
    await sleep(2500);
    expect(slackReminders()).toHaveLength(1);
    expect(teamsReminders()).toHaveLength(1);
    expect(bot.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  }, 60_000);

  it('sends a backlog of due reminders a few at a time, not every post at once', async () => {
    const dataFile = join(tempDir(), 'db.json');
    writeOldDataFile(dataFile, 80);
    // Every Teams post held a moment: what is under way at once piles up at the stand-in.
    connector.slow('a:personal-alice', 300);
    bot = await start(dataFile);
    await expect.poll(() => teamsReminders().length, WAIT).toBe(81);
    expect(connector.peakHeld()).toBeGreaterThan(1);
    expect(connector.peakHeld()).toBeLessThanOrEqual(32);
  }, 60_000);
});
