/** Who may do what: Global admins and Admin agents act; everyone with a role may look. */
import { Role, Platform, type RoleGrant } from '../../store/schema.js';
import { principalOf, toActorRef, type Actor } from './actor.js';
import { ADMIN_ROLES, type ServiceContext } from './context.js';
import { InvalidInput, NotAllowed } from './errors.js';
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

/** Only Global admins and Admin agents may invite, remove or grant. */
export function requireAdmin(ctx: ServiceContext, actor: Actor): Role {
  const role = requireRole(ctx, actor);
  if (!ADMIN_ROLES.includes(role)) throw new NotAllowed('error.adminOnly', { role });
  return role;
}

/** A permission from the table; the refusal names the least role that has it. */
export function requirePermission(ctx: ServiceContext, actor: Actor, permission: Permission): Role {
  const role = requireRole(ctx, actor);
  if (isPermitted(role, permission)) return role;
  if (isPermitted('admin-agent', permission)) throw new NotAllowed('error.adminOnly', { role });
  throw new NotAllowed('error.globalAdminOnly');
}

export function isAdminRole(role: Role | null): boolean {
  return role !== null && ADMIN_ROLES.includes(role);
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
      return { principal: principalOf(actor), displayName: actor.displayName, role, isAdmin: isAdminRole(role), permissions: permissionsOf(role) };
    },

    /** Grants a role to "platform:userId"; only a Global admin may make another Global admin. */
    async grantRole(actor: Actor, input: { principal: string; role: string }): Promise<RoleGrant> {
      const actorRole = requireAdmin(ctx, actor);
      // Roles managed in the partner tenant cannot be granted here: say where they are.
      if (ctx.directory.kind === 'microsoft') throw new InvalidInput('error.rolesInPartnerTenant');
      const role = Role.safeParse(input.role);
      if (!role.success) throw new InvalidInput('error.unknownRole', { role: input.role, roles: Role.options.join(', ') });
      const match = /^([a-z]+):(\S+)$/.exec(input.principal.trim());
      const platform = Platform.safeParse(match?.[1]);
      if (!match || !platform.success || platform.data === 'web') {
        throw new InvalidInput('error.badPrincipal', { principal: input.principal });
      }
      if (role.data === 'global-admin' && actorRole !== 'global-admin') throw new NotAllowed('error.globalAdminOnly');
      const grant: RoleGrant = {
        id: `${platform.data}:${match[2]}`,
        platform: platform.data,
        userId: match[2]!,
        role: role.data,
        grantedBy: toActorRef(actor),
        grantedAt: ctx.now().toISOString(),
      };
      return ctx.store.transact((tx) => {
        tx.put('roles', grant);
        ctx.audit(tx, actor, 'role.granted', grant.id, { role: grant.role });
        return grant;
      });
    },

    listRoleGrants(actor: Actor): RoleGrant[] {
      requireRole(ctx, actor);
      return [...ctx.store.all('roles')];
    },
  };
}
