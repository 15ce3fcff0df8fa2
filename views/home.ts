/** The home page (Slack's App Home). */
import type { Role } from '../store/schema.js';
import { t } from '../i18n/catalogue.js';
import type { Permission } from '../bot/service/permissions.js';
import { formatDate, roleName, type ActionModel, type Base, type Fact, type Viewer } from './common.js';
import { homeActions, noRoleHint } from './help.js';

/** A home page (Slack's App Home): who you are and what is going on. Not a message, so not a `View`. */
export interface HomeView extends Base {
  kind: 'home';
  role: string;
  facts: Fact[];
  recentTitle: string;
  recent: string[];
  actions: ActionModel[];
}

export interface Summary {
  role: Role | null;
  permissions: readonly Permission[];
  customers: number;
  pending: number;
  recentAcceptances: Array<{ companyName: string; acceptedAt: string }>;
}

export function toHomeView(viewer: Viewer, summary: Summary): HomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.home.title');
  const me: Viewer = { ...viewer, permissions: summary.permissions };
  return {
    kind: 'home',
    locale: l,
    title,
    fallbackText: title,
    role: summary.role ? t(l, 'ui.home.role', { role: roleName(l, summary.role) }) : noRoleHint(me),
    facts: summary.role
      ? [
          { title: t(l, 'ui.home.customers'), value: String(summary.customers) },
          { title: t(l, 'ui.home.pending'), value: String(summary.pending) },
        ]
      : [],
    recentTitle: t(l, 'ui.home.recent'),
    recent: summary.recentAcceptances.map((a) =>
      t(l, 'ui.home.acceptedOn', { company: a.companyName, when: formatDate(viewer, a.acceptedAt, false) }),
    ),
    actions: summary.role ? homeActions(me) : [],
  };
}
