/**
 * What the clients of Microsoft's services (Graph, Partner Center) share: reading Retry-After,
 * jittered exponential back-off, the reason a request never reached the server, and a token's
 * claims.
 */
import { tracedFetch } from '../telemetry.js';

export const MAX_RETRY_AFTER_SECONDS = 60;
/** First back-off for 5xx and network failures; doubles per attempt up to BACKOFF_MAX_MS. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
/** No list is followed past this many pages. */
export const MAX_PAGES = 1000;

/** What one attempt of a JSON call came to: an answer, a wait before the next attempt, or a failure. */
export type Attempt =
  | { kind: 'done'; status: number; json: unknown }
  | { kind: 'retry'; delay: number }
  | { kind: 'failed'; status: number; json: unknown; statusText: string }
  | { kind: 'unreachable'; code: string };

export interface AttemptContext {
  /** Graph, Partner Center: named in the log lines. */
  service: string;
  method: string;
  /** The path only: a query may carry customer names. */
  logPath: string;
  attempt: number;
  maxRetries: number;
  /** Network failures and 5xx are retried only for calls that may be repeated safely. */
  idempotent: boolean;
  logger?: { warn(obj: object, msg: string): void };
}

/**
 * One attempt of a call to a Microsoft service that answers JSON. Throttling (429, 503) waits as
 * long as Retry-After asks (capped), other retries back off; the caller decides what a failure
 * means in its own error type, and sleeps before the next attempt.
 */
export async function attemptJson(doFetch: typeof fetch, target: URL, init: RequestInit, c: AttemptContext): Promise<Attempt> {
  const canRetry = c.attempt < c.maxRetries;
  let response: Response;
  try {
    response = await tracedFetch({ service: c.service, method: c.method, httpMethod: c.method, url: target }, () => doFetch(target, init));
  } catch (err) {
    const code = networkErrorCode(err);
    if (!c.idempotent || !canRetry) return { kind: 'unreachable', code };
    const delay = backoffMs(c.attempt);
    c.logger?.warn(
      { method: c.method, path: c.logPath, code, attempt: c.attempt + 1, delayMs: delay },
      `${c.service} unreachable; retrying`,
    );
    return { kind: 'retry', delay };
  }
  const status = response.status;
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (status < 400) return { kind: 'done', status, json };
  const throttled = status === 429 || status === 503;
  if ((throttled || (status >= 500 && c.idempotent)) && canRetry) {
    // Retry-After is an interval or an HTTP date, the server's wall-clock time: compared with ours.
    const asked = throttled ? retryAfterMs(response.headers.get('retry-after'), Date.now()) : null;
    const delay = asked === null ? backoffMs(c.attempt) : Math.min(asked, MAX_RETRY_AFTER_SECONDS * 1000);
    c.logger?.warn(
      { method: c.method, path: c.logPath, status, attempt: c.attempt + 1, delayMs: delay },
      `${c.service} asked us to wait; retrying`,
    );
    return { kind: 'retry', delay };
  }
  return { kind: 'failed', status, json, statusText: response.statusText };
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Half to all of the attempt's ceiling, so retrying clients spread out. */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Why `fetch` failed before any answer: the system's code (ECONNREFUSED…), or `network_error`. */
export function networkErrorCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : 'network_error';
}

/** The payload of a JWT-shaped access token, unverified (our own token, fresh from Entra). */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
