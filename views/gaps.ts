/** The book's gaps (`gaps`): each kind with its count, and one kind's customers, paged, each with its fix. */
import { t } from '../i18n/catalogue.js';
import type { GapKind, GapPage, GapRow, GapSummary } from '../bot/service/gaps.js';
import { can, formatDate, may, toListView, type ActionModel, type ListView, type Viewer } from './common.js';

/** Kinds counted per GDAP relationship rather than per customer. */
const PER_RELATIONSHIP: ReadonlySet<GapKind> = new Set(['endingWithoutAutoExtend', 'globalAdmin']);

const countOf = (viewer: Viewer, kind: GapKind, count: number) =>
  t(viewer.locale, PER_RELATIONSHIP.has(kind) ? 'ui.gaps.relationships' : 'ui.gaps.customers', { count });

/** Where a fact is unknown, the sentence that says so (and why), rather than a guess. */
function unknownText(viewer: Viewer, gap: GapSummary): string | null {
  if (!gap.unknown) return null;
  if (gap.kind === 'gdapWithoutReseller' || gap.kind === 'resellerWithoutGdap' || gap.kind === 'providerWithoutRelationship')
    return t(viewer.locale, `ui.gaps.unknown.${gap.kind}`, { count: gap.unknown });
  return null;
}

const openGap = (viewer: Viewer, kind: GapKind, page = 1): ActionModel => ({
  verb: 'gaps.page',
  title: t(viewer.locale, 'ui.gaps.open'),
  data: { kind, page },
});

/** "GDAP with Global Administrator: 3 relationships": a kind with its count (the digest says it too). */
export const gapSummaryText = (viewer: Viewer, gap: GapSummary) =>
  t(viewer.locale, 'ui.gaps.summary', { kind: t(viewer.locale, `ui.gaps.kind.${gap.kind}`), count: countOf(viewer, gap.kind, gap.count) });

/** `gaps`: one row per kind with its count and what is unknown; a button opens it. */
export function toGapsView(viewer: Viewer, overview: { gaps: GapSummary[] }): ListView {
  const l = viewer.locale;
  const rows: ListView['rows'] = overview.gaps.map((gap) => {
    const summary = gapSummaryText(viewer, gap);
    const unknown = unknownText(viewer, gap);
    return { text: unknown ? `${summary}. ${unknown}` : summary, actions: gap.count ? [openGap(viewer, gap.kind)] : [] };
  });
  // What only Partner Center knows stays unknown until its API is connected: the admin who can connect it is offered to.
  if (can(viewer, 'microsoft') && !can(viewer, 'partnerCenterApi') && overview.gaps.some((g) => g.unknown)) {
    const connect: ActionModel = { verb: 'command', title: t(l, 'ui.gaps.connect'), data: { command: 'connectPartnerCenter' } };
    rows.push({ text: t(l, 'ui.gaps.notConnected'), actions: may(viewer, 'adminAccess') ? [connect] : [] });
  }
  const view = toListView(viewer, 'ui.gaps.title', 'ui.gaps.empty', rows);
  return { ...view, note: t(l, can(viewer, 'microsoft') ? 'ui.gaps.intro' : 'ui.gaps.embedded') };
}

/** The fix a row offers, for a viewer who may use it (the service's permission table says who). */
function fixOf(viewer: Viewer, kind: GapKind, row: GapRow): ActionModel | null {
  // A short title: the button sits beside its row, and a long one would squeeze the row's text on a phone.
  const title = t(viewer.locale, `ui.gaps.fix.${kind}`);
  if (kind === 'endingWithoutAutoExtend') {
    return row.relationship && may(viewer, 'adminAccess')
      ? { verb: 'gdap.autoExtend', title, style: 'positive', data: { relationshipId: row.relationship.id } }
      : null;
  }
  if (!may(viewer, 'invite')) return null;
  // The invitation draft with the customer filled in: the reseller link and, with Microsoft's directory, a GDAP request.
  const provider = kind === 'providerWithoutRelationship' && row.providerName ? ` with provider ${row.providerName}` : '';
  const args = `${[row.name, row.email ?? ''].join(' ').trim()}${provider}`;
  return { verb: 'command', title, style: 'positive', data: { command: 'invite', args } };
}

function rowText(viewer: Viewer, kind: GapKind, row: GapRow): string {
  const l = viewer.locale;
  if (kind === 'providerWithoutRelationship') return t(l, 'ui.gaps.row.provider', { name: row.name, provider: row.providerName ?? '' });
  if (!row.relationship) return row.email ? `${row.name} <${row.email}>` : row.name;
  const relationship = row.relationship.displayName;
  if (kind === 'endingWithoutAutoExtend' && row.relationship.endsAt)
    return t(l, 'ui.gaps.row.ending', { name: row.name, relationship, when: formatDate(viewer, row.relationship.endsAt, false) });
  return t(l, 'ui.gaps.row.relationship', { name: row.name, relationship });
}

/** One kind: why it matters, its count, a page of rows each with its fix, a pager, and the way back. */
export function toGapPageView(viewer: Viewer, gap: GapPage): ListView {
  const l = viewer.locale;
  const rows: ListView['rows'] = gap.rows.map((row) => {
    const fix = fixOf(viewer, gap.kind, row);
    return { text: rowText(viewer, gap.kind, row), actions: fix ? [fix] : [] };
  });
  const pager = (n: number, key: 'ui.gaps.previous' | 'ui.gaps.next'): ListView['rows'][number] => ({
    text: t(l, 'ui.gaps.page', { page: gap.page, pages: gap.pages }),
    actions: [{ verb: 'gaps.page', title: t(l, key), data: { kind: gap.kind, page: n } }],
  });
  if (gap.page > 1) rows.push(pager(gap.page - 1, 'ui.gaps.previous'));
  if (gap.page < gap.pages) rows.push(pager(gap.page + 1, 'ui.gaps.next'));
  rows.push({ text: t(l, 'ui.gaps.title'), actions: [{ verb: 'command', title: t(l, 'ui.gaps.all'), data: { command: 'gaps' } }] });
  const view = toListView(viewer, `ui.gaps.kind.${gap.kind}`, 'ui.gaps.empty', rows);
  const count = t(l, 'ui.gaps.inAll', { count: countOf(viewer, gap.kind, gap.count) });
  const note = [t(l, `ui.gaps.why.${gap.kind}`), count, unknownText(viewer, gap)].filter(Boolean).join(' ');
  return { ...view, empty: gap.count ? null : t(l, 'ui.gaps.empty'), note };
}
