/** Customer views: the paged list and a customer's details. */
import type { GdapRecord, Locale, Relationship, Subscription } from '../store/schema.js';
import { t } from '../i18n/catalogue.js';
import type { CustomerDetails, CustomerPage, Slice } from '../bot/service/customers.js';
import { formatDate, may, type ActionModel, type Base, type Fact, type LinkModel, type Viewer } from './common.js';

/** One row of the list: what tells customers apart, and the action that opens the details. */
export interface CustomerRow {
  id: string;
  name: string;
  domain: string;
  status: string;
  /** "300 users, 15 subscriptions". */
  counts: string;
  open: ActionModel;
}

export interface CustomerListView extends Base {
  kind: 'customerList';
  summary: string;
  query: string;
  searchLabel: string;
  searchAction: ActionModel;
  rows: CustomerRow[];
  detailsLabel: string;
  /** Where a row is the button (Teams), says so. */
  openHint: string;
  empty: string | null;
  actions: ActionModel[];
}

/** A titled list of lines; long lists show one page and carry the actions to move between pages. */
export interface DetailsSection {
  title: string;
  lines: string[];
  actions: ActionModel[];
}

export interface CustomerDetailsView extends Base {
  kind: 'customerDetails';
  customerId: string;
  /** "300 users, 15 subscriptions". */
  summary: string;
  facts: Fact[];
  sections: DetailsSection[];
  actions: ActionModel[];
  /** The customer's page in Partner Center (with the Microsoft directory). */
  link?: LinkModel;
}

/** "300 users, 15 subscriptions", each count with its own plural; kept, as a list repeats them. */
const countTexts = new Map<string, string>();
function countsOf(l: Locale, users: number, subscriptions: number): string {
  const key = `${l}|${users}|${subscriptions}`;
  let text = countTexts.get(key);
  if (text === undefined) {
    text = t(l, 'ui.customer.counts', {
      users: t(l, 'ui.customer.userCount', { count: users }),
      subscriptions: t(l, 'ui.customer.subscriptionCount', { count: subscriptions }),
    });
    if (countTexts.size > 5_000) countTexts.clear();
    countTexts.set(key, text);
  }
  return text;
}

export function toCustomerDetailsView(viewer: Viewer, d: CustomerDetails): CustomerDetailsView {
  const l = viewer.locale;
  const status = (s: Relationship['status'] | Subscription['status']) => t(l, `ui.status.${s}`);
  const none = t(l, 'ui.customer.none');
  const orNone = (lines: string[]) => (lines.length ? lines : [none]);
  const reseller = d.relationships.find((r) => r.kind === 'reseller' && r.status === 'active');
  const customerId = d.customer.id;
  // Paging one list keeps the other where it was: both pages travel with every paging action.
  const at = { users: d.users.page, subscriptions: d.subscriptions.page };
  const paged = (key: 'users' | 'subscriptions', slice: Slice<unknown>, lines: string[]): DetailsSection => {
    const base = t(l, `ui.customer.${key}`);
    const from = (slice.page - 1) * slice.pageSize + 1;
    const title =
      slice.pageCount > 1 ? t(l, 'ui.customer.range', { title: base, from, to: from + slice.items.length - 1, total: slice.total }) : base;
    const go = (page: number): Record<string, string | number> => ({ customerId, ...at, [key]: page });
    const actions: ActionModel[] = [];
    if (slice.page > 1) actions.push({ verb: 'customer.page', title: t(l, `ui.customer.${key}.previous`), data: go(slice.page - 1) });
    if (slice.page < slice.pageCount)
      actions.push({ verb: 'customer.page', title: t(l, `ui.customer.${key}.next`), data: go(slice.page + 1) });
    return { title, lines: orNone(lines), actions };
  };
  const moreLicenses = d.licenses.total - d.licenses.items.length;
  return {
    kind: 'customerDetails',
    locale: l,
    title: d.customer.companyName,
    fallbackText: d.customer.domain ? `${d.customer.companyName} (${d.customer.domain})` : d.customer.companyName,
    customerId,
    summary: countsOf(l, d.users.total, d.subscriptions.total),
    ...(d.microsoft?.partnerCenterLink ? { link: { title: t(l, 'ui.openPartnerCenter'), url: d.microsoft.partnerCenterLink } } : {}),
    facts: [
      ...(d.customer.domain ? [{ title: t(l, 'ui.customer.domain'), value: d.customer.domain }] : []),
      ...(d.customer.contact.name || d.customer.contact.email
        ? [
            {
              title: t(l, 'ui.customer.contact'),
              value: d.customer.contact.email ? `${d.customer.contact.name} <${d.customer.contact.email}>`.trim() : d.customer.contact.name,
            },
          ]
        : []),
      ...(d.customer.tenantId ? [{ title: t(l, 'ui.customer.tenant'), value: d.customer.tenantId }] : []),
      ...(reseller ? [{ title: t(l, 'ui.customer.since'), value: formatDate(viewer, reseller.createdAt, false) }] : []),
    ],
    sections: [
      {
        title: t(l, 'ui.customer.relationships'),
        lines: [
          ...d.relationships.map((r) =>
            r.kind === 'reseller'
              ? t(l, 'ui.customer.relReseller', { status: status(r.status) })
              : t(l, 'ui.customer.relProvider', { provider: r.providerName ?? '?', status: status(r.status) }),
          ),
          ...(may(viewer, 'remove') && reseller && d.removalBlocked ? [t(l, 'ui.customer.removalBlocked', { ...d.removalBlocked })] : []),
        ],
        actions: [],
      },
      ...(d.microsoft ? [adminAccessSection(viewer, d.microsoft.adminAccess)] : []),
      ...(d.microsoft?.partnerCenterKeyChanged ? [{ title: t(l, 'ui.pc.status'), lines: [t(l, 'partnerCenter.keyChanged')], actions: [] }] : []),
      ...(d.microsoft?.partnerCenterLink && d.subscriptions.total === 0 && d.users.total === 0
        ? [{ title: t(l, 'ui.customer.subscriptions'), lines: [t(l, 'ui.customer.inPartnerCenter')], actions: [] }]
        : []),
      paged(
        'subscriptions',
        d.subscriptions,
        d.subscriptions.items.map((s) =>
          t(l, 'ui.customer.subscription', { offer: s.offer, quantity: s.quantity, status: status(s.status) }),
        ),
      ),
      paged(
        'users',
        d.users,
        d.users.items.map((u) => `${u.displayName} <${u.email}>${u.licenses.length ? ` (${u.licenses.join(', ')})` : ''}`),
      ),
      {
        title: t(l, 'ui.customer.licenses'),
        lines: [
          ...orNone(d.licenses.items.map((x) => t(l, 'ui.customer.license', { sku: x.sku, assigned: x.assigned, total: x.total }))),
          ...(moreLicenses > 0 ? [t(l, 'ui.customer.moreLicenses', { count: moreLicenses })] : []),
        ],
        actions: [],
      },
    ],
    // A removal Partner Center would refuse is not offered: the card says what to do first instead.
    actions:
      may(viewer, 'remove') && reseller && !d.removalBlocked
        ? [{ verb: 'removal.request', title: t(l, 'ui.customer.remove'), style: 'destructive', data: { customerId } }]
        : [],
  };
}

