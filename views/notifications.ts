/** The `notifications` list (each subscribed conversation and its health) and the admins' notices about one. */
import type { Locale, NotificationSubscription } from '../store/schema.js';
import { t } from '../i18n/catalogue.js';
import type { SubscriptionHealth } from '../bot/service/notification-subscriptions.js';
import type { NotificationsTroubleEvent } from '../bot/service/events.js';
import { commandUsage, formatDate, outcomeView, toListView, type ActionModel, type ListView, type OutcomeView, type Viewer } from './common.js';

const platformName = (platform: NotificationSubscription['platform']) => (platform === 'teams' ? 'Microsoft Teams' : 'Slack');

/** One line of health: when it last got through, what waits, what was given up, the last error. */
function healthLine(viewer: Viewer, h: SubscriptionHealth): string {
  const l = viewer.locale;
  const s = h.subscription;
  const parts = [
    s.lastDeliveredAt ? t(l, 'ui.notifications.lastDelivered', { at: formatDate(viewer, s.lastDeliveredAt) }) : t(l, 'ui.notifications.neverDelivered'),
  ];
  if (h.pending) parts.push(t(l, 'ui.notifications.pending', { count: h.pending }));
  if (h.givenUp) parts.push(t(l, 'ui.notifications.givenUp', { count: h.givenUp }));
  if (s.givenUpAt) parts.push(t(l, 'ui.notifications.failing', { at: formatDate(viewer, s.givenUpAt) }));
  if (s.lastError && s.lastFailedAt) parts.push(t(l, 'ui.notifications.lastError', { at: formatDate(viewer, s.lastFailedAt), error: s.lastError }));
  return parts.join(' · ');
}

/**
 * `notifications`: a row per subscribed conversation with its health, and a Remove button on each
 * for those who may remove (the service checks again). `removed` says what the last click did.
 */
export function toNotificationsView(viewer: Viewer, health: SubscriptionHealth[], removed?: { name: string | null }): ListView {
  const l = viewer.locale;
  const mayRemove = viewer.permissions?.includes('manageNotifications') ?? false;
  const rows = health.map((h) => ({
    text: `${h.subscription.name} (${platformName(h.subscription.platform)}): ${healthLine(viewer, h)}`,
    actions: mayRemove
      ? [
          {
            verb: 'subscription.remove',
            // Named, so a column of Remove buttons (Slack) says which conversation each one removes.
            title: t(l, 'ui.notifications.remove', { name: `${h.subscription.name} (${platformName(h.subscription.platform)})` }),
            style: 'destructive',
            data: { subscriptionId: h.subscription.id },
          } satisfies ActionModel,
        ]
      : [],
  }));
  const view = toListView(viewer, 'ui.notifications.title', 'ui.notifications.empty', rows);
  if (!removed) return view;
  const note = removed.name ? t(l, 'ui.notifications.removed', { name: removed.name }) : t(l, 'ui.notifications.alreadyRemoved');
  return { ...view, note, fallbackText: `${view.title}. ${note}` };
}

/** Posted once to the admins' conversation: a conversation was dropped (gone), or its notifications were given up. */
export function toNotificationsTroubleView(viewer: Viewer, e: NotificationsTroubleEvent): OutcomeView {
  const l: Locale = viewer.locale;
  const params = { name: e.name, platform: platformName(e.platform), attempts: e.attempts, since: formatDate(viewer, e.since) };
  const title = t(l, e.outcome === 'gone' ? 'ui.trouble.gone.title' : 'ui.trouble.givenUp.title', params);
  const text = e.outcome === 'gone' ? t(l, `ui.trouble.gone.${e.reason ?? 'notFound'}`, params) : t(l, 'ui.trouble.givenUp.text', params);
  return outcomeView(l, title, text, {
    actions: [{ verb: 'command', title: commandUsage(l, 'notifications'), style: 'positive', data: { command: 'notifications' } }],
  });
}
