/** Views of the Microsoft directory: connection status, ending admin access, and its notices. */
import { toReminderView } from './reminders.js';
import { toBatchProgressView } from './bulk.js';
import { toDigestView, type DigestView } from './digest.js';
import type { GdapRecord } from '../store/schema.js';
import { t } from '../i18n/catalogue.js';
import type { DirectoryStatus } from '../bot/service/directory.js';
import type {
  AdminAccessEndingEvent,
  CustomerArrivedEvent,
  PartnerCenterReconnectEvent,
  PartnerCenterSignInEvent,
  ServiceEvent,
} from '../bot/service/events.js';
import type { PartnerCenterState } from '../bot/service/partner-center.js';
import type { DeviceCodePrompt } from '../bot/partner-center/port.js';
import type { Locale } from '../store/schema.js';
import { formatDate, outcomeView, type OutcomeView, type Viewer } from './common.js';
import { toAcceptedView, type AcceptedView } from './invitations.js';
import { toNotificationsTroubleView } from './notifications.js';
import { checkLines } from './checks.js';
import { toAdminAccessFailedView, toAdminAccessReadyView } from './access.js';
import { autoExtendAction } from './auto-extend.js';

/** One sentence per capability Partner Center refused, naming the cause. */
export function refusalLines(l: Locale, capabilities: Record<string, string | null>): string[] {
  return Object.entries(capabilities)
    .filter(([, code]) => code !== null)
    .map(([name, code]) => {
      const capability = capabilityName(l, name);
      const known = code === '1002' || code === '900421' || code === '900420' || code === '900329';
      if (known) return t(l, `ui.pc.refused.${code}`, { capability });
      // A 403 without a code of its own is how Partner Center turns indirect resellers away.
      if (code === '403') return t(l, 'ui.pc.refused.1002', { capability });
      return t(l, 'ui.pc.refused.other', { capability, code: code ?? '?' });
    });
}

function capabilityName(l: Locale, name: string): string {
  return name === 'customers' || name === 'relationshipRequests' || name === 'providers' ? t(l, `ui.pc.capability.${name}`) : name;
}

function partnerCenterFacts(viewer: Viewer, pc: PartnerCenterState): Array<{ title: string; value: string }> {
  const l = viewer.locale;
  if (!pc.available) return [];
  let value: string;
  if (!pc.ready) value = t(l, 'ui.pc.status.noKey');
  else if (!pc.account) value = t(l, 'ui.pc.status.off');
  else if (pc.keyChanged) value = t(l, 'ui.pc.status.keyChanged');
  else if (pc.lost) value = t(l, 'ui.pc.status.lost');
  else {
    value = t(l, 'ui.pc.status.on', {
      account: pc.account,
      until: pc.refreshExpiresAt ? formatDate(viewer, pc.refreshExpiresAt, false) : '?',
    });
    const codes = Object.fromEntries(Object.entries(pc.capabilities).map(([name, c]) => [name, c.allowed ? null : (c.code ?? 'refused')]));
    const allowed = Object.entries(codes)
      .filter(([, code]) => code === null)
      .map(([name]) => capabilityName(l, name));
    const refused = refusalLines(l, codes);
    value = [value, ...(allowed.length ? [t(l, 'ui.pc.connected.allowed', { list: allowed.join(', ') })] : []), ...refused].join(' ');
  }
  return [{ title: t(l, 'ui.pc.status'), value }];
}

export function toStatusView(viewer: Viewer, s: DirectoryStatus & { partnerName?: string | null }, pc?: PartnerCenterState): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.status.title');
  const facts = [
    { title: t(l, 'ui.status.partnerName'), value: s.partnerName ?? t(l, 'ui.status.partnerNameMissing') },
    {
      title: t(l, 'ui.status.directory'),
      value: s.kind === 'microsoft' ? t(l, 'ui.status.microsoft', { tenant: s.tenantId ?? '?' }) : t(l, 'ui.status.embedded'),
    },
  ];
  if (s.kind === 'microsoft') {
    const permissions =
      s.missingPermissions === null
        ? t(l, 'ui.status.permissionsUnknown', { reason: s.permissionError ?? '?' })
        : s.missingPermissions.length === 0
          ? t(l, 'ui.status.permissionsOk')
          : t(l, 'ui.status.permissionsMissing', { missing: s.missingPermissions.join(', '), app: s.appId ?? '?' });
    facts.push({ title: t(l, 'ui.status.permissions'), value: permissions });
    const at = s.sync?.lastSuccessAt ? formatDate(viewer, s.sync.lastSuccessAt) : t(l, 'ui.status.syncNever');
    facts.push({
      title: t(l, 'ui.status.sync'),
      value: s.sync?.stale ? t(l, 'ui.status.syncStale', { at, error: s.sync.lastError ?? '?' }) : at,
    });
    if (pc) facts.push(...partnerCenterFacts(viewer, pc));
  }
  const factText = facts.map((f) => `${f.title}: ${f.value}`).join('\n');
  // The doctor's checks as lines of text: a FactSet (Slack: 10 fields) would cut them off.
  const checks = s.checks?.length ? [t(l, 'doctor.title'), ...checkLines(l, s.checks)].join('\n') : '';
  return {
    kind: 'outcome',
    locale: l,
    title,
    fallbackText: `${title}. ${factText}${checks ? `\n${checks}` : ''}`,
    text: checks,
    facts,
    actions: [],
  };
}

