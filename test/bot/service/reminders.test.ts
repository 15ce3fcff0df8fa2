import { describe, expect, it } from 'vitest';
import { actor, admin, testService } from '../../helpers.js';

const slackAdmin = actor('UADMIN', 'en', 'slack');
const reminderIds = (store: Awaited<ReturnType<typeof testService>>['store']) =>
  [...store.all('deliveries')].filter((d) => d.id.startsWith('reminder:'));

async function slackDraft() {
  const bot = await testService();
  await bot.service.grantRole(admin, { role: 'admin-agent', principal: 'slack:UADMIN' });
  const draft = await bot.service.draftInvitation(slackAdmin, { acquisition: 'own-marketing', locale: 'en' });
  return { ...bot, draft };
}

describe('reminders queued with the sent status', () => {
  it('go to the conversation Done was selected in when no card of the draft was posted (a Slack modal)', async () => {
    const { service, store, draft } = await slackDraft();
    await service.markInvitationSent(slackAdmin, draft.id, {
      body: draft.body,
      conversation: { platform: 'slack', conversationId: 'C0SALES', reference: { channel: 'C0SALES' } },
    });
    const queued = reminderIds(store);
    expect(queued.map((d) => d.id).sort()).toEqual(['0', '1', '2', 'expired'].map((n) => `reminder:${draft.id}:${n}`).sort());
    for (const d of queued)
      expect(d.target).toEqual({ kind: 'conversation', platform: 'slack', conversationId: 'C0SALES', reference: null, locale: 'en' });
  });

  it("go to the draft card's own conversation when one was posted, whatever conversation Done names", async () => {
    const { service, store, draft } = await slackDraft();
    await service.recordDraftMessage(slackAdmin, draft.id, { platform: 'slack', channel: 'C0CARD', ts: '1.2', locale: 'en' });
    await service.markInvitationSent(slackAdmin, draft.id, {
      body: draft.body,
      conversation: { platform: 'slack', conversationId: 'C0ELSE' },
    });
    expect(new Set(reminderIds(store).map((d) => (d.target as { conversationId: string }).conversationId))).toEqual(new Set(['C0CARD']));
  });

  it('are not queued to a conversation of another platform or of no shape that platform has', async () => {
    for (const conversation of [
      { platform: 'teams', conversationId: 'C0SALES', reference: { conversation: { id: 'C0SALES' } } },
      { platform: 'slack', conversationId: '<!channel>' },
      { platform: 'slack', conversationId: '' },
      { platform: 'slack', conversationId: 42 as unknown as string },
    ]) {
      const { service, store, draft } = await slackDraft();
      await service.markInvitationSent(slackAdmin, draft.id, { body: draft.body, conversation });
      expect(reminderIds(store), JSON.stringify(conversation)).toEqual([]);
    }
  });

  it('are queued once: Done again, or the sent message placed afterwards, adds none and moves none', async () => {
    const { service, store, draft } = await slackDraft();
    const conversation = { platform: 'slack', conversationId: 'C0SALES' };
    await service.markInvitationSent(slackAdmin, draft.id, { body: draft.body, conversation });
    const first = JSON.stringify(reminderIds(store));
    await service.markInvitationSent(slackAdmin, draft.id, {
      body: draft.body,
      conversation: { platform: 'slack', conversationId: 'C0OTHER' },
    });
    await service.recordDraftMessage(slackAdmin, draft.id, { platform: 'slack', channel: 'C0SALES', ts: '9.9', locale: 'en' });
    expect(JSON.stringify(reminderIds(store))).toBe(first);
  });

  it('are not queued by placing the card of an invitation sent without a conversation', async () => {
    const { service, store, draft } = await slackDraft();
    await service.markInvitationSent(slackAdmin, draft.id, { body: draft.body });
    await service.recordDraftMessage(slackAdmin, draft.id, { platform: 'slack', channel: 'C0SALES', ts: '9.9', locale: 'en' });
    expect(reminderIds(store)).toEqual([]);
  });
});

describe('reminders for invitations sent before reminders existed', () => {
  it('queues the latest overdue one due now, the later ones at their time, and nothing for one that has any', async () => {
    const { service, store, clock, draft } = await slackDraft();
    await service.recordDraftMessage(slackAdmin, draft.id, { platform: 'slack', channel: 'C0CARD', ts: '1.2', locale: 'en' });
    await service.markInvitationSent(slackAdmin, draft.id, { body: draft.body });
    // As an older version left it: sent, and no reminder queued.
    await store.transact((tx) => reminderIds(store).forEach((d) => tx.delete('deliveries', d.id)));
    clock.now = new Date(clock.now.getTime() + 35 * 86_400_000);
    expect(await service.queueMissingReminders()).toBe(1);
    const due = Object.fromEntries(reminderIds(store).map((d) => [d.id.split(':').pop(), d.nextAttemptAt]));
    const sentAt = Date.parse(store.get('invitations', draft.id)!.sentAt!);
    // 7 and 30 days are past: only the 30-day one, now; 80 days at its time; the expiry at 90.
    expect(due).toEqual({
      '1': clock.now.toISOString(),
      '2': new Date(sentAt + 80 * 86_400_000).toISOString(),
      expired: store.get('invitations', draft.id)!.expiresAt,
    });
    expect(await service.queueMissingReminders()).toBe(0);
    expect(reminderIds(store)).toHaveLength(3);
  });
});
