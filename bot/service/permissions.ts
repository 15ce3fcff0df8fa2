/**
 * Who may do what, in one table. The service's checks read it, and so does everything that
 * offers an action (help, buttons), so what is offered cannot drift from what is allowed.
 */
import { Role } from '../../store/schema.js';
import { ADMIN_ROLES } from './context.js';

export const PERMISSIONS = {
  /** List and read customers, providers and invitations; subscribe a conversation. */
  look: Role.options,
  /** Draft, send and revoke invitations. */
  invite: ADMIN_ROLES,
  /** Request and confirm the removal of a relationship. */
  remove: ADMIN_ROLES,
  /** Grant roles (only a Global admin grants Global admin, checked where the grant is made). */
  grant: ADMIN_ROLES,
  audit: ADMIN_ROLES,
  /** End a customer's GDAP relationships at Microsoft, or turn on their auto-extend; see the directory's status and permissions. */
  adminAccess: ADMIN_ROLES,
  addProvider: ['global-admin'],
  /** Set the company's name customers see in emails and on the invitation page. */
  namePartner: ['global-admin'],
  /** Remove any conversation's notifications from the `notifications` list (its own `stop notifications` needs only a role). */
  manageNotifications: ADMIN_ROLES,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermitted(role: Role | null, permission: Permission): boolean {
  return role !== null && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Every permission a role holds, in the table's order. */
export function permissionsOf(role: Role | null): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => isPermitted(role, p));
}
