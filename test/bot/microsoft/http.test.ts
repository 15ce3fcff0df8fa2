/**
 * One call to a Microsoft service (bot/microsoft/http.ts): what is retried and after how long,
 * what is given up at once, Retry-After in each form, a token's claims read, and each Graph
 * credential named in words for the doctor and the start-up log.
 */
import { describe, expect, it } from 'vitest';
import { describeCredential } from '../../../bot/microsoft/credential-config.js';
import {
  attemptJson,
  BACKOFF_BASE_MS,
  networkErrorCode,
  retryAfterMs,
  tokenClaims,
  type AttemptContext,
} from '../../../bot/http/microsoft.js';

const URL_ = new URL('https://graph.stand-in/v1.0/users');
const context = (extra: Partial<AttemptContext> = {}): AttemptContext => ({
  service: 'Graph',
  method: 'GET',
  logPath: '/v1.0/users',
  attempt: 0,
  maxRetries: 2,
  idempotent: true,
  ...extra,
});
const answering =
  (status: number, body = '', headers: Record<string, string> = {}): typeof fetch =>
  async () =>
    new Response(body || null, { status, headers });
const refused: typeof fetch = async () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));

describe('attemptJson', () => {
  it('reads a JSON answer, an empty one, and one that is not JSON', async () => {
    expect(await attemptJson(answering(200, '{"value":[]}'), URL_, {}, context())).toEqual({
      kind: 'done',
      status: 200,
      json: { value: [] },
    });
    expect(await attemptJson(answering(204), URL_, {}, context())).toEqual({ kind: 'done', status: 204, json: undefined });
    expect(await attemptJson(answering(200, '<html>'), URL_, {}, context())).toEqual({ kind: 'done', status: 200, json: undefined });
  });

  it('retries a call that may be repeated when no answer comes, with a warning in the log; gives up on one that may not, or on the last try', async () => {
    const warned: string[] = [];
    const retry = await attemptJson(refused, URL_, {}, context({ logger: { warn: (_, msg) => warned.push(msg) } }));
    expect(retry).toMatchObject({ kind: 'retry' });
    expect((retry as { delay: number }).delay).toBeGreaterThanOrEqual(BACKOFF_BASE_MS / 2);
    expect(warned).toEqual(['Graph unreachable; retrying']);
    expect(await attemptJson(refused, URL_, {}, context({ idempotent: false }))).toEqual({ kind: 'unreachable', code: 'ECONNREFUSED' });
    expect(await attemptJson(refused, URL_, {}, context({ attempt: 2 }))).toEqual({ kind: 'unreachable', code: 'ECONNREFUSED' });
  });

  it('waits as long as Retry-After asks on 429 and 503 (at most a minute), backs off on a 5xx, and fails a 4xx at once', async () => {
    expect(await attemptJson(answering(429, '', { 'retry-after': '3' }), URL_, {}, context())).toEqual({ kind: 'retry', delay: 3000 });
    expect(await attemptJson(answering(503, '', { 'retry-after': '3600' }), URL_, {}, context())).toEqual({ kind: 'retry', delay: 60_000 });
    expect(await attemptJson(answering(500), URL_, {}, context())).toMatchObject({ kind: 'retry' });
    expect(await attemptJson(answering(500), URL_, {}, context({ idempotent: false }))).toMatchObject({ kind: 'failed', status: 500 });
    expect(await attemptJson(answering(429), URL_, {}, context({ attempt: 2 }))).toMatchObject({ kind: 'failed', status: 429 });
    expect(await attemptJson(answering(403, '{"error":{"code":"Authorization_RequestDenied"}}'), URL_, {}, context())).toEqual({
      kind: 'failed',
      status: 403,
      json: { error: { code: 'Authorization_RequestDenied' } },
      statusText: '',
    });
  });
});

describe('the pieces of a call', () => {
  it('reads Retry-After as seconds or as an HTTP date, and nothing from an empty or unreadable one', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('-5', now)).toBe(0);
    expect(retryAfterMs('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect([null, '', '  ', 'soon'].map((h) => retryAfterMs(h, now))).toEqual([null, null, null, null]);
  });

  it("names a failure before any answer by the system's code, else network_error", () => {
    expect(networkErrorCode(Object.assign(new Error('x'), { cause: { code: 'ETIMEDOUT' } }))).toBe('ETIMEDOUT');
    expect(networkErrorCode(new Error('aborted'))).toBe('network_error');
  });

  it("reads a token's claims, and none from a token that is not a JWT", () => {
    const jwt = (payload: string) => `h.${Buffer.from(payload).toString('base64url')}.s`;
    expect(tokenClaims(jwt('{"tid":"t1","roles":["User.Read.All"]}'))).toEqual({ tid: 't1', roles: ['User.Read.All'] });
    expect(tokenClaims('opaque')).toEqual({});
    expect(tokenClaims(jwt('not json'))).toEqual({});
    expect(tokenClaims(jwt('"a string"'))).toEqual({});
  });

  it('names each Graph credential in words, never its secret', () => {
    expect(describeCredential({ kind: 'secret', secret: 'hunter2' })).toBe('client secret');
    expect(describeCredential({ kind: 'workload-identity', tokenFile: '/var/run/secrets/token' })).toBe(
      'workload identity (federated token file /var/run/secrets/token)',
    );
    expect(describeCredential({ kind: 'managed-identity', clientId: 'mi-1', endpoint: 'app-service' })).toBe(
      "user-assigned managed identity mi-1 as a federated credential, from App Service's IDENTITY_ENDPOINT",
    );
    expect(describeCredential({ kind: 'managed-identity', clientId: null, endpoint: 'imds' })).toBe(
      'system-assigned managed identity as a federated credential, from the instance metadata service',
    );
  });
});
