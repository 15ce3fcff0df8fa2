/**
 * A file shared with the bot in a direct message (a CSV for `invite customers`): Slack gives its
 * `url_private`, read with the bot token (files:read), within the size cap. The token goes only to
 * Slack's own hosts, or to the host of SLACK_API_URL (a local stand-in in tests).
 */
import { BATCH_FILE_MAX_BYTES } from '../service/bulk-invitations.js';
import { downloadCapped } from '../server/download.js';

/** What a message event says of a shared file. */
export interface SharedFile {
  name?: string;
  url_private?: string;
  url_private_download?: string;
}

export function createFileDownloads(slack: { botToken: string; apiUrl?: string | null }) {
  const ownHost = slack.apiUrl ? new URL(slack.apiUrl).host : null;
  const isSlacks = (url: URL) =>
    (url.protocol === 'https:' && (url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com'))) || url.host === ownHost;
  return {
    /** The file's bytes, or null when it is over the cap; throws when it cannot be fetched. */
    async download(file: SharedFile): Promise<Uint8Array | null> {
      const link = file.url_private_download ?? file.url_private;
      if (!link) throw new Error('the shared file has no url_private');
      const url = new URL(link);
      if (!isSlacks(url)) throw new Error(`a shared file on a host that is not Slack's: ${url.host}`);
      return downloadCapped(url.toString(), BATCH_FILE_MAX_BYTES, { headers: { authorization: `Bearer ${slack.botToken}` } });
    },
  };
}

export type FileDownloads = ReturnType<typeof createFileDownloads>;
