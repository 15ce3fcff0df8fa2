/**
 * Reminders due at once, and the onboarding board, with 2,000 customers in flight: a data file
 * with 2,000 invitations sent and waiting (half made in Slack, half in Teams), each with its
 * first reminder due when the bot starts. Measured: from the bot's start (spawn, and healthy) to
 * the last reminder received by the Slack API and connector stand-ins, the peak RSS meanwhile,
 * then the `onboarding` turn's answer time on that data (one turn at a time, and under load).
 */
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { snapshotWith } from './fixtures.js';
import { activity, load, median, startProcess, startStandIns } from './lib.js';
import { hashToken } from '../store/invitation-secret.js';

export const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 2_000);

type StandIns = Awaited<ReturnType<typeof startStandIns>>;
type Figures = Record<string, number>;

/** The data file: `count` invitations sent 8 days ago, unanswered, each with its first reminder due now. */
export function writeInFlight(file: string, count: number, connectorUrl: string): void {
  const snap = snapshotWith(0, { admins: ['teams:aad-admin', 'slack:UADMIN'] }) as ReturnType<typeof snapshotWith> & {
    deliveries: unknown[];
  };
  const now = Date.now();
  const sentAt = new Date(now - 8 * 86_400_000).toISOString();
  const due = new Date(now).toISOString();
  const who = { platform: 'slack' as const, userId: 'UADMIN', displayName: 'Alice' };
  for (let i = 0; i < count; i++) {
    const id = `inv-flight-${i}`;
    const companyName = `In Flight ${i}`;
    const slack = i % 2 === 0;
    const card = slack
      ? { platform: 'slack', channel: 'C0BENCH', ts: `1700000000.${i}`, locale: 'en' }
      : {
          platform: 'teams',
          activityId: `draft-${i}`,
          locale: 'en',
          reference: {
            activityId: `draft-${i}`,
            user: { id: '29:aad-admin', aadObjectId: 'aad-admin', name: 'Alice Admin' },
            bot: { id: '28:bot', name: 'CSP Connect' },
            conversation: { id: 'a:bench-personal', conversationType: 'personal', tenantId: 'tenant-1' },
            channelId: 'msteams',
            serviceUrl: connectorUrl,
          },
        };
    snap.invitations.push({
      id,
      tokenHash: hashToken(randomBytes(32).toString('base64url')),
      status: 'sent',
      acquisition: 'own-marketing',
      providerId: null,
      companyName,
      customerEmail: `it@in-flight-${i}.example`,
      locale: 'en',
      subject: 'Invitation',
      body: 'Please accept: {invitation-link}',
      createdBy: who,
      createdAt: sentAt,
      expiresAt: new Date(Date.parse(sentAt) + 90 * 86_400_000).toISOString(),
      sentAt,
      sentBy: who,
      acceptedAt: null,
      customerId: null,
      revokedAt: null,
      revokedBy: null,
      draftMessage: card,
      microsoft: null,
    });
    const target = slack
      ? { kind: 'conversation', platform: 'slack', conversationId: 'C0BENCH', reference: null, locale: 'en' }
      : {
          kind: 'conversation',
          platform: 'teams',
          conversationId: 'a:bench-personal',
          reference: (card as { reference: unknown }).reference,
          locale: 'en',
        };
    const event = {
      type: 'invitation.reminder',
      kind: 'reminder',
      invitationId: id,
      companyName,
      customerEmail: null,
      sentAt,
      at: due,
      deliveryIds: [],
    };
    snap.deliveries.push({ id: `reminder:${id}:0`, target, event, attempts: 0, nextAttemptAt: due, lastError: null, createdAt: due });
  }
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(snap));
}

/** One run of the scenario: delivery of every due reminder, the peak RSS, and the onboarding board's answer time. */
export async function remindersAtOnce(run: number, dir: string, seconds: number, progress: (text: string) => void): Promise<Figures> {
  // Stand-ins of its own, so the counts are this scenario's alone.
  const standIns: StandIns = await startStandIns();
  try {
    const file = join(dir, `reminders-${run}`, 'db.json');
    writeInFlight(file, IN_FLIGHT, standIns.connectorUrl);
    progress(`run ${run}: ${IN_FLIGHT.toLocaleString('en')} reminders due at once (Slack and Teams stand-ins)`);
    const delivered = () => (standIns.counts['chat.postMessage'] ?? 0) + (standIns.counts.connector ?? 0);
    const spawned = performance.now();
    const bot = await startProcess(process.execPath, ['--expose-gc', 'dist/bot/start.js'], {
      DATA_FILE: file,
      BOOTSTRAP_ADMINS: 'teams:aad-admin,slack:UADMIN',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_API_URL: standIns.slackApiUrl,
    });
    const healthy = performance.now();
    let peakRss = bot.rssMb();
    while (delivered() < IN_FLIGHT) {
      if (performance.now() - healthy > 300_000) throw new Error(`reminders: ${delivered()} of ${IN_FLIGHT} delivered after 5 minutes`);
      peakRss = Math.max(peakRss, bot.rssMb());
      await new Promise((r) => setTimeout(r, 10));
    }
    const allDelivered = performance.now();
    peakRss = Math.max(peakRss, bot.rssMb());
    const f: Figures = {
      remindersFromSpawnMs: allDelivered - spawned,
      remindersFromHealthyMs: allDelivered - healthy,
      remindersPeakRssMb: peakRss,
    };

    progress(`run ${run}: the onboarding board with ${IN_FLIGHT.toLocaleString('en')} customers in flight`);
    const board = activity(standIns.connectorUrl, { type: 'message', text: 'onboarding' });
    const single: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: board });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`onboarding answered ${res.status}`);
      single.push(performance.now() - started);
    }
    const loaded = await load({
      url: `${bot.url}/api/messages`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: board,
      connections: 1,
      duration: seconds,
    });
    if (loaded.errors || loaded.non2xx) throw new Error(`onboarding under load: ${loaded.errors} errors, ${loaded.non2xx} non-2xx answers`);
    f.onboardingMs = median(single);
    f.onboardingP99 = loaded.p99;
    f.onboardingTurns = loaded.rps;
    await bot.stop();
    return f;
  } finally {
    await standIns.close();
  }
}

/** The scenario's rows, in the bench table's columns. */
export function reminderRows(all: Figures[]): string[][] {
  const m = (key: string) => median(all.map((f) => f[key]!));
  const n = (v: number, digits = 0) => v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const count = n(IN_FLIGHT);
  return [
    [
      `${count} reminders due at once (half Slack, half Teams): from the bot's start to the last one received by the stand-ins`,
      `${n(m('remindersFromHealthyMs'))} ms after healthy (${n(m('remindersFromSpawnMs'))} ms from spawn)`,
      '-',
      '-',
      'reference',
      '-',
    ],
    [`peak RSS while ${count} due reminders are delivered`, `${n(m('remindersPeakRssMb'))} MB`, '-', '-', 'reference', '-'],
    [
      `\`onboarding\` board answer time with ${count} customers in flight`,
      `${n(m('onboardingMs'), 1)} ms one at a time (p99 under load ${n(m('onboardingP99'), 1)} ms, ${n(m('onboardingTurns'))}/s on one connection)`,
      '-',
      '-',
      'reference',
      '-',
    ],
  ];
}
