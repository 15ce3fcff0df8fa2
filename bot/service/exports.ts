/**
 * Exports: the customer list and the audit trail as CSV. A surface that can send a file (Slack,
 * the terminal) gets the bytes; Teams gets a one-time download link, whose token is kept only as
 * its SHA-256, used up in a transaction before any byte is sent, and good for 15 minutes. The file
 * is built when it is downloaded, for someone who may still export it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { t, type MessageKey } from '../../i18n/catalogue.js';
import type { Download, Locale } from '../../store/schema.js';
import type { Actor } from './actor.js';
import { createAuditReader } from './audit.js';
import type { ServiceContext } from './context.js';
import { toCsv } from './csv.js';
import { NotAllowed, NotFound } from './errors.js';
import { isPermitted, type Permission } from './permissions.js';
import { requirePermission, roleOf } from './roles.js';

export type ExportKind = NonNullable<Download['kind']>;

/** How long a download link works: long enough to click, short enough that a forwarded one is dead. */
export const DOWNLOAD_LIFETIME_MS = 15 * 60_000;

/** Customers for whoever may list them; the audit trail, which names people, for admins only (as `audit`). */
export const EXPORT_PERMISSION: Record<ExportKind, Permission> = { customers: 'look', audit: 'audit' };

/** A file ready to send: its name, its bytes, and how many rows it holds (the header not counted). */
export interface ExportFile {
  kind: ExportKind;
  filename: string;
  contentType: string;
  bytes: Buffer;
  rows: number;
}

export interface ExportLink {
  kind: ExportKind;
  url: string;
  filename: string;
  expiresAt: string;
}

/** A token as `exportLink` makes them: 32 random bytes, base64url. Anything else is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** Excel in Italian (and every locale with a decimal comma) splits a CSV on semicolons, in English on commas. */
const separatorOf = (locale: Locale) => (locale === 'it' ? ';' : ',');

/** "2026-12-08 14:02:00", in UTC (the column says so): a form every spreadsheet reads as a date and time. */
const utc = (iso: string) => iso.slice(0, 19).replace('T', ' ');

type Cell = string | number | null;

