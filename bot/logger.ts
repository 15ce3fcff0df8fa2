/** Structured logs; invitation tokens are redacted wherever they appear in a URL. */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type * as PinoPretty from 'pino-pretty';

export type { Logger };

const TOKEN_IN_PATH = /(\/invitations\/)[A-Za-z0-9_-]{16,}/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, '$1[redacted]');
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
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
    (destination ?? (process.stdout.isTTY ? prettyStdout() : undefined)) as pino.DestinationStream | undefined,
  );
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

function scrubObject(value: object): object {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = typeof v === 'string' ? redactTokens(v) : v;
  return out;
}
