import { describe, expect, it } from 'vitest';
import { actor, admin, testService } from '../../helpers.js';
import { ErrorCode, createService } from '../../../bot/service/index.js';

describe('roles', () => {
  it('tells someone without a role how to get one, naming their principal', async () => {
    const { service } = await testService();
    const error = await service.draftInvitation(actor('nobody'), { acquisition: 'own-marketing', locale: 'en' }).catch((e) => e);
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
    await expect(service.draftInvitation(bob, { acquisition: 'own-marketing', locale: 'en' })).rejects.toMatchObject({ key: 'error.adminOnly' });
    await expect(service.requestRemoval(bob, 'x')).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
    await expect(service.grantRole(bob, { role: 'sales-agent', principal: 'cli:eve' })).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
  });

  it('lets an admin agent invite and grant, but only a Global admin makes a Global admin', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'admin-agent', principal: 'teams:aad-1' });
    const agent = actor('aad-1', 'en', 'teams');
    await expect(service.draftInvitation(agent, { acquisition: 'own-marketing', locale: 'en' })).resolves.toMatchObject({ status: 'draft' });
    await expect(service.grantRole(agent, { role: 'sales-agent', principal: 'slack:U1' })).resolves.toMatchObject({ id: 'slack:U1' });
    await expect(service.grantRole(agent, { role: 'global-admin', principal: 'slack:U2' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
    expect(service.whoami(actor('U2', 'en', 'slack')).role).toBeNull();
    // A Global admin may.
    await expect(service.grantRole(admin, { role: 'global-admin', principal: 'slack:U2' })).resolves.toMatchObject({ id: 'slack:U2', role: 'global-admin' });
  });

  it('names the least role a refused permission needs: Admin agents for admin access, Global admins for providers', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'sales-agent', principal: 'cli:bob' });
    await expect(service.directoryStatus(actor('bob'))).rejects.toMatchObject({ key: 'error.adminOnly', params: { role: 'sales-agent' } });
    await expect(service.addProvider(actor('bob'), { name: 'Contoso Distribution' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
  });

  it('says what each role may do, from the one table: agents look, Admin agents act, Global admins also add providers', async () => {
    const { service } = await testService();
    for (const role of ['admin-agent', 'sales-agent', 'helpdesk-agent']) await service.grantRole(admin, { role, principal: `cli:${role}` });
    const acting = ['invite', 'remove', 'grant', 'audit', 'adminAccess', 'manageNotifications'];
    const held = (userId: string) => service.whoami(actor(userId)).permissions;
    expect(held('admin')).toEqual(['look', ...acting.slice(0, 5), 'addProvider', 'namePartner', 'manageNotifications']);
    expect(held('admin-agent')).toEqual(['look', ...acting]);
    expect(held('sales-agent')).toEqual(['look']);
    expect(held('helpdesk-agent')).toEqual(['look']);
    expect(held('nobody')).toEqual([]);
    // The App Home reads the same table.
    expect(service.summary(actor('admin-agent')).permissions).toEqual(held('admin-agent'));
    expect(service.summary(actor('sales-agent')).permissions).toEqual(['look']);
  });

  it('names the role that is missing: the caller\'s own role for admin work, Global admin for adding a provider', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'sales-agent', principal: 'cli:bob' });
    await service.grantRole(admin, { role: 'admin-agent', principal: 'cli:carla' });
    await expect(service.addProvider(actor('bob'), { name: 'Contoso Distribution' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
    await expect(service.addProvider(actor('carla'), { name: 'Contoso Distribution' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
    await expect(service.draftInvitation(actor('bob'), { acquisition: 'own-marketing', locale: 'en' })).rejects.toMatchObject({ key: 'error.adminOnly', params: { role: 'sales-agent' } });
  });

  it('refuses unknown roles and malformed principals', async () => {
    const { service } = await testService();
    await expect(service.grantRole(admin, { role: 'boss', principal: 'cli:x' })).rejects.toMatchObject({ key: 'error.unknownRole' });
    await expect(service.grantRole(admin, { role: 'sales-agent', principal: 'bob' })).rejects.toMatchObject({ key: 'error.badPrincipal', params: { principal: 'bob' } });
    for (const principal of ['x teams:abc', 'teams:abc extra', 'web:abc', 'nowhere:abc', 'teams:']) {
      await expect(service.grantRole(admin, { role: 'sales-agent', principal }), principal).rejects.toMatchObject({ key: 'error.badPrincipal' });
    }
    const unknown = await service.grantRole(admin, { role: 'boss', principal: 'cli:x' }).catch((e) => e);
    expect(unknown.params).toEqual({ role: 'boss', roles: 'global-admin, admin-agent, sales-agent, helpdesk-agent' });
    expect(service.listRoleGrants(admin)).toEqual([]);
    // Spaces around a principal are not part of it.
    await expect(service.grantRole(admin, { role: 'sales-agent', principal: '  teams:abc  ' })).resolves.toMatchObject({ id: 'teams:abc', userId: 'abc' });
    expect(service.listRoleGrants(admin).map((g) => g.id)).toEqual(['teams:abc']);
  });

  it('audits a grant', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'sales-agent', principal: 'cli:bob' });
    expect(service.listAudit(admin)[0]).toMatchObject({ action: 'role.granted', target: 'cli:bob', details: { role: 'sales-agent' } });
  });
});

