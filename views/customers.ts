/** Customer views: the paged list and a customer's details. */
import type { GdapRecord, Locale, Relationship, Subscription } from '../store/schema.js';
import { t } from '../i18n/catalogue.js';
import type { CustomerDetails, CustomerPage, Slice } from '../bot/service/customers.js';
import { accessLines } from './access.js';
import { accessViewOf } from '../bot/service/gdap-access.js';
import { autoExtends } from '../bot/service/auto-extend.js';
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

/** The sections of a customer's details, in the order they are shown. */
export const SECTION_KEYS = ['relationships', 'adminAccess', 'partnerCenter', 'inPartnerCenter', 'subscriptions', 'users', 'licenses'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export const isSectionKey = (value: unknown): value is SectionKey => typeof value === 'string' && (SECTION_KEYS as readonly string[]).includes(value);

/** A section of this many lines or fewer is always shown open; a longer one folds. */
export const SHORT_SECTION = 3;

/** A titled list of lines; long lists show one page and carry the actions to move between pages. */
export interface DetailsSection {
  key: SectionKey;
  title: string;
  lines: string[];
  actions: ActionModel[];
  /** Shown unfolded: a short section, or the one the last click was about. */
  open: boolean;
  /**
   * For a long section: the same details with this section unfolded (or folded, when open), for
   * clients that cannot fold a card themselves (Slack, the terminal). Teams folds in the client.
   */
  toggle: ActionModel | null;
}

export interface CustomerDetailsView extends Base {
  kind: 'customerDetails';
  customerId: string;
  /** "300 users, 15 subscriptions, 2 license types, 1 relationship". */
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

/**
 * A customer's details: the summary and the account first, then the sections. Long sections fold
 * (`open` false) and page; every paging or unfolding action carries the customer and the pages of
 * all lists, which the service re-checks and clamps, and the section to show unfolded.
 */
export function toCustomerDetailsView(viewer: Viewer, d: CustomerDetails, opened?: SectionKey): CustomerDetailsView {
  const l = viewer.locale;
  const status = (s: Relationship['status'] | Subscription['status']) => t(l, `ui.status.${s}`);
  const none = t(l, 'ui.customer.none');
  const reseller = d.relationships.find((r) => r.kind === 'reseller' && r.status === 'active');
  const customerId = d.customer.id;
  // Paging one list keeps the others where they were: every page travels with every action.
  const at = { users: d.users.page, subscriptions: d.subscriptions.page, licenses: d.licenses.page };
  const go = (open: SectionKey | '', pages: Partial<typeof at> = {}) => ({ customerId, ...at, ...pages, open });
  const section = (key: SectionKey, title: string, lines: string[], actions: ActionModel[] = []): DetailsSection => {
    const shown = lines.length ? lines : [none];
    if (shown.length <= SHORT_SECTION && actions.length === 0) return { key, title, lines: shown, actions, open: true, toggle: null };
    const open = opened === key;
    const toggle: ActionModel = { verb: 'customer.page', title: t(l, open ? 'ui.customer.fold' : 'ui.customer.unfold'), data: go(open ? '' : key) };
    return { key, title, lines: shown, actions, open, toggle };
  };
  const paged = (key: 'users' | 'subscriptions' | 'licenses', slice: Slice<unknown>, lines: string[]): DetailsSection => {
    const base = t(l, `ui.customer.${key}`);
    const from = (slice.page - 1) * slice.pageSize + 1;
    const title =
      slice.pageCount > 1 ? t(l, 'ui.customer.range', { title: base, from, to: from + slice.items.length - 1, total: slice.total }) : base;
    const actions: ActionModel[] = [];
    if (slice.page > 1) actions.push({ verb: 'customer.page', title: t(l, `ui.customer.${key}.previous`), data: go(key, { [key]: slice.page - 1 }) });
    if (slice.page < slice.pageCount)
      actions.push({ verb: 'customer.page', title: t(l, `ui.customer.${key}.next`), data: go(key, { [key]: slice.page + 1 }) });
    return section(key, title, lines, actions);
  };
  /** The GDAP relationships, then the security groups assigned to those the bot requested. */
  const adminAccessSection = (records: readonly GdapRecord[]) => {
    const access = accessLines(viewer, records.filter((r) => r.invitationId && (r.access || r.status === 'active')).map(accessViewOf));
    return section('adminAccess', t(l, 'ui.gdap.title'), [...adminAccessLines(viewer, records), ...access.lines], access.actions);
  };
  return {
    kind: 'customerDetails',
    locale: l,
    title: d.customer.companyName,
    fallbackText: d.customer.domain ? `${d.customer.companyName} (${d.customer.domain})` : d.customer.companyName,
    customerId,
    summary: t(l, 'ui.customer.summary', {
      counts: countsOf(l, d.users.total, d.subscriptions.total),
      licenses: t(l, 'ui.customer.licenseCount', { count: d.licenses.total }),
      relationships: t(l, 'ui.customer.relationshipCount', { count: d.relationships.length }),
    }),
    ...(d.microsoft?.partnerCenterLink ? { link: { title: t(l, 'ui.openPartnerCenter'), url: d.microsoft.partnerCenterLink } } : {}),
    facts: accountFacts(viewer, d, reseller?.createdAt),
    sections: [
      section('relationships', t(l, 'ui.customer.relationships'), [
        ...d.relationships.map((r) =>
          r.kind === 'reseller'
            ? t(l, 'ui.customer.relReseller', { status: status(r.status) })
            : t(l, 'ui.customer.relProvider', { provider: r.providerName ?? '?', status: status(r.status) }),
        ),
        ...(may(viewer, 'remove') && reseller && d.removalBlocked
          ? [t(l, 'ui.customer.removalBlocked', { ...d.removalBlocked, subscriptions: firstNames(l, d.removalBlocked) })]
          : []),
      ]),
      ...(d.microsoft ? [adminAccessSection(d.microsoft.adminAccess)] : []),
      ...(d.microsoft?.partnerCenterKeyChanged ? [section('partnerCenter', t(l, 'ui.pc.status'), [t(l, 'partnerCenter.keyChanged')])] : []),
      ...(d.microsoft?.partnerCenterLink && d.subscriptions.total === 0 && d.users.total === 0
        ? [section('inPartnerCenter', t(l, 'ui.customer.subscriptions'), [t(l, 'ui.customer.inPartnerCenter')])]
        : []),
      paged(
        'subscriptions',
        d.subscriptions,
        d.subscriptions.items.map((s) => t(l, 'ui.customer.subscription', { offer: s.offer, quantity: s.quantity, status: status(s.status) })),
      ),
      paged(
        'users',
        d.users,
        d.users.items.map((u) => `${u.displayName} <${u.email}>${u.licenses.length ? ` (${u.licenses.join(', ')})` : ''}`),
      ),
      paged(
        'licenses',
        d.licenses,
        d.licenses.items.map((x) => t(l, 'ui.customer.license', { sku: x.sku, assigned: x.assigned, total: x.total })),
      ),
    ],
    // A removal Partner Center would refuse is not offered: the card says what to do first instead.
    actions:
      may(viewer, 'remove') && reseller && !d.removalBlocked
        ? [{ verb: 'removal.request', title: t(l, 'ui.customer.remove'), style: 'destructive', data: { customerId } }]
        : [],
  };
}

/** How much of the active subscriptions' names the removal line names: the Subscriptions section lists them all. */
const NAMES_SHOWN = 240;

/**
 * The active subscriptions named in the removal line, "Offer (quantity)" each: past about
 * `NAMES_SHOWN` characters, the first ones and how many more (dozens would bury the summary).
 */
function firstNames(l: Locale, blocker: { count: number; subscriptions: string }): string {
  const names = blocker.subscriptions;
  const cut = names.length > NAMES_SHOWN ? names.lastIndexOf('), ', NAMES_SHOWN) : -1;
  if (cut < 0) return names;
  const shown = names.slice(0, cut + 1);
  const more = blocker.count - shown.split('), ').length;
  return more > 0 ? t(l, 'ui.customer.namesAndMore', { names: shown, count: more }) : names;
}

/** The account: domain, contact, tenant, and since when it is our customer. */
function accountFacts(viewer: Viewer, d: CustomerDetails, since: string | undefined): Fact[] {
  const l = viewer.locale;
  const { domain, contact, tenantId } = d.customer;
  return [
    ...(domain ? [{ title: t(l, 'ui.customer.domain'), value: domain }] : []),
    ...(contact.name || contact.email
      ? [{ title: t(l, 'ui.customer.contact'), value: contact.email ? `${contact.name} <${contact.email}>`.trim() : contact.name }]
      : []),
    ...(tenantId ? [{ title: t(l, 'ui.customer.tenant'), value: tenantId }] : []),
    ...(since ? [{ title: t(l, 'ui.customer.since'), value: formatDate(viewer, since, false) }] : []),
  ];
}

/** A customer's GDAP relationships: name, status, end date and auto-extend, one line each. */
function adminAccessLines(viewer: Viewer, records: readonly GdapRecord[]): string[] {
  const l = viewer.locale;
  const lines = records.slice(0, 10).map((r) =>
    t(l, 'ui.gdap.row', {
      name: `${r.displayName} (${t(l, 'ui.gdap.roles', { count: r.roleDefinitionIds.length })})`,
      status: r.status,
      ends: r.endDateTime ? formatDate(viewer, r.endDateTime, false) : t(l, 'ui.gdap.noEnd'),
      extend: t(l, autoExtends(r.autoExtendDuration) ? 'ui.gdap.extendYes' : 'ui.gdap.extendNo'),
    }),
  );
  return lines.length ? lines : [t(l, 'ui.gdap.none')];
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
