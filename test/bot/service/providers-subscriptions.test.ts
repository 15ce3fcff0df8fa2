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

describe('indirect providers, recorded', () => {
  it('tidies the name, checks its length and the tenant id, sorts by name, and audits what was recorded', async () => {
    const { service, clock } = await testService();
    const tenantId = '0B2D6C1A-8E3F-4A7B-B5C9-1F4E2D3A6B70';
    const zeta = await service.addProvider(admin, { name: '  Zeta   Distribution ', tenantId: `  ${tenantId} ` });
    expect(zeta).toMatchObject({ name: 'Zeta Distribution', tenantId, createdAt: clock.now.toISOString() });
    const alpha = await service.addProvider(admin, { name: 'alpha', tenantId: '   ' });
    expect(alpha.tenantId).toBeNull();
    expect(await service.addProvider(admin, { name: 'B'.repeat(120) })).toMatchObject({ tenantId: null });
    expect(await service.addProvider(admin, { name: 'Ab' })).toMatchObject({ name: 'Ab' });
    for (const name of ['A', ' A ', 'C'.repeat(121), '   '])
      await expect(service.addProvider(admin, { name }), JSON.stringify(name)).rejects.toMatchObject({
        code: ErrorCode.InvalidInput,
        key: 'provider.nameRequired',
      });
    await expect(service.addProvider(admin, { name: 'Other', tenantId: `0${tenantId}` })).rejects.toMatchObject({
      key: 'provider.badTenantId',
    });
    await expect(service.addProvider(admin, { name: 'Other', tenantId: `${tenantId}0` })).rejects.toMatchObject({
      key: 'provider.badTenantId',
      params: { tenantId: `${tenantId}0` },
    });
    await expect(service.addProvider(admin, { name: 'ZETA distribution' })).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      key: 'provider.exists',
      params: { name: 'Zeta Distribution' },
    });
    const names = ['Ab', 'alpha', 'B'.repeat(120), 'Zeta Distribution'];
    expect(service.listProviders(admin).map((p) => p.name)).toEqual(names);
    expect(service.providersToInviteWith(admin).map((p) => p.name)).toEqual(names);
    expect(service.listAudit(admin, { target: zeta.id })).toEqual([
      expect.objectContaining({ action: 'provider.added', details: { name: 'Zeta Distribution', tenantId } }),
    ]);
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

  it('keeps who subscribed first and when, the name and reference it had unless new ones are given, and the latest language', async () => {
    const { service, clock } = await testService();
    const first = clock.now.toISOString();
    const reference = { conversation: { id: '19:ops' }, serviceUrl: 'https://smba.example' };
    const made = await service.subscribeToNotifications(admin, { platform: 'teams', conversationId: '19:ops', name: 'Ops', reference });
    expect(made).toEqual({
      id: 'teams:19:ops',
      platform: 'teams',
      conversationId: '19:ops',
      name: 'Ops',
      reference,
      locale: 'en',
      createdBy: { platform: 'cli', userId: 'admin', displayName: 'admin' },
      createdAt: first,
    });
    clock.now = new Date(clock.now.getTime() + 60_000);
    await service.grantRole(admin, { role: 'sales-agent', principal: 'cli:marco' });
    const again = await service.subscribeToNotifications(actor('marco', 'it'), { platform: 'teams', conversationId: '19:ops', name: '' });
    expect(again).toEqual({ ...made, locale: 'it' });
    const renamed = await service.subscribeToNotifications(admin, {
      platform: 'teams',
      conversationId: '19:ops',
      name: 'Operations',
      reference: null,
    });
    expect(renamed).toMatchObject({ name: 'Operations', reference, createdAt: first });
    // Never named: the conversation id stands in.
    expect(await service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C9', name: '' })).toMatchObject({
      name: 'C9',
      reference: null,
    });
    expect(service.listAudit(admin, { target: 'teams:19:ops' }).map((e) => [e.action, e.details])).toEqual([
      ['channel.subscribed', { name: 'Operations' }],
      ['channel.subscribed', { name: 'Ops' }],
      ['channel.subscribed', { name: 'Ops' }],
    ]);
    await service.unsubscribeFromNotifications(admin, { platform: 'teams', conversationId: '19:ops' });
    await service.unsubscribeFromNotifications(admin, { platform: 'teams', conversationId: '19:ops' });
    expect(service.listAudit(admin, { target: 'teams:19:ops', limit: 1 })[0]!.action).toBe('channel.unsubscribed');
    expect(service.listAudit(admin, { target: 'teams:19:ops' })).toHaveLength(4);
    await expect(service.subscribeToNotifications(admin, { platform: 'slack', conversationId: '', name: 'x' })).rejects.toMatchObject({
      code: ErrorCode.InvalidInput,
      key: 'notifications.noConversation',
    });
  });

  it('needs a role', async () => {
    const { service } = await testService();
    await expect(service.subscribeToNotifications(actor('x'), { platform: 'slack', conversationId: 'C1', name: '' })).rejects.toMatchObject(
      { code: ErrorCode.NotAllowed },
    );
  });
});

describe('audit', () => {
  it('records one event per mutation with who did it', async () => {
    const { service } = await testService();
    await service.addProvider(admin, { name: 'Contoso Distribution' });
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, draft.id, { body: draft.body });
    expect(
      service
        .listAudit(admin)
        .map((e) => e.action)
        .sort(),
    ).toEqual(['invitation.drafted', 'invitation.sent', 'provider.added']);
  });
});

describe('indirect providers, as typed after `add provider`', () => {
  const tenantId = '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70';

  it('reads a last word meant as a tenant id as one, and refuses it when it is not a GUID', async () => {
    const { service } = await testService();
    await expect(service.addProvider(admin, { text: 'Foo not-a-guid' })).rejects.toMatchObject({
      code: ErrorCode.InvalidInput,
      key: 'provider.badTenantId',
      params: { tenantId: 'not-a-guid', name: 'Foo' },
    });
    await expect(service.addProvider(admin, { text: 'Foo 0b2d6c1a8e3f4a7bb5c91f4e2d3a6b70' })).rejects.toMatchObject({ key: 'provider.badTenantId' });
    await expect(service.addProvider(admin, { text: `Foo {${tenantId}}` })).rejects.toMatchObject({ key: 'provider.badTenantId' });
    expect(service.listProviders(admin)).toEqual([]);
    expect(await service.addProvider(admin, { text: `Contoso Distribution ${tenantId}` })).toMatchObject({ name: 'Contoso Distribution', tenantId });
    expect(await service.addProvider(admin, { text: 'TD SYNNEX Italia' })).toMatchObject({ name: 'TD SYNNEX Italia', tenantId: null });
    // One word is a name, whatever it looks like.
    expect(await service.addProvider(admin, { text: 'Also-Energy' })).toMatchObject({ name: 'Also-Energy', tenantId: null });
  });
});
