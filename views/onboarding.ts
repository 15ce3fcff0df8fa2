/** The onboarding board (`onboarding`) and one customer's record (`onboarding <customer>`). */
import { t } from '../i18n/catalogue.js';
import type { OnboardingRecord } from '../bot/service/onboarding.js';
import { formatDate, may, outcomeView, toListView, type ActionModel, type ListView, type OutcomeView, type Viewer } from './common.js';
import { ago } from './invitations.js';

const nameOf = (viewer: Viewer, r: OnboardingRecord) => r.name ?? t(viewer.locale, 'ui.invitations.unnamed');

/** What a record waits for, in words, with how long: "waiting for Fabrikam to accept, 3 days ago". */
function waitingFor(viewer: Viewer, r: OnboardingRecord, now: Date): string {
  const l = viewer.locale;
  const since = ago(viewer, r.since, now);
  if (r.state === 'expired') return t(l, 'ui.onboarding.state.expired', { ago: since });
  if (r.state === 'revoked') return t(l, 'ui.onboarding.state.revoked', { ago: since });
  if (!r.current) return t(l, 'ui.onboarding.state.done', { ago: since });
  return t(l, `ui.onboarding.next.${r.current}`, { ago: since });
}

/** The board: one row per customer in flight, its step and age, a button that names it; a pager. */
export function toOnboardingView(
  viewer: Viewer,
  book: { records: OnboardingRecord[]; total: number; page: number; pages: number },
  now: Date,
): ListView {
  const l = viewer.locale;
  const rows: ListView['rows'] = book.records.map((r) => {
    const email = r.email && r.email !== r.name ? ` <${r.email}>` : '';
    return {
      text: `${nameOf(viewer, r)}${email}: ${waitingFor(viewer, r, now)}`,
      actions: [
        { verb: 'onboarding.show', title: t(l, 'ui.onboarding.show', { name: nameOf(viewer, r) }), data: { invitationId: r.invitationId } },
      ],
    };
  });
  const page = (n: number, key: 'ui.onboarding.previous' | 'ui.onboarding.next'): ListView['rows'][number] => ({
    text: t(l, 'ui.onboarding.page', { page: book.page, pages: book.pages }),
    actions: [{ verb: 'onboarding.page', title: t(l, key), data: { page: n } }],
  });
  if (book.page > 1) rows.push(page(book.page - 1, 'ui.onboarding.previous'));
  if (book.page < book.pages) rows.push(page(book.page + 1, 'ui.onboarding.next'));
  const view = toListView(viewer, 'ui.onboarding.title', 'ui.onboarding.empty', rows);
  return book.total ? { ...view, note: t(l, 'ui.onboarding.count', { count: book.total }) } : view;
}

/** One record: each step with its time and who acted (or that the bot cannot know it), and what to do next. */
export function toOnboardingRecordView(viewer: Viewer, r: OnboardingRecord, now: Date): OutcomeView {
  const l = viewer.locale;
  const facts = r.steps.map((s) => ({
    title: t(l, `ui.onboarding.step.${s.name}`),
    value: s.at
      ? s.by
        ? t(l, 'ui.onboarding.doneBy', { when: formatDate(viewer, s.at), who: s.by })
        : formatDate(viewer, s.at)
      : t(l, s.unknown ? 'ui.onboarding.unknown' : 'ui.onboarding.notYet'),
  }));
  const actions: ActionModel[] = [];
  if (r.pending && r.steps[0]?.at && may(viewer, 'invite')) {
    actions.push({ verb: 'invitation.resend', title: t(l, 'ui.onboarding.resend'), data: { invitationId: r.invitationId } });
  }
  if (r.pending && may(viewer, 'invite')) {
    actions.push({
      verb: 'invitation.revoke',
      title: t(l, 'ui.invitations.revokeOne', { who: nameOf(viewer, r) }),
      style: 'destructive',
      data: { invitationId: r.invitationId },
    });
  }
  if (r.problem && may(viewer, 'adminAccess')) {
    actions.push({
      verb: 'adminAccess.retry',
      title: t(l, 'ui.onboarding.assignAgain'),
      style: 'positive',
      data: { relationshipId: r.problem.relationshipId },
    });
  }
  if (r.customerId) actions.push({ verb: 'customer.show', title: t(l, 'ui.accepted.show'), data: { customerId: r.customerId } });
  if (r.state === 'expired' && may(viewer, 'invite')) {
    actions.push({
      verb: 'command',
      title: t(l, 'ui.onboarding.inviteAgain'),
      style: 'positive',
      data: { command: 'invite', args: [r.name ?? '', r.email ?? ''].join(' ').trim() },
    });
  }
  const title = t(l, 'ui.onboarding.recordTitle', { name: nameOf(viewer, r) });
  const text = [
    waitingFor(viewer, r, now),
    ...(r.providerName ? [t(l, 'ui.onboarding.withProvider', { provider: r.providerName })] : []),
    ...(r.problem ? [t(l, 'ui.onboarding.problem', { reason: r.problem.message })] : []),
  ].join(' ');
  // The customer's own GDAP approval link, to send again while it waits: a button, never text a client would mangle.
  const link = r.pending && r.approvalLink ? { title: t(l, 'ui.onboarding.approvalLink'), url: r.approvalLink } : undefined;
  return outcomeView(l, title, text, { facts, actions, ...(link ? { link } : {}) });
}
