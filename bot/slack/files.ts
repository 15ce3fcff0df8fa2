/** Files on Slack (an export): uploaded with `files.uploadV2`, the card's text as the message that comes with the file. */
import type { webApi } from '@slack/bolt';
import type { OutcomeView } from '../../views/index.js';
import { escapeMrkdwn } from '../../render/slack/mrkdwn.js';

/** An outcome that carries a file. */
export type FileOutcome = OutcomeView & { file: NonNullable<OutcomeView['file']> };

export const carriesFile = (view: { kind: string }): view is FileOutcome => view.kind === 'outcome' && Boolean((view as OutcomeView).file);

/**
 * Sends the file into the channel (or thread) the person asked in. Bolt's client does the three
 * steps Slack asks for: files.getUploadURLExternal, the bytes to the upload URL it gives, then
 * files.completeUploadExternal, which shares the file in `channel_id`.
 */
export async function uploadFile(
  client: webApi.WebClient,
  place: { channel: string; threadTs?: string },
  view: FileOutcome,
): Promise<void> {
  const file = { file: view.file.bytes, filename: view.file.filename, title: view.file.filename, initial_comment: escapeMrkdwn(view.text) };
  await client.files.uploadV2(
    place.threadTs ? { ...file, channel_id: place.channel, thread_ts: place.threadTs } : { ...file, channel_id: place.channel },
  );
}
