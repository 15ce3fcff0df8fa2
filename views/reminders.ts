/** The chaser's posts: an invitation still unanswered (Resend, Revoke, Snooze), and one that expired (Invite again). */
import { t } from '../i18n/catalogue.js';
import type { InvitationReminderEvent } from '../bot/service/events.js';
import { formatDate, outcomeView, type OutcomeView, type Viewer } from './common.js';

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** Intl objects are costly to build: one per locale, as the other views keep theirs. */
const formats: Partial<Record<Viewer['locale'], Intl.RelativeTimeFormat>> = {};

/** "7 days ago", "3 hours ago": how long before `at` it was sent, in the largest whole unit. */
function sentAgo(viewer: Viewer, sentAt: string, at: string): string {
  const ms = Math.max(0, Date.parse(at) - Date.parse(sentAt));
  const [unit, size] = UNITS.find(([, size]) => ms >= size) ?? UNITS[UNITS.length - 1]!;
  const format = (formats[viewer.locale] ??= new Intl.RelativeTimeFormat(viewer.locale, { numeric: 'always' }));
  return format.format(-Math.round(ms / size), unit);
}

/** Who it is for, as the invitations list names them. */
const whoOf = (viewer: Viewer, e: Pick<InvitationReminderEvent, 'companyName' | 'customerEmail'>) =>
  e.companyName ?? e.customerEmail ?? t(viewer.locale, 'ui.invitations.unnamed');

export function toReminderView(viewer: Viewer, e: InvitationReminderEvent): OutcomeView {
  const l = viewer.locale;
  const params = { who: whoOf(viewer, e), ago: sentAgo(viewer, e.sentAt, e.at) };
  if (e.kind === 'expired') {
    const args = [e.companyName, e.customerEmail].filter(Boolean).join(' ');
    return outcomeView(l, t(l, 'ui.reminder.expiredTitle', params), t(l, 'ui.reminder.expiredText', params), {
      actions: [{ verb: 'command', title: t(l, 'ui.reminder.inviteAgain'), style: 'positive', data: { command: 'invite', args } }],
    });
  }
  const data = { invitationId: e.invitationId };
  return outcomeView(l, t(l, 'ui.reminder.title', params), t(l, 'ui.reminder.text', params), {
    actions: [
      { verb: 'invitation.resend', title: t(l, 'ui.reminder.resend'), style: 'positive', data },
      { verb: 'invitation.snooze', title: t(l, 'ui.reminder.snooze'), data },
      { verb: 'invitation.revoke', title: t(l, 'ui.reminder.revoke'), style: 'destructive', data },
    ],
  });
}

/** Snooze done: when the reminder comes back. */
export function toSnoozedView(
  viewer: Viewer,
  e: Pick<InvitationReminderEvent, 'companyName' | 'customerEmail'>,
  until: string,
): OutcomeView {
  const l = viewer.locale;
  const text = t(l, 'ui.reminder.snoozed', { who: whoOf(viewer, e), when: formatDate(viewer, until) });
  return { kind: 'outcome', locale: l, title: text, fallbackText: text, text, facts: [], actions: [] };
}
