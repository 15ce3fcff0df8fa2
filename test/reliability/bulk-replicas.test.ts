/**
 * Bulk invitations with two replicas on one PostgreSQL database: the batch is held by one replica
 * at a time, so both running leaves every line invited once; when the replica running it stops in
 * the middle, the other resumes it at its next look, still without a line made twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { startConnector } from '../fakes/connector.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { testDatabase } from '../pg.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const WAIT = { timeout: 90_000, interval: 100 };

const running: Array<Awaited<ReturnType<typeof startBot>>> = [];
afterEach(async () => {
  for (const bot of running.splice(0)) await bot.stop().catch(() => {});
});

describe('bulk invitations across replicas', () => {
  it('invites every line once, and the other replica resumes a batch whose replica stopped', async () => {
    const connector = await startConnector();
    try {
      const env = { DATABASE_URL: await testDatabase() };
      const a = await startBot(env);
      running.push(a);
      const b = await startBot(env);
      running.push(b);
      const lines = Array.from({ length: 200 }, (_, i) => `Firm ${i + 1}, owner${i + 1}@firm${i + 1}.example`).join('\n');
      await teamsClient(a.url, connector.url).say(alice, personal, `invite customers\n${lines}`);
      const made = () => [...b.store.all('invitations')].length;
      await expect.poll(made, WAIT).toBeGreaterThan(5);
      // Whichever replica holds it stops: the other takes the batch over at its next look.
      await a.stop();
      running.splice(running.indexOf(a), 1);
      const [batch] = [...b.store.all('batches')];
      // Stopped in the middle: the lines left are the other replica's to make.
      expect([...a.store.all('batches')][0]!.status).toBe('running');
      await expect.poll(() => b.store.get('batches', batch!.id)?.status, WAIT).toBe('done');
      const all = [...b.store.all('invitations')];
      expect(all).toHaveLength(200);
      expect(new Set(all.map((i) => i.customerEmail)).size).toBe(200);
      expect(new Set(b.store.get('batches', batch!.id)!.lines.map((l) => l.invitationId)).size).toBe(200);
      expect([...b.store.all('audit')].filter((e) => e.action === 'invitation.drafted')).toHaveLength(200);
    } finally {
      await connector.close();
    }
  }, 150_000);
});
