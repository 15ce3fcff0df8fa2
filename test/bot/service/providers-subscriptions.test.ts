import { describe, expect, it } from 'vitest';
import { actor, admin, testService } from '../../helpers.js';
import { ErrorCode } from '../../../bot/service/index.js';

describe('indirect providers', () => {
  it('lets a Global admin add one (with tenant id) and anyone with a role list them', async () => {
    const { service } = await testService();
    await service.addProvider(admin, { name: 'Contoso Distribution', tenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70' });
    await service.grantRole(admin, { role: 'admin-agent', principal: 'cli:agent' });
    await expect(service.addProvider(actor('agent'), { name: 'Other' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
    await expect(service.addProvider(admin, { name: 'contoso distribution' })).rejects.toMatchObject({ code: ErrorCode.Conflict });
    await expect(service.addProvider(admin, { name: 'X Co', tenantId: 'nope' })).rejects.toMatchObject({ key: 'provider.badTenantId' });
    expect(service.listProviders(actor('agent')).map((p) => p.name)).toEqual(['Contoso Distribution']);
  });
});

describe('notification subscriptions', () => {
  it('subscribes a conversation once, however many times it is asked, and unsubscribes it', async () => {
    const { service } = await testService();
    await service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C1', name: '#sales' });
    await service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C1', name: '#sales' });
    expect(service.listNotificationSubscriptions(admin)).toHaveLength(1);
    expect(await service.unsubscribeFromNotifications(admin, { platform: 'slack', conversationId: 'C1' })).toEqual({ removed: true });
    expect(await service.unsubscribeFromNotifications(admin, { platform: 'slack', conversationId: 'C1' })).toEqual({ removed: false });
  });

  it('needs a role', async () => {
    const { service } = await testService();
    await expect(service.subscribeToNotifications(actor('x'), { platform: 'slack', conversationId: 'C1', name: '' })).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
  });
});

describe('audit', () => {
  it('records one event per mutation with who did it', async () => {
    const { service } = await testService();
    await service.addProvider(admin, { name: 'Contoso Distribution' });
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, draft.id, { body: draft.body });
    expect(service.listAudit(admin).map((e) => e.action).sort()).toEqual(['invitation.drafted', 'invitation.sent', 'provider.added']);
  });
});
