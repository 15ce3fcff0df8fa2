/**
 * `audit`, `revoke invitation <n>` and `stop notifications` through a chat surface: the
 * terminal's session (the same conversation logic as Teams and Slack) and, for notifications,
 * which need a channel, Teams.
 */
import { describe, expect, it } from 'vitest';
import { createConversation } from '../../../bot/conversation/handler.js';
import { createChatSession } from '../../../bot/cli/session.js';
import { testService } from '../../helpers.js';
import { startBot } from '../../fakes/bot-server.js';
import { startConnector } from '../../fakes/connector.js';
import { teamsClient } from '../../fakes/teams-client.js';

async function chat() {
  const t = await testService();
  const conversation = createConversation(t.service, { error: () => {}, warn: () => {} });
  const session = (as: string, locale: 'en' | 'it' = 'en', conversationId = 'terminal') => {
    const lines: string[] = [];
    const s = createChatSession({
      conversation,
      turn: { actor: { platform: 'cli', userId: as, displayName: as, locale }, conversation: { platform: 'cli', conversationId, name: conversationId } },
      out: (l) => lines.push(l),
    });
    return async (...inputs: string[]) => {
      lines.length = 0;
      for (const input of inputs) await s.input(input);
      return lines.join('\n');
    };
  };
  return { ...t, session };
}

describe('admin commands in a chat', () => {
  it('revokes the invitation numbered in the list, and its link stops working', async () => {
    const { service, session } = await chat();
    const admin = session('admin');
    const me = { platform: 'cli' as const, userId: 'admin', displayName: 'admin', locale: 'en' as const };
    for (const companyName of ['Adatum Studio', 'Tailspin Toys']) {
      const draft = await service.draftInvitation(me, { acquisition: 'own-marketing', locale: 'en', companyName, customerEmail: 'it@example.com' });
      await service.markInvitationSent(me, draft.id, { body: draft.body, token: draft.token });
    }
    await admin('invite customer');
    const [newest, older] = service.listInvitations(me, { kind: 'sent' });
    const list = await admin('invitations');
    // Sent invitations are numbered by name, with the recipient and the state in words; the draft stands apart.
    const second = older!.companyName!;
    expect(list).toContain(`1. ${newest!.companyName} <it@example.com>: sent today, waiting, by admin`);
    expect(list).toContain(`2. ${second} <it@example.com>: sent today, waiting, by admin`);
    expect(list).toMatch(/Draft never sent \(not an invitation until you select Done\):\n\s*– Customer not named yet, drafted by admin today/);
    expect(list).toMatch(/\[\d\] Revoke Adatum Studio/);
    expect(list).toMatch(/\[\d\] Revoke Tailspin Toys/);
    expect(list).toMatch(/\[\d\] Discard the draft for Customer not named yet\n/);
    expect(list).not.toMatch(/3\. /);
    const out = await admin('revoke invitation 2');
    expect(out).toContain(`Invitation to ${second} revoked`);
    expect(out).toContain(`The link in the email to ${second} no longer works.`);
    expect(service.getInvitation({ platform: 'cli', userId: 'admin', displayName: 'admin', locale: 'en' }, older!.id).effectiveStatus).toBe('revoked');
    expect(service.getInvitation({ platform: 'cli', userId: 'admin', displayName: 'admin', locale: 'en' }, newest!.id).effectiveStatus).toBe('sent');
    expect(await admin('revoke invitation 9')).not.toMatch(/revoked by/i);
    expect(service.listInvitations({ platform: 'cli', userId: 'admin', displayName: 'admin', locale: 'en' }).filter((i) => i.effectiveStatus === 'revoked')).toHaveLength(1);
  });

  it('discards a draft as a draft, never calling it revoked, and lists nothing afterwards', async () => {
    const { session } = await chat();
    const admin = session('admin');
    const draft = await admin('invite customer');
    const out = await admin(/\[(\d+)\] Discard/.exec(draft)![1]!);
    expect(out).toContain('Draft discarded');
    expect(out).toContain('It was never sent, so nobody has its link.');
    expect(out).not.toMatch(/revoked/i);
    expect(await admin('invitations')).toContain('No invitations yet');
  });

  it('shows the audit trail to admins only, newest first', async () => {
    const { session } = await chat();
    const admin = session('admin');
    await admin('grant sales-agent cli:bob');
    await admin('add provider Contoso Distribution');
    const out = await admin('audit');
    expect(out.indexOf('admin added the indirect provider Contoso Distribution')).toBeGreaterThanOrEqual(0);
    expect(out.indexOf('admin added the indirect provider Contoso Distribution')).toBeLessThan(out.indexOf('admin made cli:bob Sales agent'));
    const refused = await session('bob')('audit');
    expect(refused).not.toContain('made cli:bob');
    expect(refused).toMatch(/Global admin or an Admin agent/i);
  });

  it('has no channel to stop notifying in the terminal, and says so', async () => {
    const { store, session } = await chat();
    expect(await session('admin')('stop notifications')).toMatch(/channel/i);
    expect(store.count('notificationSubscriptions')).toBe(0);
  });

  it('stops notifications in the Teams conversation it is typed in, in Italian too', async () => {
    const connector = await startConnector();
    const bot = await startBot();
    try {
      const teams = teamsClient(bot.url, connector.url);
      const alice = { aadObjectId: 'aad-admin', name: 'Alice' };
      const ops = { id: '19:ops@thread.tacv2', conversationType: 'channel' as const, channelName: 'Ops' };
      const sales = { id: '19:sales@thread.tacv2', conversationType: 'channel' as const, channelName: 'Sales' };
      await teams.say(alice, ops, 'notify here');
      await teams.say({ ...alice, locale: 'it-IT' }, sales, 'notifica qui');
      const subscribed = () => [...bot.store.all('notificationSubscriptions')].map((c) => c.conversationId).sort();
      expect(subscribed()).toEqual([ops.id, sales.id]);
      await teams.say(alice, ops, 'stop notifications');
      expect(subscribed()).toEqual([sales.id]);
      await teams.say({ ...alice, locale: 'it-IT' }, sales, 'disattiva notifiche');
      expect(subscribed()).toEqual([]);
      expect(bot.service.listAudit({ platform: 'teams', userId: 'aad-admin', displayName: 'A', locale: 'en' }).filter((e) => e.action === 'channel.unsubscribed')).toHaveLength(2);
    } finally {
      await bot.stop();
      await connector.close();
    }
  });
});
