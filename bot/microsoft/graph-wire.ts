/**
 * Microsoft Graph's JSON as it comes (error bodies, delegatedAdminRelationship, directory objects),
 * OData string quoting, and a refused token request, each as the Graph port speaks of them.
 */
import { AuthenticationError } from '@azure/identity';
import { GraphError, type AccessAssignment, type GdapRelationship, type GdapStatus } from './graph.js';

export interface GraphErrorBody {
  error?: { code?: unknown; message?: unknown };
}

export interface RelationshipJson {
  '@odata.etag'?: string;
  id: string;
  displayName: string;
  status: GdapStatus;
  duration: string;
  customer?: { tenantId?: string | null; displayName?: string | null } | null;
  accessDetails?: { unifiedRoles?: Array<{ roleDefinitionId: string }> | null } | null;
  autoExtendDuration?: string | null;
  createdDateTime?: string | null;
  activatedDateTime?: string | null;
  endDateTime?: string | null;
}

export interface AccessAssignmentJson {
  id: string;
  status?: string | null;
  accessContainer?: { accessContainerId?: string; accessContainerType?: string } | null;
  accessDetails?: { unifiedRoles?: Array<{ roleDefinitionId: string }> | null } | null;
}

export function toAccessAssignment(json: AccessAssignmentJson): AccessAssignment {
  return {
    id: json.id,
    groupId: json.accessContainer?.accessContainerId ?? '',
    roleDefinitionIds: (json.accessDetails?.unifiedRoles ?? []).map((role) => role.roleDefinitionId),
    status: json.status ?? 'pending',
  };
}

export interface DirectoryObjectJson {
  '@odata.type'?: string;
  id?: string;
  displayName?: string | null;
  roleTemplateId?: string | null;
}

/** An OData string literal: quotes doubled, the whole wrapped in quotes. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Graph's dates: absent, null or "" (the create response's unset dates) mean not set. */
export function date(value: string | null | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function toRelationship(json: RelationshipJson): GdapRelationship {
  const tenantId = json.customer?.tenantId;
  return {
    id: json.id,
    displayName: json.displayName,
    status: json.status,
    duration: json.duration,
    customer: tenantId ? { tenantId, displayName: json.customer?.displayName || null } : null,
    roleDefinitionIds: (json.accessDetails?.unifiedRoles ?? []).map((role) => role.roleDefinitionId),
    autoExtendDuration: json.autoExtendDuration ?? 'PT0S',
    createdDateTime: date(json.createdDateTime),
    activatedDateTime: date(json.activatedDateTime),
    endDateTime: date(json.endDateTime),
    etag: json['@odata.etag'] ?? '',
  };
}

/**
 * A refused token request, as a GraphError: Entra's OAuth error (`invalid_client`…) as the code,
 * its AADSTS description (never the secret) as the message. @azure/identity reports these as
 * AuthenticationError (status and body) or, for client credentials, as an error whose message is
 * MSAL's "invalid_client: Error(s): 7000215 - … Description: AADSTS7000215: … - Correlation ID …".
 */
export function loginError(err: unknown): GraphError {
  const text = err instanceof Error ? err.message : String(err);
  let code = /^([a-z_]+): /.exec(text)?.[1];
  let status = 0;
  let description = /AADSTS\d+: .*?(?=\s+Trace ID:|\r|\n| - Correlation ID|$)/.exec(text)?.[0];
  if (err instanceof AuthenticationError) {
    status = err.statusCode;
    code = err.errorResponse.error || code;
    description = /^[^\r\n]*?(?=\s+Trace ID:|\r|\n|$)/.exec(err.errorResponse.errorDescription ?? '')?.[0] || description;
  } else if (code) {
    // Entra answers 401 to a client it cannot authenticate, 400 to other refused requests.
    status = code === 'invalid_client' ? 401 : 400;
  }
  if (code)
    return new GraphError(status, code, `Microsoft login refused the app's credentials (${code}): ${description ?? text.split('\n')[0]}`);
  return new GraphError(0, 'authentication_failed', `Could not get a token from Microsoft login: ${text.split('\n')[0]}`);
}
