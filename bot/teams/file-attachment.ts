/**
 * A file sent to the bot in a Teams personal chat (a CSV for `invite customers`): Teams puts it in
 * an attachment of type `application/vnd.microsoft.teams.file.download.info` whose `downloadUrl`
 * is a short-lived, pre-authorised link. Read with the size cap; only https (or this machine, in
 * local mode) is fetched.
 */
import type { Activity } from 'botbuilder';
import { BATCH_FILE_MAX_BYTES } from '../service/bulk-invitations.js';
import { downloadCapped } from '../server/download.js';
import { isLoopbackUrl } from './local-mode.js';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

/** The first file attached to the activity, as Teams describes it; null when there is none. */
export function fileOf(activity: Activity): { name: string; downloadUrl: string } | null {
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType !== FILE_DOWNLOAD_INFO) continue;
    const content = (attachment.content ?? {}) as { downloadUrl?: unknown };
    if (typeof content.downloadUrl !== 'string') continue;
    return { name: typeof attachment.name === 'string' ? attachment.name : '', downloadUrl: content.downloadUrl };
  }
  return null;
}

/** The file's bytes (null: over the cap). An address that is neither https nor this machine is refused. */
export async function downloadFile(file: { downloadUrl: string }): Promise<Uint8Array | null> {
  const url = new URL(file.downloadUrl);
  if (url.protocol !== 'https:' && !isLoopbackUrl(file.downloadUrl)) throw new Error('a Teams file link that is neither https nor local');
  return downloadCapped(url.toString(), BATCH_FILE_MAX_BYTES);
}
