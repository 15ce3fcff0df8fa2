/**
 * The Microsoft Graph calls the `microsoft` directory makes, as a port: GDAP relationships
 * (tenantRelationships/delegatedAdminRelationships), the partner's customers, and the partner
 * tenant's users, groups and directory roles. The implementation is `createGraphClient`
 * (graph-client.ts); tests point it at local stand-ins of Microsoft's login and Graph.
 */

/** learn.microsoft.com/graph/api/resources/delegatedadminrelationship, `status`. */
export type GdapStatus =
  | 'created'
  | 'approvalPending'
  | 'approved'
  | 'activating'
  | 'active'
  | 'expiring'
  | 'expired'
  | 'terminationRequested'
  | 'terminating'
  | 'terminated';

export interface GdapRelationship {
  id: string;
  displayName: string;
  status: GdapStatus;
  /** ISO 8601 duration, P1D..P2Y. */
  duration: string;
  /** Filled in once the customer approves (or when the request named the customer). */
  customer: { tenantId: string; displayName: string | null } | null;
  roleDefinitionIds: string[];
  /** PT0S (no auto-extend) or P180D. */
  autoExtendDuration: string;
  createdDateTime: string | null;
  activatedDateTime: string | null;
  endDateTime: string | null;
  /** `@odata.etag`, sent back as `If-Match` on requests and deletes. */
  etag: string;
}

/** GET /tenantRelationships/delegatedAdminCustomers */
export interface GdapCustomer {
  tenantId: string;
  displayName: string;
}

export interface NewRelationship {
  /** Unique across the partner's relationships (Graph refuses a duplicate). */
  displayName: string;
  duration: string;
  roleDefinitionIds: string[];
  autoExtendDuration: 'PT0S' | 'P180D';
  customer?: { tenantId: string; displayName?: string } | null;
}

/** learn.microsoft.com/graph/api/resources/delegatedadminaccessassignment: a security group given some of a relationship's roles. */
export interface AccessAssignment {
  id: string;
  /** The security group's object id in the partner tenant. */
  groupId: string;
  roleDefinitionIds: string[];
  /** pending, active, deleting, deleted, error. */
  status: string;
}

/** What the partner tenant says about one of its users, for roles. */
export interface PartnerMembership {
  /** Display names of the security groups the user is in, directly or not (AdminAgents, SalesAgents…). */
  groups: string[];
  /** `roleTemplateId`s of the Entra directory roles the user holds (Global Administrator: 62e90394-…). */
  directoryRoleTemplateIds: string[];
}

export interface GraphClient {
  /** POST /tenantRelationships/delegatedAdminRelationships */
  createRelationship(input: NewRelationship): Promise<GdapRelationship>;
  /** POST …/{id}/requests {"action":"lockForApproval"} with If-Match. */
  lockForApproval(relationship: Pick<GdapRelationship, 'id' | 'etag'>): Promise<void>;
  /** GET …/{id}; null when Graph answers 404. */
  getRelationship(id: string): Promise<GdapRelationship | null>;
  /** DELETE …/{id} with If-Match; only `created` relationships can be deleted. A 404 is success. */
  deleteRelationship(relationship: Pick<GdapRelationship, 'id' | 'etag'>): Promise<void>;
  /** POST …/{id}/requests {"action":"terminate"} with If-Match. */
  terminateRelationship(relationship: Pick<GdapRelationship, 'id' | 'etag'>): Promise<void>;
  /**
   * PATCH …/{id} {"autoExtendDuration"} with If-Match (Graph allows it on a created or active
   * relationship, never with Global Administrator); the relationship as Graph answers it. A 412
   * (it changed since that etag was read) is a GraphError like any other refusal.
   */
  setAutoExtend(relationship: Pick<GdapRelationship, 'id' | 'etag'>, autoExtendDuration: 'PT0S' | 'P180D'): Promise<GdapRelationship>;
  /** Every relationship (all pages), or those of one customer tenant. */
  listRelationships(filter?: { customerTenantId?: string }): Promise<GdapRelationship[]>;
  /** Every customer (all pages). */
  listCustomers(): Promise<GdapCustomer[]>;
  /** GET /users/{id}/transitiveMemberOf (all pages); null when the user is not in the partner tenant. */
  membershipOf(userObjectId: string): Promise<PartnerMembership | null>;
  /** The object ids of the partner tenant's groups with this exact displayName (GET /groups?$filter=displayName eq …). */
  groupIdsNamed(displayName: string): Promise<string[]>;
  /** POST …/{id}/accessAssignments: the group gets these roles (a subset of the relationship's) once it is active. */
  createAccessAssignment(relationshipId: string, input: { groupId: string; roleDefinitionIds: string[] }): Promise<AccessAssignment>;
  /** GET …/{id}/accessAssignments (all pages). */
  listAccessAssignments(relationshipId: string): Promise<AccessAssignment[]>;
  /** The partner-tenant user whose mail or userPrincipalName is `email`, or null. */
  findUserByEmail(email: string): Promise<{ id: string } | null>;
  /** The application permissions granted to the app, from the access token's `roles` claim. */
  grantedPermissions(): Promise<string[]>;
  /** One GET of `path` (under /v1.0, query included) that changes nothing, for the doctor: its JSON, or a GraphError. */
  probe(path: string): Promise<unknown>;
  /** The claims of the app's access token (tid, roles…), unverified: our own token, fresh from Entra. */
  accessTokenClaims(): Promise<Record<string, unknown>>;
}

/** A refusal or failure from Graph, after the client's own retries. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    /** HTTP status; 0 when Graph could not be reached. */
    readonly status: number,
    /** Graph's `error.code` (e.g. Authorization_RequestDenied), or a transport code. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The application permissions the `microsoft` directory needs, and what each is for (least
 * privilege, per the permissions tables of learn.microsoft.com/graph/api/…):
 * - user-list (`GET /users?$filter=…`) takes User.Read.All for apps; User.ReadBasic.All is not
 *   accepted there.
 * - user-list-transitivememberof for another user takes User.Read.All, but a directoryObject
 *   collection only shows the properties of objects the app may read: groups come back with a
 *   null displayName without GroupMember.Read.All, directory roles with a null roleTemplateId
 *   without RoleManagement.Read.Directory (the least privileged way to read directoryRole objects).
 * - delegatedAdminCustomers is read with DelegatedAdminRelationship.Read.All, which
 *   DelegatedAdminRelationship.ReadWrite.All includes.
 */
export const REQUIRED_PERMISSIONS = {
  'DelegatedAdminRelationship.ReadWrite.All':
    'create, read and end GDAP relationships, assign security groups to them, and list GDAP customers',
  'User.Read.All': "find a Slack user's partner-tenant account by email and list the user's memberships",
  'GroupMember.Read.All':
    'read the names of the AdminAgents, SalesAgents and HelpdeskAgents groups among those memberships, and find the groups GDAP_ACCESS names',
  'RoleManagement.Read.Directory': 'read the directory roles (Global Administrator…) among those memberships',
} as const;
export type RequiredPermission = keyof typeof REQUIRED_PERMISSIONS;
