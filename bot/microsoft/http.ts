/**
 * What the clients of Microsoft's services (Graph, Partner Center) share: reading Retry-After,
 * jittered exponential back-off, the reason a request never reached the server, and a token's
 * claims.
 */
export const MAX_RETRY_AFTER_SECONDS = 60;
/** First back-off for 5xx and network failures; doubles per attempt up to BACKOFF_MAX_MS. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
/** No list is followed past this many pages. */
export const MAX_PAGES = 1000;

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

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
