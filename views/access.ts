/**
 * Views of the access assignments (GDAP_ACCESS): "access is ready", the failure explained with
 * what to do, and the lines the customer's details show for each relationship's groups.
 */
import { t } from '../i18n/catalogue.js';
import { formatEntraRoles } from '../i18n/gdap-words.js';
import type { AdminAccessFailedEvent, AdminAccessReadyEvent } from '../bot/service/events.js';
import type { AccessView } from '../bot/service/gdap-access.js';
import type { Locale } from '../store/schema.js';
import { formatDate, may, outcomeView, type ActionModel, type OutcomeView, type Viewer } from './common.js';

/** "AdminAgents: Directory Readers and License Administrator", one line per group. */
function groupLines(l: Locale, groups: ReadonlyArray<{ group: string; roleDefinitionIds: readonly string[] }>): string {
  return groups.map((g) => t(l, 'ui.access.group', { group: g.group, roles: formatEntraRoles(l, g.roleDefinitionIds) })).join('\n');
}

/** Why an assignment failed, in words: Graph's code and message, or what the bot found. */
export function accessProblem(l: Locale, error: NonNullable<AccessView['lastError']>): string {
  const group = error.group ?? '?';
  switch (error.code) {
    case 'groupNotFound':
      return t(l, 'access.why.groupNotFound', { group });
    case 'groupAmbiguous':
      return t(l, 'access.why.groupAmbiguous', { group });
    case 'assignmentError':
      return t(l, 'access.why.assignmentError', { group });
    case 'nothingToAssign':
      return t(l, 'access.why.nothingToAssign');
    case 'Authorization_RequestDenied':
    case 'Forbidden':
    case 'forbidden':
      return t(l, 'access.why.denied', { code: error.code });
    default:
      return t(l, 'access.why.other', { code: error.code, message: error.message });
  }
}

const showCustomer = (l: Locale, customerId: string | null): ActionModel[] =>
  customerId ? [{ verb: 'customer.show', title: t(l, 'ui.accepted.show'), data: { customerId } }] : [];

export function toAdminAccessReadyView(viewer: Viewer, e: AdminAccessReadyEvent): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.access.ready.title', { company: e.companyName });
  const text = t(l, 'ui.access.ready.text', { company: e.companyName, groups: groupLines(l, e.groups) });
  return outcomeView(l, title, text, { actions: showCustomer(l, e.customerId) });
}

export function toAdminAccessFailedView(viewer: Viewer, e: AdminAccessFailedEvent): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.access.failed.title', { company: e.companyName });
  const text = t(l, 'ui.access.failed.text', { why: accessProblem(l, e.error) });
  return outcomeView(l, title, text, {
    actions: [
      { verb: 'adminAccess.retry', title: t(l, 'ui.access.retry'), style: 'positive', data: { relationshipId: e.relationshipId } },
      ...showCustomer(l, e.customerId),
    ],
  });
}

/** The customer's details: one line about each relationship's groups, and "Assign groups again" where it failed (admins). */
export function accessLines(viewer: Viewer, access: readonly AccessView[]): { lines: string[]; actions: ActionModel[] } {
  const l = viewer.locale;
  const lines: string[] = [];
  const actions: ActionModel[] = [];
  for (const a of access) {
    const groups = a.groups.map((g) => g.group).join(', ');
    if (a.state === 'waiting') lines.push(t(l, 'ui.access.state.waiting'));
    else if (a.state === 'assigning') lines.push(t(l, 'ui.access.state.assigning', { groups }));
    else if (a.state === 'ready') lines.push(t(l, 'ui.access.state.ready', { groups, when: formatDate(viewer, a.readyAt ?? '', false) }));
    else {
      const why = a.lastError ? accessProblem(l, a.lastError) : '';
      lines.push(t(l, 'ui.access.state.failed', { why, when: a.nextAttemptAt ? formatDate(viewer, a.nextAttemptAt) : '?' }));
      if (may(viewer, 'adminAccess') && actions.length < 3)
        actions.push({
          verb: 'adminAccess.retry',
          title: t(l, 'ui.access.retry'),
          style: 'positive',
          data: { relationshipId: a.relationshipId },
        });
    }
  }
  return { lines, actions };
}
