/**
 * Auto-extend at Microsoft: `PATCH …/delegatedAdminRelationships/{id}` `{"autoExtendDuration":"P180D"}`
 * with `If-Match: <its etag>` (learn.microsoft.com/graph/api/delegatedadminrelationship-update).
 * The relationship is read first for its etag and for what Microsoft would refuse (Global
 * Administrator, a relationship that is not active); a 412 says it changed since that read, so it
 * is read again and tried once more.
 */
import type { AutoExtendOutcome, GdapFacts } from '../service/directory.js';
import { includesGlobalAdministrator } from '../service/entra-roles.js';
import { GraphError, type GdapRelationship, type GraphClient } from './graph.js';

export const AUTO_EXTEND_DURATION = 'P180D';

const factsOf = (r: GdapRelationship): GdapFacts => ({
  status: r.status,
  autoExtendDuration: r.autoExtendDuration,
  endDateTime: r.endDateTime,
  roleDefinitionIds: [...r.roleDefinitionIds],
});

/** Turns auto-extend on; Graph's refusals other than a stale etag are thrown as GraphErrors. */
export async function turnOnAutoExtend(graph: GraphClient, relationshipId: string): Promise<AutoExtendOutcome> {
  for (let attempt = 1; ; attempt++) {
    const current = await graph.getRelationship(relationshipId);
    if (!current) return { outcome: 'gone' };
    const relationship = factsOf(current);
    if (includesGlobalAdministrator(current.roleDefinitionIds)) return { outcome: 'globalAdministrator', relationship };
    if (current.autoExtendDuration === AUTO_EXTEND_DURATION) return { outcome: 'alreadyOn', relationship };
    if (current.status !== 'active') return { outcome: 'notActive', relationship };
    try {
      await graph.setAutoExtend(current, AUTO_EXTEND_DURATION);
      return { outcome: 'extended', relationship: { ...relationship, autoExtendDuration: AUTO_EXTEND_DURATION } };
    } catch (error) {
      if (!(error instanceof GraphError && error.status === 412)) throw error;
      if (attempt >= 2) return { outcome: 'changedMeanwhile' };
    }
  }
}
