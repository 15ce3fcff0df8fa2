/** Who may do what: Global admins and Admin agents act; everyone with a role may look. */
import { Role, Platform, type RoleGrant } from '../../store/schema.js';
import { principalOf, toActorRef, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { Conflict, InvalidInput, NotAllowed, NotFound } from './errors.js';
import type { StoreReader } from '../../store/store.js';
import { isPermitted, permissionsOf, type Permission } from './permissions.js';

export function roleOf(ctx: ServiceContext, actor: Pick<Actor, 'platform' | 'userId'>): Role | null {
  const principal = principalOf(actor);
  if (ctx.bootstrapAdmins.has(principal)) return 'global-admin';
  // A directory that knows roles (the partner tenant's groups) is the only other source.
  const fromDirectory = ctx.directory.roleOf(actor);
  if (fromDirectory !== undefined) return fromDirectory;
  return ctx.store.get('roles', principal)?.role ?? null;
}

/** Anyone with a role may list and view; people without one are told how to get one. */
export function requireRole(ctx: ServiceContext, actor: Actor): Role {
  const role = roleOf(ctx, actor);
  if (!role) {
    // With the Microsoft directory a role is a group in the partner tenant, not a grant here.
    if (ctx.directory.kind === 'microsoft') throw new NotAllowed('error.noRoleInPartnerTenant');
    throw new NotAllowed('error.noRole', { principal: principalOf(actor) });
  }
  return role;
}

/** A permission from the table; the refusal names the least role that has it. */
export function requirePermission(ctx: ServiceContext, actor: Actor, permission: Permission): Role {
  const role = requireRole(ctx, actor);
  if (isPermitted(role, permission)) return role;
  if (isPermitted('admin-agent', permission)) throw new NotAllowed('error.adminOnly', { role });
  throw new NotAllowed('error.globalAdminOnly');
}

export function createRoleOperations(ctx: ServiceContext) {
  return {
    /** Looks the actor up in the directory (its role, cached); surfaces call it once per turn. */
    identify(actor: Actor): Promise<void> {
      return ctx.directory.identify(actor);
    },

    /** Who the actor is to the bot, with no role required. */
    whoami(actor: Actor) {
      const role = roleOf(ctx, actor);
      return { principal: principalOf(actor), displayName: actor.displayName, role, permissions: permissionsOf(role) };
    },

    /**
     * Grants a role to "platform:userId". Making, changing or ending a Global admin is a Global
     * admin's decision; bootstrap admins are fixed by configuration; the last Global admin stays.
     */
    async grantRole(actor: Actor, input: { principal: string; role: string }): Promise<RoleGrant> {
      const actorRole = requirePermission(ctx, actor, 'grant');
      // Roles managed in the partner tenant cannot be granted here: say where they are.
      if (ctx.directory.kind === 'microsoft') throw new InvalidInput('error.rolesInPartnerTenant');
      const role = Role.safeParse(input.role);
      if (!role.success) throw new InvalidInput('error.unknownRole', { role: input.role, roles: Role.options.join(', ') });
      const target = parsePrincipal(input.principal);
      if (role.data === 'global-admin' && actorRole !== 'global-admin') throw new NotAllowed('error.globalAdminOnly');
      const grant: RoleGrant = {
        id: target.id,
        platform: target.platform,
        userId: target.userId,
        role: role.data,
        grantedBy: toActorRef(actor),
        grantedAt: ctx.now().toISOString(),
      };
      return ctx.store.transact((tx, read) => {
        guardRoleChange(ctx, read, actor, target.id, role.data);
        tx.put('roles', grant);
        ctx.audit(tx, actor, 'role.granted', grant.id, { role: grant.role, was: read.get('roles', grant.id)?.role ?? null });
        return grant;
      });
    },

    /** Takes a granted role away from "platform:userId", under the same guards as a change. */
    async revokeRole(actor: Actor, input: { principal: string }): Promise<{ principal: string; role: Role }> {
      requirePermission(ctx, actor, 'grant');
      if (ctx.directory.kind === 'microsoft') throw new InvalidInput('error.rolesInPartnerTenant');
      const target = parsePrincipal(input.principal);
      return ctx.store.transact((tx, read) => {
        guardRoleChange(ctx, read, actor, target.id, null);
        const held = read.get('roles', target.id);
        if (!held) throw new NotFound('error.noGrant', { principal: target.id });
        tx.delete('roles', target.id);
        ctx.audit(tx, actor, 'role.revoked', target.id, { role: held.role });
        return { principal: target.id, role: held.role };
      });
    },

    listRoleGrants(actor: Actor): RoleGrant[] {
      requireRole(ctx, actor);
      return [...ctx.store.all('roles')];
    },
  };
}

/** "platform:userId" as typed in a chat, checked; web visitors hold no roles. */
function parsePrincipal(text: string): { id: string; platform: Platform; userId: string } {
  const match = /^([a-z]+):(\S+)$/.exec(text.trim());
  const platform = Platform.safeParse(match?.[1]);
  if (!match || !platform.success || platform.data === 'web') throw new InvalidInput('error.badPrincipal', { principal: text });
  return { id: `${platform.data}:${match[2]}`, platform: platform.data, userId: match[2]! };
}

/**
 * The guards on changing someone's role (`next` null to revoke), run inside the write so that two
 * Global admins demoting each other at the same moment cannot leave none.
 */
function guardRoleChange(ctx: ServiceContext, read: StoreReader, actor: Actor, principal: string, next: Role | null): void {
  if (ctx.bootstrapAdmins.has(principal)) throw new Conflict('error.bootstrapAdminFixed', { principal });
  // The actor's own role as of this write: a Global admin demoted a moment ago is one no more.
  const actorRole = requirePermission(ctx, actor, 'grant');
  const current = read.get('roles', principal)?.role ?? null;
  if (current !== 'global-admin' || next === 'global-admin') return;
  if (actorRole !== 'global-admin') throw new NotAllowed('error.globalAdminOnly');
  if (countGlobalAdmins(ctx, read, principal) === 0) throw new Conflict('error.lastGlobalAdmin', { principal });
}

/** Global admins other than `except`: bootstrap admins and granted ones. */
function countGlobalAdmins(ctx: ServiceContext, read: StoreReader, except: string): number {
  const principals = new Set(ctx.bootstrapAdmins);
  for (const grant of read.all('roles')) if (grant.role === 'global-admin') principals.add(grant.id);
  principals.delete(except);
  return principals.size;
}
