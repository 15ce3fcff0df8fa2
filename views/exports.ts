/** An export as the chat shows it: the file itself where the surface sends files, a one-time link where it cannot. */
import { t } from '../i18n/catalogue.js';
import type { CommandName } from '../bot/commands/parse.js';
import type { ExportFile, ExportKind, ExportLink } from '../bot/service/exports.js';
import { commandUsage, formatDate, outcomeView, type OutcomeView, type Viewer } from './common.js';

const COMMAND_OF: Record<ExportKind, CommandName> = { customers: 'exportCustomers', audit: 'exportAudit' };

/** The card that comes with the file: what it holds and its name. */
export function toExportFileView(viewer: Viewer, file: ExportFile): OutcomeView {
  const l = viewer.locale;
  return {
    ...outcomeView(l, t(l, `ui.export.title.${file.kind}`), t(l, `ui.export.rows.${file.kind}`, { count: file.rows, file: file.filename })),
    file,
  };
}

/** The card with the download button: works once, until when, and how to get another. */
export function toExportLinkView(viewer: Viewer, link: ExportLink): OutcomeView {
  const l = viewer.locale;
  const text = t(l, 'ui.export.link', {
    file: link.filename,
    time: formatDate(viewer, link.expiresAt),
    command: commandUsage(l, COMMAND_OF[link.kind]),
  });
  return outcomeView(l, t(l, `ui.export.title.${link.kind}`), text, {
    link: { title: t(l, 'ui.export.download', { file: link.filename }), url: link.url },
  });
}