describe('changing a role that is already held', () => {
  const gina = actor('gina');
  const carla = actor('carla');

  it('lets only a Global admin demote or revoke a Global admin', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'global-admin', principal: 'cli:gina' });
    await service.grantRole(admin, { role: 'admin-agent', principal: 'cli:carla' });
    await expect(service.grantRole(carla, { role: 'sales-agent', principal: 'cli:gina' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
    await expect(service.revokeRole(carla, { principal: 'cli:gina' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
    expect(service.whoami(gina).role).toBe('global-admin');
    // Granting Global admin again to a Global admin changes nothing of consequence: allowed to a Global admin only.
    await expect(service.grantRole(carla, { role: 'global-admin', principal: 'cli:gina' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
    await expect(service.grantRole(gina, { role: 'sales-agent', principal: 'cli:carla' })).resolves.toMatchObject({ role: 'sales-agent' });
    await expect(service.revokeRole(admin, { principal: 'cli:gina' })).resolves.toEqual({ principal: 'cli:gina', role: 'global-admin' });
    expect(service.whoami(gina).role).toBeNull();
  });

  it("refuses to change a bootstrap admin's role, even to a Global admin, naming them", async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'global-admin', principal: 'cli:gina' });
    for (const role of ['sales-agent', 'global-admin']) {
      await expect(service.grantRole(gina, { role, principal: 'cli:admin' })).rejects.toMatchObject({ code: ErrorCode.Conflict, key: 'error.bootstrapAdminFixed', params: { principal: 'cli:admin' } });
    }
    await expect(service.revokeRole(gina, { principal: ' cli:admin ' })).rejects.toMatchObject({ key: 'error.bootstrapAdminFixed' });
    expect(service.listRoleGrants(admin).map((g) => g.id)).toEqual(['cli:gina']);
  });

  it('keeps the last Global admin, counting bootstrap admins', async () => {
    const { service, store } = await testService();
    await service.grantRole(admin, { role: 'global-admin', principal: 'cli:gina' });
    // With the bootstrap admin still configured, Gina is not the last one.
    await expect(service.grantRole(gina, { role: 'sales-agent', principal: 'cli:gina' })).resolves.toMatchObject({ role: 'sales-agent' });
    await service.grantRole(admin, { role: 'global-admin', principal: 'cli:gina' });
    // The same store once the bootstrap admin is taken out of the configuration.
    const alone = createService({ store, publicUrl: 'https://bot.example.com', bootstrapAdmins: [], now: () => new Date('2026-11-23T10:00:00Z') });
    await expect(alone.grantRole(gina, { role: 'admin-agent', principal: 'cli:gina' })).rejects.toMatchObject({ code: ErrorCode.Conflict, key: 'error.lastGlobalAdmin', params: { principal: 'cli:gina' } });
    await expect(alone.revokeRole(gina, { principal: 'cli:gina' })).rejects.toMatchObject({ key: 'error.lastGlobalAdmin' });
    await alone.grantRole(gina, { role: 'global-admin', principal: 'cli:hugo' });
    await expect(alone.revokeRole(actor('hugo'), { principal: 'cli:gina' })).resolves.toMatchObject({ role: 'global-admin' });
    await expect(alone.grantRole(actor('hugo'), { role: 'sales-agent', principal: 'cli:hugo' })).rejects.toMatchObject({ key: 'error.lastGlobalAdmin' });
    expect(alone.whoami(actor('hugo')).role).toBe('global-admin');
  });

  it('audits a change with the role it replaced, and a revocation with the role taken away', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'sales-agent', principal: 'cli:bob' });
    await service.grantRole(admin, { role: 'admin-agent', principal: 'cli:bob' });
    expect(service.listAudit(admin)[0]).toMatchObject({ action: 'role.granted', target: 'cli:bob', details: { role: 'admin-agent', was: 'sales-agent' } });
    await service.revokeRole(admin, { principal: 'cli:bob' });
    expect(service.listAudit(admin)[0]).toMatchObject({ action: 'role.revoked', target: 'cli:bob', details: { role: 'admin-agent' } });
    await expect(service.revokeRole(admin, { principal: 'cli:bob' })).rejects.toMatchObject({ code: ErrorCode.NotFound, key: 'error.noGrant', params: { principal: 'cli:bob' } });
    await expect(service.revokeRole(actor('bob'), { principal: 'cli:x' })).rejects.toMatchObject({ key: 'error.noRole' });
    await expect(service.revokeRole(admin, { principal: 'web:x' })).rejects.toMatchObject({ key: 'error.badPrincipal' });
  });
});
