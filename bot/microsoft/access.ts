/**
 * One sync pass's access assignments: for each relationship the bot requested that is active and
 * not ready (service.relationshipsNeedingAccess), the GDAP_ACCESS groups are found by name in the
 * partner tenant, the missing assignments created (a 409 means one exists: success), and the
 * assignments read back, pending until Microsoft makes them active. What it means is the service's
 * (recordAccessProgress); a refusal is recorded there, with Graph's code and message, and retried.
 */
import type { Logger } from '../logger.js';
import type { Service } from '../service/index.js';
import type { AccessAssignmentState } from '../service/gdap-access.js';
import { assignmentsFor, type AccessRule } from './access-config.js';
import { GraphError, type AccessAssignment, type GraphClient } from './graph.js';

/** Assignments Graph is taking away: not one to count on, nor one that blocks a new one. */
const GONE = new Set(['deleting', 'deleted']);

class AccessProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly group: string | null,
  ) {
    super(message);
  }
}

export async function assignAccess(options: {
  graph: GraphClient;
  service: Service;
  rules: readonly AccessRule[];
  logger: Logger;
}): Promise<number> {
  const { graph, service, rules, logger } = options;
  const groupIds = new Map<string, Promise<string>>();
  const groupId = (group: string) => {
    let found = groupIds.get(group);
    if (!found) {
      found = graph.groupIdsNamed(group).then((ids) => {
        if (ids.length === 0) throw new AccessProblem('groupNotFound', `No group named ${group} in the partner tenant.`, group);
        if (ids.length > 1)
          throw new AccessProblem('groupAmbiguous', `${ids.length} groups are named ${group} in the partner tenant.`, group);
        return ids[0]!;
      });
      groupIds.set(group, found);
    }
    return found;
  };
  let ready = 0;
  for (const { relationshipId, roleDefinitionIds } of service.relationshipsNeedingAccess()) {
    let group: string | null = null;
    try {
      const wanted = assignmentsFor(rules, roleDefinitionIds);
      if (wanted.length === 0)
        throw new AccessProblem('nothingToAssign', "GDAP_ACCESS gives no group any of this relationship's roles.", null);
      let existing = await graph.listAccessAssignments(relationshipId);
      let created = false;
      const states: AccessAssignmentState[] = [];
      for (const want of wanted) {
        group = want.group;
        const id = await groupId(want.group);
        if (!live(existing, id)) {
          try {
            await graph.createAccessAssignment(relationshipId, { groupId: id, roleDefinitionIds: want.roleDefinitionIds });
          } catch (err) {
            // Already assigned (by another replica, a pass cut short, or by hand): what was asked for.
            if (!(err instanceof GraphError && err.status === 409)) throw err;
          }
          created = true;
        }
        states.push({ group: want.group, groupId: id, roleDefinitionIds: want.roleDefinitionIds, assignmentId: null, status: 'pending' });
      }
      group = null;
      if (created) existing = await graph.listAccessAssignments(relationshipId);
      for (const state of states) {
        const found = live(existing, state.groupId!);
        if (found) Object.assign(state, { assignmentId: found.id, status: found.status });
        if (found?.status === 'error')
          throw new AccessProblem('assignmentError', `Microsoft could not assign ${state.group}.`, state.group);
      }
      if ((await service.recordAccessProgress(relationshipId, { assignments: states })) === 'ready') ready++;
    } catch (err) {
      const error =
        err instanceof AccessProblem
          ? { code: err.code, message: err.message, group: err.group }
          : err instanceof GraphError
            ? { code: err.code, message: err.message, group }
            : { code: 'unexpected', message: String((err as Error)?.message ?? err), group };
      logger.warn(
        { relationshipId, code: error.code, group: error.group },
        'assigning security groups to a GDAP relationship failed; will retry',
      );
      await service.recordAccessProgress(relationshipId, { error });
    }
  }
  return ready;
}

function live(assignments: readonly AccessAssignment[], groupId: string): AccessAssignment | undefined {
  return assignments.find((a) => a.groupId === groupId && !GONE.has(a.status));
}
