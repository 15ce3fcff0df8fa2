/** Where the terminal chat's logs go: never between the lines of the conversation on screen. */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ChatLogDestination {
  level: string;
  stream: NodeJS.WritableStream;
  /** The file the logs are appended to, or null when they go to stderr. */
  file: string | null;
}

/**
 * With LOG_LEVEL set, the person asked to see the logs: stderr, at that level. Otherwise warnings
 * and errors are appended to `chat.log` beside the data file, where they can be read afterwards.
 */
export function chatLogDestination(requestedLevel: string | null, dataFile: string): ChatLogDestination {
  if (requestedLevel) return { level: requestedLevel, stream: process.stderr, file: null };
  const file = join(dirname(dataFile), 'chat.log');
  mkdirSync(dirname(file), { recursive: true });
  return { level: 'warn', stream: createWriteStream(file, { flags: 'a' }), file };
}
