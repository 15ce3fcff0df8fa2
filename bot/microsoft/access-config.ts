/**
 * GDAP_ACCESS: which of the partner tenant's security groups get which of a GDAP relationship's
 * roles once the customer approved it (access assignments). `AdminAgents=<roleId>+<roleId>;
 * HelpdeskAgents=<roleId>`, groups named as in Entra, `*` for every role the relationship has.
 * Unset: AdminAgents gets every requested role, HelpdeskAgents Service Support Administrator
 * where it was requested.
 */

/** Entra's Service Support Administrator role (template id, the same in every tenant). */
export const SERVICE_SUPPORT_ADMINISTRATOR = 'f023fd81-a637-4b56-95fd-791ac0226033';

/** One group and the roles it gets: `'*'` is every role of the relationship. */
export interface AccessRule {
  group: string;
  roles: '*' | string[];
}

export const DEFAULT_GDAP_ACCESS: readonly AccessRule[] = [
  { group: 'AdminAgents', roles: '*' },
  { group: 'HelpdeskAgents', roles: [SERVICE_SUPPORT_ADMINISTRATOR] },
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Entra allows 256 characters in a group's displayName; no control characters in ours. */
const GROUP_NAME = /^[^\u0000-\u001f\u007f=;+]{1,256}$/;

/** Reads GDAP_ACCESS (undefined: the default); a bad value adds one sentence to `problems`. */
export function readGdapAccess(text: string | undefined, problems: string[]): AccessRule[] {
  if (text === undefined) return DEFAULT_GDAP_ACCESS.map((rule) => ({ ...rule }));
  const rules: AccessRule[] = [];
  const problem = (why: string) => {
    problems.push(
      `GDAP_ACCESS must look like AdminAgents=<roleId>+<roleId>;HelpdeskAgents=<roleId> (groups as named in Entra, role definition ids or *): ${why}.`,
    );
    return [];
  };
  for (const entry of text.split(';').map((part) => part.trim())) {
    if (!entry) continue;
    const at = entry.indexOf('=');
    if (at < 0) return problem(`"${entry.slice(0, 60)}" has no =`);
    const group = entry.slice(0, at).trim();
    if (!GROUP_NAME.test(group)) return problem(`"${group.slice(0, 60)}" is not a group name`);
    if (rules.some((r) => r.group.toLowerCase() === group.toLowerCase())) return problem(`${group} is named twice`);
    const roleText = entry.slice(at + 1).trim();
    if (roleText === '*') {
      rules.push({ group, roles: '*' });
      continue;
    }
    const roles = roleText.split('+').map((r) => r.trim().toLowerCase());
    const bad = roles.find((r) => !GUID.test(r));
    if (bad !== undefined) return problem(`"${bad.slice(0, 60) || '(nothing)'}" for ${group} is not a role definition id`);
    rules.push({ group, roles: [...new Set(roles)] });
  }
  if (rules.length === 0) return problem('it names no group');
  return rules;
}

/**
 * What to assign on one relationship: each group with its roles among the relationship's (Graph
 * refuses others). A group left with none is not assigned.
 */
export function assignmentsFor(
  rules: readonly AccessRule[],
  relationshipRoles: readonly string[],
): Array<{ group: string; roleDefinitionIds: string[] }> {
  const granted = relationshipRoles.map((r) => r.toLowerCase());
  return rules
    .map((rule) => ({ group: rule.group, roleDefinitionIds: rule.roles === '*' ? granted : rule.roles.filter((r) => granted.includes(r)) }))
    .filter((a) => a.roleDefinitionIds.length > 0);
}
