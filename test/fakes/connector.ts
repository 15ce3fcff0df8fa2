/** A stand-in for the Bot Framework connector: records replies, updates and proactive posts. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity, ResourceResponse } from 'botframework-schema';

/**
 * What the bot sends: botframework-schema's `Activity`, with `timestamp` as the wire's ISO string
 * (a Date in the type), and attachment content as objects (`any` in the type).
 */
export type ReceivedActivity = Omit<Partial<Activity>, 'timestamp' | 'attachments'> & {
  timestamp?: string;
  attachments?: Array<Omit<NonNullable<Activity['attachments']>[number], 'content'> & { content: Record<string, unknown> }>;
} & Record<string, unknown>;

export interface ConnectorCall {
  method: string;
  path: string;
  body: ReceivedActivity;
  /** The Authorization header the bot sent (undefined: none). */
  authorization?: string;
}

/**
 * `acceptToken`: the connector checks `Authorization: Bearer <token>` as the real one does, and
 * answers 401 (recorded in `refused`) when the header is missing or the token is not accepted.
 */
export async function startConnector(options: { acceptToken?: (token: string) => boolean } = {}) {
  /** Requests answered 401 because of their Authorization header. */
  const refused: ConnectorCall[] = [];
  const calls: ConnectorCall[] = [];
  /** Requests answered with an error (see `fail`): proof that a post was attempted and refused. */
  const failed: Array<ConnectorCall & { status: number }> = [];
  let failing: { match: (path: string) => boolean; count: number; status: number } | null = null;
  let slow: { match: (path: string) => boolean; ms: number } | null = null;
  /** The answers `slow` is holding back, so that turning it off sends them at once. */
  const waiting = new Set<() => void>();
  /** The most requests `slow` held back at the same time. */
  let peakHeld = 0;
  let n = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });
  const server = createServer(async (req, res) => {
    const text = await read(req);
    const authorization = req.headers.authorization;
    if (options.acceptToken) {
      const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
      if (!token || !options.acceptToken(token)) {
        refused.push({ method: req.method ?? '', path: req.url ?? '', body: text ? JSON.parse(text) : {}, authorization });
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Authorization has been denied for this request.' }));
        return;
      }
    }
    if (failing && failing.count > 0 && failing.match(req.url ?? '')) {
      failing.count--;
      failed.push({ method: req.method ?? '', path: req.url ?? '', body: text ? JSON.parse(text) : {}, status: failing.status });
      res.statusCode = failing.status;
      res.end();
      return;
    }
    calls.push({ method: req.method ?? '', path: req.url ?? '', body: text ? JSON.parse(text) : {}, authorization });
    if (slow?.match(req.url ?? '')) {
      const ms = slow.ms;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiting.add(done);
        peakHeld = Math.max(peakHeld, waiting.size);
      });
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id: `activity-${++n}` } satisfies ResourceResponse));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    failed,
    refused,
    /**
     * Makes the next `count` requests whose path contains `fragment` fail with `status`: 429 by
     * default (throttled: a refusal for now, which botbuilder's client does not retry itself);
     * 500 is retried three times by that client before it gives up (about 5 s); 403 and 404 are
     * what Teams answers when the bot was removed from the conversation or it is gone.
     */
    fail(fragment: string, count: number, status = 429) {
      failing = { match: (path) => decodeURIComponent(path).includes(fragment), count, status };
    },
    /** Answers requests whose path contains `fragment` only after `ms` (recorded on arrival); 0 answers those waiting at once. */
    slow(fragment: string, ms: number) {
      slow = ms > 0 ? { match: (path) => decodeURIComponent(path).includes(fragment), ms } : null;
      if (!slow) for (const done of [...waiting]) done();
    },
    clear() {
      calls.length = 0;
      failed.length = 0;
      refused.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    /** The most requests held back by `slow` at the same time: how many posts the bot had under way at once. */
    peakHeld: () => peakHeld,
  };
}

/** Every string inside a card, joined: what a person would read on it. */
export function cardText(call: ConnectorCall | Record<string, unknown> | undefined): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(call && 'body' in call ? call.body : call);
  return out.join('\n');
}
