/**
 * The Graph JSON the Microsoft stand-in (microsoft.ts) sends, typed by Microsoft's own
 * `@microsoft/microsoft-graph-types`. Each shape makes the fields the bot reads required (the
 * vendor types mark every property optional), so a field renamed or retyped upstream, or a
 * stand-in answer that drifts from it, fails `tsc`.
 */
import type {
  DelegatedAdminAccessAssignment,
  DelegatedAdminCustomer,
  DelegatedAdminRelationship,
  DelegatedAdminRelationshipRequest,
  DirectoryRole,
  Group,
  PublicError,
  PublicInnerError,
  User,
} from '@microsoft/microsoft-graph-types';

/** The OData control annotations Graph adds; the vendor types leave them out. */
export type OData<T> = T & { '@odata.type'?: string; '@odata.etag'?: string; '@odata.context'?: string };

export type GraphRelationship = OData<
  Required<
    Pick<
      DelegatedAdminRelationship,
      | 'id'
      | 'displayName'
      | 'duration'
      | 'status'
      | 'autoExtendDuration'
      | 'createdDateTime'
      | 'lastModifiedDateTime'
      | 'activatedDateTime'
      | 'endDateTime'
      | 'customer'
      | 'accessDetails'
    >
  >
>;

export type GraphRelationshipRequest = OData<
  Required<Pick<DelegatedAdminRelationshipRequest, 'id' | 'action' | 'status' | 'createdDateTime' | 'lastModifiedDateTime'>>
>;

export type GraphAccessAssignment = OData<
  Required<
    Pick<DelegatedAdminAccessAssignment, 'id' | 'status' | 'accessContainer' | 'accessDetails' | 'createdDateTime' | 'lastModifiedDateTime'>
  >
>;

export type GraphCustomer = OData<Required<Pick<DelegatedAdminCustomer, 'id' | 'tenantId' | 'displayName'>>>;

export type GraphUser = Required<Pick<User, 'id' | 'displayName' | 'mail' | 'userPrincipalName'>>;

/**
 * A group in a directoryObject collection. The vendor type has `groupTypes: string[]`; the
 * stand-in sends null for it (as for every property) in a group the app may not read, which that
 * type does not allow, so `groupTypes` is widened here.
 */
export type GraphGroup = OData<
  Required<Pick<Group, 'id' | 'displayName' | 'securityEnabled' | 'mailEnabled'>> & { groupTypes: Group['groupTypes'] | null }
>;

export type GraphDirectoryRole = OData<Required<Pick<DirectoryRole, 'id' | 'displayName' | 'description' | 'roleTemplateId'>>>;

/**
 * Graph's error body. The vendor's `PublicInnerError` lacks `date`, `request-id` and
 * `client-request-id`, which Graph sends in every `innerError` (and the error responses page
 * documents), so they are added here.
 */
export interface GraphErrorJson {
  error: PublicError & {
    code: string;
    message: string;
    innerError?: PublicInnerError & { date?: string; 'request-id'?: string; 'client-request-id'?: string };
  };
}

/** A Graph collection page. */
export interface GraphPage<T> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: T[];
}