/** The confirmation card of `end admin access`: the relationships it ends, and two buttons. */
export function toEndAccessConfirmView(
  viewer: Viewer,
  a: { customerId: string; companyName: string; relationships: GdapRecord[] },
): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.endAccess.title', { company: a.companyName });
  const text = t(l, 'ui.endAccess.text', { company: a.companyName });
  return {
    kind: 'outcome',
    locale: l,
    title,
    fallbackText: `${title} ${text}`,
    text,
    facts: a.relationships
      .slice(0, 10)
      .map((r) => ({ title: r.displayName, value: `${r.status}${r.endDateTime ? `, ${formatDate(viewer, r.endDateTime, false)}` : ''}` })),
    actions: [
      { verb: 'adminAccess.end', title: t(l, 'ui.endAccess.confirm'), style: 'destructive', data: { customerId: a.customerId } },
      { verb: 'adminAccess.keep', title: t(l, 'ui.endAccess.cancel'), data: { customerId: a.customerId } },
    ],
  };
}

export function toEndAccessOutcomeView(
  viewer: Viewer,
  r: { companyName: string; ended: GdapRecord[]; notEnded?: Array<{ displayName: string; reason: string }>; alreadyDone: boolean },
): OutcomeView {
  const l = viewer.locale;
  const left = (r.notEnded ?? []).map((n) =>
    n.reason === 'notYetActive'
      ? t(l, 'ui.endAccess.notYetActive', { name: n.displayName })
      : t(l, 'ui.endAccess.refused', { name: n.displayName, reason: n.reason }),
  );
  const summary = r.alreadyDone
    ? t(l, 'ui.endAccess.already', { company: r.companyName })
    : r.ended.length > 0 || left.length === 0
      ? t(l, 'ui.endAccess.done', { company: r.companyName, count: r.ended.length })
      : t(l, 'ui.endAccess.noneEnded', { company: r.companyName });
  const text = [summary, ...left].join('\n\n');
  return { kind: 'outcome', locale: l, title: '', fallbackText: summary, text, facts: [], actions: [] };
}

/**
 * Posted to subscribed conversations: a GDAP relationship ends soon, with an offer to turn on
 * auto-extend (when Microsoft would allow it) or to request a new one.
 */
export function toAdminAccessEndingView(viewer: Viewer, e: AdminAccessEndingEvent): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.ending.title', { company: e.companyName });
  const extendable = e.autoExtendable === true;
  const text = t(l, extendable ? 'ui.ending.textAutoExtend' : 'ui.ending.text', {
    name: e.relationshipName,
    ends: formatDate(viewer, e.endsAt, false),
  });
  return outcomeView(l, title, text, {
    actions: [
      ...(extendable ? [autoExtendAction(viewer, e.relationshipId)] : []),
      { verb: 'command', title: t(l, 'ui.ending.renew'), style: extendable ? 'default' : 'positive', data: { command: 'invite' } },
      ...(e.customerId ? [{ verb: 'customer.show' as const, title: t(l, 'ui.accepted.show'), data: { customerId: e.customerId } }] : []),
    ],
  });
}

/** A customer that no invitation here brought: the news, and the way to its record. */
export function toCustomerArrivedView(viewer: Viewer, e: CustomerArrivedEvent): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.arrived.title', { company: e.companyName });
  const text = t(l, ARRIVAL_TEXT[e.source], { company: e.companyName });
  return outcomeView(l, title, text, {
    actions: [{ verb: 'customer.show', title: t(l, 'ui.accepted.show'), data: { customerId: e.customerId } }],
  });
}

const ARRIVAL_TEXT = {
  partnerCenter: 'ui.arrived.text.partnerCenter',
  gdap: 'ui.arrived.text.gdap',
  directory: 'ui.arrived.text.directory',
} as const;

