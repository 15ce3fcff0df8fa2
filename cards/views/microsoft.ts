/** Views of the Microsoft directory: connection status, ending admin access, and its notices. */
import type { GdapRecord } from '../../store/schema.js';
import { t } from '../../bot/i18n/catalogue.js';
import type { DirectoryStatus } from '../../bot/service/directory.js';
import type { AdminAccessEndingEvent, ServiceEvent } from '../../bot/service/events.js';
import { formatDate, type OutcomeView, type Viewer } from './common.js';
import { toAcceptedView, type AcceptedView } from './invitations.js';

export function toStatusView(viewer: Viewer, s: DirectoryStatus): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.status.title');
  const facts = [{ title: t(l, 'ui.status.directory'), value: s.kind === 'microsoft' ? t(l, 'ui.status.microsoft', { tenant: s.tenantId ?? '?' }) : t(l, 'ui.status.embedded') }];
  if (s.kind === 'microsoft') {
    const permissions =
      s.missingPermissions === null
        ? t(l, 'ui.status.permissionsUnknown', { reason: s.permissionError ?? '?' })
        : s.missingPermissions.length === 0
          ? t(l, 'ui.status.permissionsOk')
          : t(l, 'ui.status.permissionsMissing', { missing: s.missingPermissions.join(', '), app: s.appId ?? '?' });
    facts.push({ title: t(l, 'ui.status.permissions'), value: permissions });
    const at = s.sync?.lastSuccessAt ? formatDate(viewer, s.sync.lastSuccessAt) : t(l, 'ui.status.syncNever');
    facts.push({ title: t(l, 'ui.status.sync'), value: s.sync?.stale ? t(l, 'ui.status.syncStale', { at, error: s.sync.lastError ?? '?' }) : at });
  }
  const text = facts.map((f) => `${f.title}: ${f.value}`).join('\n');
  return { kind: 'outcome', locale: l, title, fallbackText: `${title}. ${text}`, text: '', facts, actions: [] };
}

/** The confirmation card of `end admin access`: the relationships it ends, and two buttons. */
export function toEndAccessConfirmView(viewer: Viewer, a: { customerId: string; companyName: string; relationships: GdapRecord[] }): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.endAccess.title', { company: a.companyName });
  const text = t(l, 'ui.endAccess.text', { company: a.companyName });
  return {
    kind: 'outcome',
    locale: l,
    title,
    fallbackText: `${title} ${text}`,
    text,
    facts: a.relationships.slice(0, 10).map((r) => ({ title: r.displayName, value: `${r.status}${r.endDateTime ? `, ${formatDate(viewer, r.endDateTime, false)}` : ''}` })),
    actions: [
      { verb: 'adminAccess.end', title: t(l, 'ui.endAccess.confirm'), style: 'destructive', data: { customerId: a.customerId } },
      { verb: 'adminAccess.keep', title: t(l, 'ui.endAccess.cancel'), data: { customerId: a.customerId } },
    ],
  };
}

export function toEndAccessOutcomeView(viewer: Viewer, r: { companyName: string; ended: GdapRecord[]; alreadyDone: boolean }): OutcomeView {
  const l = viewer.locale;
  const text = r.alreadyDone ? t(l, 'ui.endAccess.already', { company: r.companyName }) : t(l, 'ui.endAccess.done', { company: r.companyName, count: r.ended.length });
  return { kind: 'outcome', locale: l, title: '', fallbackText: text, text, facts: [], actions: [] };
}

/** Posted to subscribed conversations: a GDAP relationship ends soon, with an offer to request a new one. */
export function toAdminAccessEndingView(viewer: Viewer, e: AdminAccessEndingEvent): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.ending.title', { company: e.companyName });
  const text = t(l, 'ui.ending.text', { name: e.relationshipName, ends: formatDate(viewer, e.endsAt, false) });
  return {
    kind: 'outcome',
    locale: l,
    title,
    fallbackText: `${title}. ${text}`,
    text,
    facts: [],
    actions: [
      { verb: 'command', title: t(l, 'ui.ending.renew'), style: 'positive', data: { command: 'invite' } },
      ...(e.customerId ? [{ verb: 'customer.show' as const, title: t(l, 'ui.accepted.show'), data: { customerId: e.customerId } }] : []),
    ],
  };
}

/** The view of anything the bot posts outside a turn. */
export function toNotificationView(viewer: Viewer, event: ServiceEvent): AcceptedView | OutcomeView {
  return event.type === 'adminAccess.ending' ? toAdminAccessEndingView(viewer, event) : toAcceptedView(viewer, event);
}
