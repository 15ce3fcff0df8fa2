/** What every group of Slack listeners is given. */
import type { App as BoltApp, webApi } from '@slack/bolt';
import type { App } from '../../app.js';
import type { Logger } from '../../logger.js';
import type { People } from '../profiles.js';
import type { Replies } from '../replies.js';
import type { FileDownloads } from '../shared-files.js';

export interface SlackContext {
  bolt: BoltApp;
  client: webApi.WebClient;
  app: App;
  logger: Logger;
  people: People;
  replies: Replies;
  /** Files shared with the bot (a CSV for a bulk invitation). */
  files: FileDownloads;
}
