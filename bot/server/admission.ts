/**
 * Bounded work before authentication. Every body is read before anyone is authenticated (Teams'
 * token is checked against the activity, Slack's signature covers the raw body), so bodies that
 * arrive slowly and never finish once held the memory they had sent (200 unfinished 520 KB bodies:
 * +100 MB) and their sockets for Node's default 300 s. Here, before any route runs, a request with
 * a body is admitted only within a shared budget of bodies and of bytes, is cut off if its body is
 * not complete in time, and past the budget is answered 503 at once, without reading a byte.
 * Requests without a body (`/healthz`) are never held back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

/** The bounds on bodies being read at once, before authentication, across every route. */
export interface BodyBudget {
  /** Bodies being read at once. */
  maxReads: number;
  /** Bytes those bodies may hold at once: each reserves its declared length, or `maxBody` when it declares none. */
  maxBytes: number;
  /** The largest body any route takes (Slack's 1 MB); a larger declared length reserves only this, the route refuses it unread. */
  maxBody: number;
  /** A body not complete this long after its headers arrived is cut off: its socket is closed. */
  readTimeoutMs: number;
  /** The 503's `Retry-After`, in seconds. */
  retryAfterS: number;
}

/**
 * 4 MB and 64 bodies keep 200 slow bodies well under the 24 MB of growth the design allows (the
 * rest of that is the connections themselves), and are far above what Teams and Slack send at
 * once: their bodies are a few KB, declared, and arrive in milliseconds. 30 s is the design's body time.
 */
export const DEFAULT_BODY_BUDGET: BodyBudget = {
  maxReads: 64,
  maxBytes: 4 * 1024 * 1024,
  maxBody: 1024 * 1024,
  readTimeoutMs: 30_000,
  retryAfterS: 5,
};

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/** A `server.pre` handler that admits a request with a body within `budget`, or answers 503. */
export function admitBodies(budget: BodyBudget, logger: Logger) {
  let reads = 0;
  let bytes = 0;
  let refused = 0;
  let lastWarnAt = -Infinity;

  const refuse = (res: ServerResponse) => {
    refused++;
    // A flood would write a line per request: one line every 10 s says how many.
    // A warning at most every 10 s, on the monotonic clock: housekeeping, not a date anyone sees.
    if (performance.now() - lastWarnAt > 10_000) {
      lastWarnAt = performance.now();
      logger.warn({ refused, reads, bytes }, 'request bodies refused (503): too many being read at once before authentication');
      refused = 0;
    }
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': String(budget.retryAfterS), connection: 'close' });
    // Closed as soon as the answer is out: the body that follows is never read into memory.
    res.end(JSON.stringify({ error: 'Too many requests are being received at once; try again shortly.' }), () => res.socket?.destroy());
  };

  return function bodyAdmission(req: IncomingMessage, res: ServerResponse, next: (stop?: false) => void): void {
    if (!hasBody(req)) return next();
    const declared = Number(req.headers['content-length']);
    const reserved = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, budget.maxBody) : budget.maxBody;
    if (reads + 1 > budget.maxReads || bytes + reserved > budget.maxBytes) {
      refuse(res);
      return next(false);
    }
    reads++;
    bytes += reserved;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      reads--;
      bytes -= reserved;
      clearTimeout(timer);
    };
    // Destroyed rather than answered: whoever is reading the body (our reader, Bolt) may still
    // answer it, and only one of us can.
    const timer = setTimeout(() => {
      release();
      req.socket.destroy();
    }, budget.readTimeoutMs);
    timer.unref();
    let ended = false;
    req.once('end', () => {
      ended = true;
      release();
    });
    req.once('close', () => {
      // The client went (or the connection was closed on it) before the body's end: said at
      // debug level, without the path (a webhook's path carries its secret token).
      if (!ended && !req.complete) logger.debug({ method: req.method }, 'request closed before its body was read to the end');
      release();
    });
    res.once('close', release);
    next();
  };
}