/** The device-code card: the code, the link and the deadline; the outcome is posted when it is done. */
export function toDeviceCodeView(viewer: Viewer, p: DeviceCodePrompt): OutcomeView {
  const l = viewer.locale;
  const title = t(l, 'ui.pc.signIn.title');
  const deadline = formatDate(viewer, p.expiresAt);
  const text = t(l, 'ui.pc.signIn.text', { link: p.verificationUri, code: p.userCode, deadline });
  return {
    kind: 'outcome',
    locale: l,
    title,
    fallbackText: `${title}: ${text}`,
    text,
    facts: [
      { title: t(l, 'ui.pc.signIn.code'), value: p.userCode },
      { title: t(l, 'ui.pc.signIn.link'), value: p.verificationUri },
      { title: t(l, 'ui.pc.signIn.expires'), value: deadline },
    ],
    actions: [],
    // Microsoft's own page, as a button (text would show it inert): only an https address is linked.
    ...(/^https:\/\/[^\s/]/i.test(p.verificationUri) ? { link: { title: t(l, 'ui.pc.signIn.open'), url: p.verificationUri } } : {}),
  };
}

/** Why a sign-in was refused because of who signed in (SignInRefused's codes). */
const SIGNER_REFUSALS = {
  'signer-not-asker': 'ui.pc.signer.notAsker',
  'signer-not-admin': 'ui.pc.signer.notAdmin',
  'signer-other-tenant': 'ui.pc.signer.otherTenant',
  'signer-unverified': 'ui.pc.signer.unverified',
} as const;

export function toSignInOutcomeView(viewer: Viewer, e: PartnerCenterSignInEvent): OutcomeView {
  const l = viewer.locale;
  if (e.outcome === 'failed') {
    const title = t(l, 'ui.pc.failed.title');
    const signerKey = e.code && e.code in SIGNER_REFUSALS ? SIGNER_REFUSALS[e.code as keyof typeof SIGNER_REFUSALS] : null;
    const text = signerKey ? t(l, signerKey, { account: e.account ?? '?' }) : t(l, 'ui.pc.failed.text', { code: e.code ?? '?' });
    return outcomeView(l, title, text);
  }
  const allowed = Object.entries(e.capabilities)
    .filter(([, code]) => code === null)
    .map(([name]) => capabilityName(l, name));
  const summary = [
    ...(allowed.length ? [t(l, 'ui.pc.connected.allowed', { list: allowed.join(', ') })] : []),
    ...refusalLines(l, e.capabilities),
  ].join('\n');
  const title = t(l, 'ui.pc.connected.title');
  const text = t(l, 'ui.pc.connected.text', { account: e.account ?? '?', summary });
  return outcomeView(l, title, text);
}

export function toReconnectView(viewer: Viewer, e: PartnerCenterReconnectEvent): OutcomeView {
  const l = viewer.locale;
  const at = formatDate(viewer, e.at);
  const keys = {
    lost: ['ui.pc.lost.title', 'ui.pc.lost.text'],
    expiring: ['ui.pc.expiring.title', 'ui.pc.expiring.text'],
    keyChanged: ['ui.pc.keyChanged.title', 'ui.pc.keyChanged.text'],
  } as const;
  const [titleKey, textKey] = keys[e.reason];
  const title = t(l, titleKey);
  const text = t(l, textKey, { at });
  return outcomeView(l, title, text, {
    actions: [
      { verb: 'command', title: t(l, 'ui.help.connectPartnerCenter'), style: 'positive', data: { command: 'connectPartnerCenter' } },
    ],
  });
}

/** The view of anything the bot posts outside a turn. */
export function toNotificationView(viewer: Viewer, event: ServiceEvent): AcceptedView | OutcomeView | DigestView {
  switch (event.type) {
    case 'adminAccess.ending':
      return toAdminAccessEndingView(viewer, event);
    case 'adminAccess.ready':
      return toAdminAccessReadyView(viewer, event);
    case 'adminAccess.failed':
      return toAdminAccessFailedView(viewer, event);
    case 'customer.arrived':
      return toCustomerArrivedView(viewer, event);
    case 'partnerCenter.signIn':
      return toSignInOutcomeView(viewer, event);
    case 'partnerCenter.reconnect':
      return toReconnectView(viewer, event);
    case 'notifications.trouble':
      return toNotificationsTroubleView(viewer, event);
    case 'invitation.reminder':
      return toReminderView(viewer, event);
    case 'batch.progress':
      return toBatchProgressView(viewer, event);
    case 'digest':
      // The dispatcher has the service read the figures just before posting (prepareDelivery).
      if (!event.report) return outcomeView(viewer.locale, t(viewer.locale, 'ui.digest.title'), t(viewer.locale, 'error.unexpected'));
      return toDigestView(viewer, event.report, { subscribed: true, nextAt: event.nextAt ?? null });
    default:
      return toAcceptedView(viewer, event);
  }
}
