/**
 * The digest card (posted at each DIGEST_SCHEDULE moment, or shown by `digest`) and its chart's
 * words: five sections, each with its count, its first five and a button to the whole list, and an
 * image of invitations sent, accepted and ready per week whose alt text carries the same figures.
 */
import { gapSummaryText } from './gaps.js';
import { t, type MessageKey } from '../i18n/catalogue.js';
import type { CommandName } from '../bot/commands/parse.js';
import type { ChartWeek, DigestItem, DigestReport, DigestSection } from '../bot/service/digest-report.js';
import { formatDate, type ActionModel, type Base, type Viewer } from './common.js';
import { ago } from './invitations.js';

export interface DigestSectionView {
  title: string;
  lines: string[];
  action: ActionModel;
}

export interface DigestView extends Base {
  kind: 'digest';
  intro: string;
  /** The chart; null where there is no signed address for it (a conversation not subscribed). */
  image: { url: string; altText: string } | null;
  /** The chart's figures in words: the image's alt text, and what is shown where there is no image. */
  chartText: string;
  sections: DigestSectionView[];
  /** When the next one comes here, or how to get it every week. */
  note: string;
}

/** The chart's words in one language: its series, each week's label, and the alt text with every figure. */
export interface DigestChartModel {
  title: string;
  series: { sent: string; accepted: string; ready: string };
  weeks: Array<ChartWeek & { label: string }>;
  altText: string;
}

/** Names come from outside: one line each, cut to a length every card keeps whole. */
const NAME_MAX = 80;
const nameOf = (item: DigestItem) => (item.name.length > NAME_MAX ? `${item.name.slice(0, NAME_MAX - 1)}…` : item.name);

const weekLabels = new Map<string, Intl.DateTimeFormat>();
function weekLabel(viewer: Viewer, iso: string): string {
  const key = `${viewer.locale}|${viewer.timeZone ?? 'UTC'}`;
  let format = weekLabels.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(viewer.locale === 'it' ? 'it-IT' : 'en-GB', {
      day: 'numeric',
      month: 'short',
      timeZone: viewer.timeZone ?? 'UTC',
    });
    weekLabels.set(key, format);
  }
  return format.format(new Date(iso));
}

export function toDigestChart(viewer: Viewer, weeks: ChartWeek[]): DigestChartModel {
  const l = viewer.locale;
  const labelled = weeks.map((w) => ({ ...w, label: weekLabel(viewer, w.start) }));
  const figures = labelled.map((w) =>
    t(l, 'ui.digest.chart.week', {
      week: w.label,
      sent: t(l, 'ui.digest.chart.sentCount', { count: w.sent }),
      accepted: t(l, 'ui.digest.chart.acceptedCount', { count: w.accepted }),
      ready: t(l, 'ui.digest.chart.readyCount', { count: w.ready }),
    }),
  );
  const title = t(l, 'ui.digest.chart.title', { count: weeks.length });
  return {
    title,
    series: { sent: t(l, 'ui.digest.chart.sent'), accepted: t(l, 'ui.digest.chart.accepted'), ready: t(l, 'ui.digest.chart.ready') },
    weeks: labelled,
    altText: `${title}: ${figures.join('; ')}.`,
  };
}

type SectionKey = 'accepted' | 'pending' | 'ready' | 'ending';

/** Where each section's button goes: the list it is the top of. */
const LISTS: Record<SectionKey | 'gaps', CommandName | 'gaps'> = {
  accepted: 'listCustomers',
  pending: 'invitations',
  ready: 'onboarding',
  ending: 'listCustomers',
  gaps: 'gaps',
};

const open = (viewer: Viewer, key: SectionKey | 'gaps'): ActionModel => ({
  verb: 'command',
  title: t(viewer.locale, `ui.digest.open.${key}`),
  data: { command: LISTS[key] },
});

function sectionView(viewer: Viewer, key: SectionKey, s: DigestSection, now: Date): DigestSectionView {
  const l = viewer.locale;
  const line = (item: DigestItem) => {
    const when =
      key === 'pending'
        ? t(l, 'ui.digest.sentAgo', { ago: ago(viewer, item.at, now) })
        : key === 'ending'
          ? t(l, 'ui.digest.endsOn', { date: formatDate(viewer, item.at, false) })
          : formatDate(viewer, item.at, false);
    return `${nameOf(item)}: ${when}`;
  };
  const more = s.count - s.top.length;
  const lines = s.count
    ? [...s.top.map(line), ...(more > 0 ? [t(l, 'ui.digest.more', { count: more })] : [])]
    : [t(l, `ui.digest.none.${key}`)];
  return { title: t(l, `ui.digest.${key}` as MessageKey, { count: s.count }), lines, action: open(viewer, key) };
}

/** `subscribed`, `nextAt`: said under the figures (when the next one comes, or how to have it weekly). */
export function toDigestView(viewer: Viewer, report: DigestReport, where: { subscribed: boolean; nextAt: string | null }): DigestView {
  const zoned: Viewer = { ...viewer, timeZone: report.timeZone };
  const l = viewer.locale;
  const now = new Date(report.at);
  const gapCount = report.gaps.reduce((sum, gap) => sum + gap.count, 0);
  const gapLines = gapCount
    ? report.gaps.filter((gap) => gap.count > 0).map((gap) => gapSummaryText(viewer, gap))
    : [t(l, 'ui.digest.none.gaps')];
  const sections = [
    sectionView(zoned, 'accepted', report.accepted, now),
    sectionView(zoned, 'pending', report.pending, now),
    sectionView(zoned, 'ready', report.ready, now),
    sectionView(zoned, 'ending', report.ending, now),
    { title: t(l, 'ui.digest.gaps', { count: gapCount }), lines: gapLines, action: open(zoned, 'gaps') },
  ];
  const chart = toDigestChart(zoned, report.weeks);
  const title = t(l, 'ui.digest.title');
  const intro = t(l, 'ui.digest.intro', { date: formatDate(zoned, report.at) });
  const note =
    where.subscribed && where.nextAt ? t(l, 'ui.digest.next', { date: formatDate(zoned, where.nextAt) }) : t(l, 'ui.digest.subscribeHint');
  const fallbackText = [title, intro, ...sections.map((s) => s.title), chart.altText].join('\n');
  return {
    kind: 'digest',
    locale: l,
    title,
    fallbackText,
    intro,
    image: report.chartUrl ? { url: report.chartUrl, altText: chart.altText } : null,
    chartText: chart.altText,
    sections,
    note,
  };
}