export function createExportOperations(ctx: ServiceContext) {
  const { store } = ctx;
  const auditNewestFirst = createAuditReader(store);

  const customerRows = (locale: Locale): Cell[][] =>
    ctx.indexes.listedCustomers().flatMap((entry) => {
      const c = store.get('customers', entry.id);
      if (!c) return [];
      const relationships = ctx.indexes.relationshipsOf(c.id).filter((r) => r.status === 'active');
      const reseller = relationships.find((r) => r.kind === 'reseller');
      const providers = relationships
        .filter((r) => r.kind === 'provider' && r.providerId)
        .map((r) => store.get('providers', r.providerId!)?.name)
        .filter((name): name is string => Boolean(name));
      return [
        [
          c.companyName,
          c.domain,
          c.tenantId,
          c.contact.name,
          c.contact.email,
          providers.join(', '),
          t(locale, reseller?.dapGranted ? 'export.yes' : 'export.no'),
          c.subscriptions.filter((s) => s.status === 'active').length,
          c.users.length,
          utc(reseller?.createdAt ?? c.createdAt),
        ],
      ];
    });

  const auditRows = (): Cell[][] =>
    auditNewestFirst(() => true).map((e) => [
      utc(e.at),
      e.actor.displayName,
      `${e.actor.platform}:${e.actor.userId}`,
      e.action,
      e.subject,
      e.target,
      Object.keys(e.details).length ? JSON.stringify(e.details) : '',
    ]);

  const COLUMNS: Record<ExportKind, readonly MessageKey[]> = {
    customers: [
      'export.column.company',
      'export.column.domain',
      'export.column.tenant',
      'export.column.contact',
      'export.column.contactEmail',
      'export.column.providers',
      'export.column.dap',
      'export.column.activeSubscriptions',
      'export.column.users',
      'export.column.since',
    ],
    audit: [
      'export.column.when',
      'export.column.who',
      'export.column.whoId',
      'export.column.action',
      'export.column.about',
      'export.column.record',
      'export.column.details',
    ],
  };

  const filenameOf = (kind: ExportKind, locale: Locale) =>
    `${t(locale, kind === 'customers' ? 'export.file.customers' : 'export.file.audit')}-${ctx.now().toISOString().slice(0, 10)}.csv`;

  /** The file, built from the store as it is now, column headers in `locale`. */
  function build(kind: ExportKind, locale: Locale): ExportFile {
    const rows = kind === 'customers' ? customerRows(locale) : auditRows();
    const header = COLUMNS[kind].map((key) => t(locale, key));
    return {
      kind,
      filename: filenameOf(kind, locale),
      contentType: 'text/csv; charset=utf-8',
      bytes: toCsv(header, rows, separatorOf(locale)),
      rows: rows.length,
    };
  }

  /** Records that can no longer be downloaded (used or expired) are dropped; the audit trail keeps their story. */
  const isSpent = (d: Readonly<Download>, now: Date) => d.usedAt !== null || Date.parse(d.expiresAt) <= now.getTime();

  return {
    /** The file itself, for a surface that sends it where the person asked (Slack, the terminal); audited. */
    async exportFile(actor: Actor, input: { kind: ExportKind }): Promise<ExportFile> {
      requirePermission(ctx, actor, EXPORT_PERMISSION[input.kind]);
      const file = build(input.kind, actor.locale);
      await store.transact((tx) =>
        ctx.audit(tx, actor, 'export.sent', input.kind, { kind: input.kind, rows: file.rows, platform: actor.platform }),
      );
      return file;
    },

    /** A link on PUBLIC_URL that downloads the export once, within DOWNLOAD_LIFETIME_MS (Teams, which takes no file from a bot). */
    async exportLink(actor: Actor, input: { kind: ExportKind }): Promise<ExportLink> {
      requirePermission(ctx, actor, EXPORT_PERMISSION[input.kind]);
      const token = randomBytes(32).toString('base64url');
      const id = hashOf(token);
      const now = ctx.now();
      const expiresAt = new Date(now.getTime() + DOWNLOAD_LIFETIME_MS).toISOString();
      const record: Download = {
        id,
        createdBy: { platform: actor.platform, userId: actor.userId, displayName: actor.displayName },
        createdAt: now.toISOString(),
        expiresAt,
        usedAt: null,
        kind: input.kind,
        locale: actor.locale,
      };
      await store.transact((tx, read) => {
        for (const old of read.all('downloads')) if (isSpent(old, now)) tx.delete('downloads', old.id);
        tx.put('downloads', record);
        ctx.audit(tx, actor, 'export.linked', id, { kind: input.kind, expiresAt });
      });
      return { kind: input.kind, url: `${ctx.publicUrl}/downloads/${token}`, filename: filenameOf(input.kind, actor.locale), expiresAt };
    },

    /**
     * What `GET /downloads/<token>` shows: the file a link would download, without using it up (a
     * link scanner that follows the link, as mail and chat security gateways do, spends nothing).
     * Unknown, used or expired: NotFound.
     */
    downloadOffer(token: string): { kind: ExportKind; filename: string } {
      const d = TOKEN.test(token) ? store.get('downloads', hashOf(token)) : undefined;
      if (!d?.kind || isSpent(d, ctx.now())) throw new NotFound('download.gone');
      return { kind: d.kind, filename: filenameOf(d.kind, d.locale ?? 'en') };
    },

    /**
     * What `POST /downloads/<token>` sends. The link is marked used in the same transaction that
     * checks it, before the file is built: two requests, on one replica or two, never both get it.
     * Unknown, used or expired: NotFound. Its creator no longer allowed to export it: NotAllowed.
     */
    async download(token: string): Promise<ExportFile> {
      if (!TOKEN.test(token)) throw new NotFound('download.gone');
      const id = hashOf(token);
      // The creator's role as the directory says now (the partner tenant's groups, on this replica too).
      const known = store.get('downloads', id);
      if (known)
        await ctx.directory
          .identify({ ...known.createdBy, locale: known.locale ?? 'en' })
          .catch((err: unknown) => ctx.logger.warn({ err }, 'could not identify who asked for an export; their last known role decides'));
      const { kind, locale } = await store.transact((tx, read) => {
        const now = ctx.now();
        const d = read.get('downloads', id);
        if (!d?.kind || isSpent(d, now)) throw new NotFound('download.gone');
        const creator: Actor = { ...d.createdBy, locale: d.locale ?? 'en' };
        if (!isPermitted(roleOf(ctx, creator), EXPORT_PERMISSION[d.kind])) throw new NotAllowed('download.notAllowed');
        tx.put('downloads', { ...d, usedAt: now.toISOString() });
        ctx.audit(tx, creator, 'export.downloaded', id, { kind: d.kind });
        return { kind: d.kind, locale: creator.locale };
      });
      return build(kind, locale);
    },
  };
}