/** A customer's GDAP relationships: name, status, end date and auto-extend, one line each. */
function adminAccessSection(viewer: Viewer, records: readonly GdapRecord[]): DetailsSection {
  const l = viewer.locale;
  const lines = records.slice(0, 10).map((r) =>
    t(l, 'ui.gdap.row', {
      name: `${r.displayName} (${t(l, 'ui.gdap.roles', { count: r.roleDefinitionIds.length })})`,
      status: r.status,
      ends: r.endDateTime ? formatDate(viewer, r.endDateTime, false) : t(l, 'ui.gdap.noEnd'),
      extend: t(l, r.autoExtendDuration && r.autoExtendDuration !== 'PT0S' ? 'ui.gdap.extendYes' : 'ui.gdap.extendNo'),
    }),
  );
  return { title: t(l, 'ui.gdap.title'), lines: lines.length ? lines : [t(l, 'ui.gdap.none')], actions: [] };
}

/** One page of customers: rows only; a customer's details are built when someone asks for them. */
export function toCustomerListView(viewer: Viewer, page: CustomerPage): CustomerListView {
  const l = viewer.locale;
  const title = t(l, 'ui.list.title');
  const count = t(l, 'ui.list.count', { count: page.total });
  const from = (page.page - 1) * page.pageSize + 1;
  const to = from + page.items.length - 1;
  const summary =
    (page.total > page.items.length ? t(l, 'ui.list.showing', { count, from, to }) : count) +
    (page.query ? ` ${t(l, 'ui.list.matching', { query: page.query })}` : '');
  const actions: ActionModel[] = [];
  if (page.page > 1)
    actions.push({ verb: 'customers.page', title: t(l, 'ui.list.previous'), data: { page: page.page - 1, query: page.query } });
  if (page.page < page.pageCount)
    actions.push({
      verb: 'customers.page',
      title: t(l, 'ui.list.next'),
      style: 'positive',
      data: { page: page.page + 1, query: page.query },
    });
  const detailsLabel = t(l, 'ui.list.details');
  const active = t(l, 'ui.status.active');
  return {
    kind: 'customerList',
    locale: l,
    title,
    fallbackText: `${title}: ${summary}`,
    summary,
    query: page.query,
    searchLabel: t(l, 'ui.list.search'),
    searchAction: { verb: 'customers.search', title: t(l, 'ui.list.searchButton') },
    rows: page.items.map((cust) => ({
      id: cust.id,
      name: cust.companyName,
      domain: cust.domain,
      status: active,
      counts: countsOf(l, cust.users.length, cust.subscriptions.length),
      open: { verb: 'customer.show', title: detailsLabel, data: { customerId: cust.id } },
    })),
    detailsLabel,
    openHint: t(l, 'ui.list.openHint'),
    empty: page.total === 0 ? (page.query ? t(l, 'ui.list.noMatch', { query: page.query }) : t(l, 'ui.list.empty')) : null,
    actions,
  };
}
