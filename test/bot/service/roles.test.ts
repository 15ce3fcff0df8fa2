import { describe, expect, it } from 'vitest';
import { actor, admin, testService } from '../../helpers.js';
import { ErrorCode } from '../../../bot/service/index.js';

describe('roles', () => {
  it('tells someone without a role how to get one, naming their principal', async () => {
    const { service } = await testService();
    const error = await service.draftInvitation(actor('nobody'), { channel: 'own-marketing', locale: 'en' }).catch((e) => e);
    expect(error.code).toBe(ErrorCode.NotAllowed);
    expect(error.key).toBe('error.noRole');
    expect(error.params.principal).toBe('cli:nobody');
    expect(() => service.listCustomers(actor('nobody'))).toThrow(expect.objectContaining({ key: 'error.noRole' }));
  });

  it('lets a sales agent look but not invite, remove or grant', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'sales-agent', principal: 'cli:bob' });
    const bob = actor('bob');
    expect(service.listCustomers(bob).total).toBe(0);
    await expect(service.draftInvitation(bob, { channel: 'own-marketing', locale: 'en' })).rejects.toMatchObject({ key: 'error.adminOnly' });
    await expect(service.requestRemoval(bob, 'x')).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
    await expect(service.grantRole(bob, { role: 'sales-agent', principal: 'cli:eve' })).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
  });

  it('lets an admin agent invite and grant, but only a Global admin makes a Global admin', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'admin-agent', principal: 'teams:aad-1' });
    const agent = actor('aad-1', 'en', 'teams');
    await expect(service.draftInvitation(agent, { channel: 'own-marketing', locale: 'en' })).resolves.toMatchObject({ status: 'draft' });
    await expect(service.grantRole(agent, { role: 'sales-agent', principal: 'slack:U1' })).resolves.toMatchObject({ id: 'slack:U1' });
    await expect(service.grantRole(agent, { role: 'global-admin', principal: 'slack:U2' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
  });

  it('refuses unknown roles and malformed principals', async () => {
    const { service } = await testService();
    await expect(service.grantRole(admin, { role: 'boss', principal: 'cli:x' })).rejects.toMatchObject({ key: 'error.unknownRole' });
    await expect(service.grantRole(admin, { role: 'sales-agent', principal: 'bob' })).rejects.toMatchObject({ key: 'error.badPrincipal' });
  });

  it('audits a grant', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'sales-agent', principal: 'cli:bob' });
    expect(service.listAudit(admin)[0]).toMatchObject({ action: 'role.granted', target: 'cli:bob', details: { role: 'sales-agent' } });
  });
});
