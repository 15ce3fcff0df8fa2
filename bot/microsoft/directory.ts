/**
 * The `microsoft` directory: GDAP relationships requested through Microsoft Graph for each
 * invitation, customers and their relationships from the partner tenant (kept by the sync in
 * sync.ts), and roles from the partner tenant's groups. Application permissions only: no user
 * token, no MFA prompt.
 */
import type { Role } from '../../store/schema.js';
import type { Actor } from '../service/actor.js';
import { principalOf } from '../service/actor.js';
import type { Directory, DirectoryStatus, EndedAccess, PreparedInvitation } from '../service/directory.js';
import { InvalidInput, Unavailable } from '../service/errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { GraphError, REQUIRED_PERMISSIONS, type GraphClient, type RequiredPermission } from './graph.js';
import { gdapApprovalLink, partnerCenterCustomerLink, resellerLinkFor } from './reseller-link.js';
import type { PartnerCenterLink } from '../partner-center/connection.js';
import type { PartnerCenterFeatures } from '../partner-center/features.js';

import { GLOBAL_ADMINISTRATOR } from './roles.js';
import { turnOnAutoExtend } from './auto-extend.js';

/** Partner Center's security groups in every CSP partner tenant, strongest first. */
const GROUP_ROLES: Array<[string, Role]> = [
  ['adminagents', 'admin-agent'],
  ['salesagents', 'sales-agent'],
  ['helpdeskagents', 'helpdesk-agent'],
];
const ROLE_TTL_MS = 5 * 60_000;
/** When the partner tenant cannot be asked, a known role is kept this much longer. */
const ROLE_GRACE_MS = 30 * 60_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MicrosoftDirectoryOptions {
  /** Partner Center's API, where the partner has it (TOKEN_ENCRYPTION_KEY set, an admin signed in). */
  partnerCenter?: { link: PartnerCenterLink; features: PartnerCenterFeatures } | null;
  tenantId: string;
  clientId: string;
  resellerLink: string;
  gdap: { roleDefinitionIds: string[]; durationDays: number; autoExtend: boolean };
  graph: GraphClient;
  clock: Clock;
  logger: Logger;
}

/** The status the sync reports, for `status` and /healthz. */
export interface SyncHealth {
  lastSuccessAt: string | null;
  lastError: string | null;
  stale: boolean;
}

/** A Graph failure as a sentence for the person who asked; nothing was changed. */
export function graphRefusal(error: unknown): Unavailable {
  if (error instanceof GraphError) {
    if (error.status === 429) return new Unavailable('microsoft.throttled');
    if (error.status === 0 || error.status >= 500) return new Unavailable('microsoft.unreachable');
    return new Unavailable('microsoft.refused', { reason: `${error.code} (${error.status})` });
  }
  return new Unavailable('microsoft.unreachable');
}

/** The role a partner-tenant user holds: the Global Administrator role first, then the groups. */
export function roleFromMembership(membership: { groups: string[]; directoryRoleTemplateIds: string[] } | null): Role | null {
  if (!membership) return null;
  if (membership.directoryRoleTemplateIds.some((id) => id.toLowerCase() === GLOBAL_ADMINISTRATOR)) return 'global-admin';
  const groups = new Set(membership.groups.map((g) => g.toLowerCase()));
  for (const [group, role] of GROUP_ROLES) if (groups.has(group)) return role;
  return null;
}

