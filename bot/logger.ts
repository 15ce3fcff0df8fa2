/**
 * Structured logs; invitation tokens are redacted wherever they appear in a URL, and so are the
 * secrets of a database URL (store/pg/redact.ts) in any form.
 */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type * as PinoPretty from 'pino-pretty';
import { redactSecrets } from '../store/pg/redact.js';

export type { Logger };

/**
 * A token follows `/invitations/` (or `/downloads/`, an export's one-time link) in a link, whether
 * the slashes are plain, URL-encoded (a `mailto:` body, `%2F`) or encoded again (that mailto inside
 * a form-encoded Slack call, `%252F`).
 */
const TOKEN_IN_PATH = /((?:\/|%(?:25)*2F)(?:invitations|downloads)(?:\/|%(?:25)*2F))[A-Za-z0-9_-]{16,}/gi;

/** A `"token":"…"` field inside logged JSON text (a draft modal's metadata carries the token). */
const TOKEN_FIELD = /((?:\\*"|%(?:25)*22)token(?:\\*"|%(?:25)*22)(?:\s*:\s*|%(?:25)*3A)(?:\\*"|%(?:25)*22))[A-Za-z0-9_-]{16,}/gi;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, '$1[redacted]').replace(TOKEN_FIELD, '$1[redacted]');
}

/** What a logger hides besides invitation tokens. */
export interface LoggerOptions {
  /** Literal secrets to hide wherever they appear (the DATABASE_URL's, see urlSecrets). */
  secrets?: readonly string[];
}

/** A pino logger at `level` that writes to `destination` (stdout by default) with every secret redacted. */
export function createLogger(level: string, destination?: NodeJS.WritableStream, options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  return pino(
    {
      level,
      base: { app: 'csp-connect-bot' },
      redact: { paths: ['token', '*.token', 'req.headers.authorization', 'headers.authorization', 'headers["x-slack-signature"]'], censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          // Strings (messages, URLs) are scrubbed of invitation tokens before they are written.
          const scrubbed = args.map((a) => (typeof a === 'string' ? redactTokens(a) : a && typeof a === 'object' ? scrubObject(a) : a));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    scrubbing(destination ?? (process.stdout.isTTY ? prettyStdout() : pino.destination({ dest: 1, sync: true })), secrets),
  );
}

/**
 * Every written line is scrubbed once more: errors (a failed call's request body, say) are
 * serialised by pino after the hook above has run, so a token nested in one would pass it. The
 * database URL's secrets are hidden here, once per line, since an error is where they turn up.
 */
function scrubbing(stream: NodeJS.WritableStream | pino.DestinationStream, secrets: readonly string[]): pino.DestinationStream {
  return { write: (line: string) => void stream.write(redactSecrets(redactTokens(line), secrets)) };
}

/**
 * Readable lines for a person at a terminal; JSON lines otherwise (files, pipes, log collectors).
 * pino-pretty is loaded only then, and runs in-process (`sync`) so the last lines before an exit
 * are not lost in a worker thread.
 */
function prettyStdout(): NodeJS.WritableStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pretty.default({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' });
}

/** Strings anywhere in a logged object (a few levels down: errors carry URLs and request bodies). */
function scrubObject(value: object, depth = 0): object {
  if (value instanceof Error || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = scrub(v, depth + 1);
  return out;
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactTokens(value);
  return value && typeof value === 'object' ? scrubObject(value, depth) : value;
}