export function createMicrosoftDirectory(options: MicrosoftDirectoryOptions) {
  const { graph, clock, logger } = options;
  const pc = options.partnerCenter ?? null;
  const roles = new Map<string, { role: Role | null; expires: number; staleAfter: number }>();
  let syncHealth: () => SyncHealth = () => ({ lastSuccessAt: null, lastError: null, stale: false });
  let refresh: (() => Promise<{ customers: number; added: number }>) | null = null;

  /** A GDAP display name: unique per invitation, at most 50 characters, no characters Graph refuses. */
  const displayNameFor = (invitationId: string, companyName: string | null) => {
    const company = (companyName ?? '')
      .replace(/[^\p{L}\p{N} ._-]/gu, '')
      .trim()
      .slice(0, 30);
    return `${company || 'Customer'} ${invitationId.replace(/-/g, '').slice(0, 12)}`.slice(0, 50);
  };

  /** The person's object id in the partner tenant: Teams gives it, Slack's profile email finds it. */
  async function objectIdOf(actor: Actor): Promise<string | null> {
    if (actor.platform === 'teams' && GUID.test(actor.userId)) return actor.userId;
    if (actor.platform === 'slack' && actor.email) return (await graph.findUserByEmail(actor.email))?.id ?? null;
    return null;
  }

  async function lookUp(actor: Actor): Promise<Role | null> {
    const objectId = await objectIdOf(actor);
    if (!objectId) return null;
    return roleFromMembership(await graph.membershipOf(objectId));
  }

  const directory: Directory & {
    status(): Promise<DirectoryStatus>;
    attachSync(health: () => SyncHealth, run: () => Promise<{ customers: number; added: number }>): void;
  } = {
    kind: 'microsoft',

    async prepareInvitation({ invitationId, provider, companyName }): Promise<PreparedInvitation> {
      if (provider && !provider.tenantId) throw new InvalidInput('provider.needsTenant', { provider: provider.name });
      let created;
      try {
        created = await graph.createRelationship({
          displayName: displayNameFor(invitationId, companyName),
          duration: `P${options.gdap.durationDays}D`,
          roleDefinitionIds: options.gdap.roleDefinitionIds,
          autoExtendDuration: options.gdap.autoExtend ? 'P180D' : 'PT0S',
        });
      } catch (error) {
        logger.warn({ err: error, invitationId }, 'GDAP relationship request refused');
        throw graphRefusal(error);
      }
      try {
        await graph.lockForApproval(created);
      } catch (error) {
        // Half made: the request exists but the customer could not approve it. Delete it.
        logger.warn({ err: error, relationshipId: created.id }, 'GDAP relationship could not be locked for approval; deleting it');
        await graph
          .deleteRelationship(created)
          .catch((err: unknown) => logger.error({ err, relationshipId: created.id }, 'could not delete a half-made GDAP request'));
        throw graphRefusal(error);
      }
      // Partner Center's API gives the link where the partner has it; RESELLER_LINK otherwise.
      const fromApi = (await pc?.features.resellerLink(provider?.tenantId ?? null)) ?? null;
      return {
        resellerLink: fromApi ?? resellerLinkFor(options.resellerLink, provider?.tenantId ?? null),
        gdapRelationshipId: created.id,
        approvalLink: gdapApprovalLink(created.id),
        access: { roleDefinitionIds: options.gdap.roleDefinitionIds, durationDays: options.gdap.durationDays },
      };
    },

    async withdrawInvitation(invitation) {
      if (!invitation.microsoft) return;
      const id = invitation.microsoft.gdapRelationshipId;
      try {
        const relationship = await graph.getRelationship(id);
        if (!relationship) return;
        // Only a relationship still being drafted can be deleted; a locked one is terminated.
        if (relationship.status === 'created') await graph.deleteRelationship(relationship);
        else if (relationship.status === 'approvalPending') {
          await graph.terminateRelationship(relationship).catch((error: unknown) => {
            // Graph may refuse to end a request nobody approved yet (400): it then lapses on its own, and
            // the revoked invitation is never accepted by the sync. Refusing the revoke would leave it live.
            if (!(error instanceof GraphError && error.status === 400)) throw error;
            logger.warn(
              { err: error, relationshipId: id },
              'Microsoft refused to terminate a GDAP request awaiting approval; it will lapse unapproved',
            );
          });
        }
      } catch (error) {
        logger.warn({ err: error, relationshipId: id }, 'GDAP request could not be withdrawn');
        throw graphRefusal(error);
      }
    },

    roleOf(actor) {
      const cached = roles.get(principalOf(actor));
      return cached && cached.staleAfter > clock.now().getTime() ? cached.role : null;
    },

    async identify(actor) {
      const principal = principalOf(actor);
      const now = clock.now().getTime();
      const cached = roles.get(principal);
      if (cached && cached.expires > now) return;
      try {
        const role = await lookUp(actor);
        roles.delete(principal);
        roles.set(principal, { role, expires: now + ROLE_TTL_MS, staleAfter: now + ROLE_TTL_MS + ROLE_GRACE_MS });
        if (roles.size > 10_000) roles.delete(roles.keys().next().value!);
      } catch (error) {
        // Keep what we knew for a while; someone never seen gets no role until Graph answers.
        logger.warn({ err: error, principal }, 'could not read roles from the partner tenant');
      }
    },

    removalFollowUp(customer) {
      return customer.tenantId
        ? { link: partnerCenterCustomerLink(customer.tenantId) }
        : { link: 'https://partner.microsoft.com/dashboard/v2/customers/list' };
    },

    async endAdminAccess(customerTenantId): Promise<EndedAccess[]> {
      try {
        const relationships = await graph.listRelationships({ customerTenantId });
        const ended: EndedAccess[] = [];
        for (const r of relationships) {
          if (!['approved', 'activating', 'active', 'expiring'].includes(r.status)) continue;
          // Approved but not active yet: Graph refuses to terminate it until Microsoft activates it (minutes).
          if (r.status === 'approved' || r.status === 'activating') {
            ended.push({ relationshipId: r.id, displayName: r.displayName, status: r.status, notEnded: 'notYetActive' });
            continue;
          }
          try {
            await graph.terminateRelationship(r);
            ended.push({ relationshipId: r.id, displayName: r.displayName, status: 'terminationRequested' });
          } catch (error) {
            // One refusal does not keep the others alive; a login or permission problem stops them all.
            if (!(error instanceof GraphError) || error.status === 401 || error.status === 403) throw error;
            ended.push({ relationshipId: r.id, displayName: r.displayName, status: r.status, notEnded: error.message });
          }
        }
        return ended;
      } catch (error) {
        throw graphRefusal(error);
      }
    },

    async status(): Promise<DirectoryStatus> {
      let missing: string[] | null = null;
      let permissionError: string | null = null;
      try {
        const granted = new Set(await graph.grantedPermissions());
        missing = (Object.keys(REQUIRED_PERMISSIONS) as RequiredPermission[]).filter((p) => !granted.has(p));
      } catch (error) {
        // A refused login names Entra's AADSTS code, which says what to fix (a certificate not registered: 700027).
        const aadsts = error instanceof GraphError ? /AADSTS\d+/.exec(error.message)?.[0] : undefined;
        permissionError = error instanceof GraphError ? `${error.code} (${error.status}${aadsts ? `, ${aadsts}` : ''})` : (error as Error).message;
      }
      return {
        kind: 'microsoft',
        tenantId: options.tenantId,
        appId: options.clientId,
        missingPermissions: missing,
        permissionError,
        sync: syncHealth(),
      };
    },

    async refresh() {
      if (!refresh) return { customers: 0, added: 0 };
      try {
        return await refresh();
      } catch (error) {
        throw graphRefusal(error);
      }
    },

    partnerCenter: pc?.link,

    async partnerCenterSigner(actor, signer) {
      // Read fresh, not from the role cache: this decides whose token every later call carries.
      if (signer.tenantId.toLowerCase() !== options.tenantId.toLowerCase()) return { inPartnerTenant: false, role: null, isActor: null };
      const role = GUID.test(signer.objectId) ? roleFromMembership(await graph.membershipOf(signer.objectId)) : null;
      const asker = await objectIdOf(actor);
      return { inPartnerTenant: true, role, isActor: asker === null ? null : asker.toLowerCase() === signer.objectId.toLowerCase() };
    },

    customerExtras: (tenantId, extrasOptions) => (pc ? pc.features.customerExtras(tenantId, extrasOptions) : Promise.resolve(null)),

    removeResellerRelationship: (tenantId) => (pc ? pc.features.removeResellerRelationship(tenantId) : Promise.resolve(null)),

    async autoExtend(relationshipId) {
      try {
        return await turnOnAutoExtend(graph, relationshipId);
      } catch (error) {
        logger.warn({ err: error, relationshipId }, 'auto-extend refused by Microsoft');
        throw graphRefusal(error);
      }
    },

    attachSync(health, run) {
      syncHealth = health;
      refresh = run;
    },
  };
  return directory;
}

export type MicrosoftDirectory = ReturnType<typeof createMicrosoftDirectory>;
