/**
 * The webhook registration routes of Partner Center (`/webhooks/v1/registration`, beside `/v1`):
 * `GET|POST|PUT|DELETE` the registration `{WebhookUrl, WebhookEvents[]}`, `GET …/events`, and
 * `POST …/validationEvents`, which sends a `test-created` event to the registered URL (Partner
 * Center allows 2 a minute, and only when `test-created` is among the registered events).
 *
 * The access token comes from the caller (`accessToken()`): the stored sign-in's token in the
 * bot, an environment variable in the script.
 */
import { randomUUID } from 'node:crypto';
import { ACCEPTANCE_EVENTS, VALIDATION_EVENT } from './webhooks.js';
import { PartnerCenterError } from './port.js';
import { trimSlash } from '../server/url.js';

export const PARTNER_CENTER_API_URL = 'https://api.partnercenter.microsoft.com';

/** What the bot registers for: the acceptance events, plus the validation event so `validate` works. */
export const WEBHOOK_EVENTS: readonly string[] = [...ACCEPTANCE_EVENTS, VALIDATION_EVENT];

export interface WebhookRegistration {
  webhookUrl: string;
  webhookEvents: string[];
  subscriberId: string | null;
}

export interface WebhookRegistrationClient {
  /** The current registration, or null when there is none. */
  get(): Promise<WebhookRegistration | null>;
  /** POSTs a registration, or PUTs over the existing one. */
  register(webhookUrl: string, events?: readonly string[]): Promise<WebhookRegistration>;
  /** Deletes the registration; true when there was one. */
  unregister(): Promise<boolean>;
  /** The event names Partner Center offers. */
  events(): Promise<string[]>;
  /** Asks Partner Center to send a `test-created` event; its correlation id. */
  sendValidationEvent(): Promise<string>;
  /** Delivery attempts of a validation event. */
  validationStatus(
    correlationId: string,
  ): Promise<{ status: string; results: Array<{ responseCode: string; responseMessage: string; dateTimeUtc: string }> }>;
}

export interface WebhookRegistrationOptions {
  accessToken(): Promise<string>;
  /** `https://api.partnercenter.microsoft.com` by default. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

function toRegistration(body: unknown): WebhookRegistration | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Json;
  if (typeof b.WebhookUrl !== 'string' || !b.WebhookUrl) return null;
  return {
    webhookUrl: b.WebhookUrl,
    webhookEvents: Array.isArray(b.WebhookEvents) ? b.WebhookEvents.filter((e): e is string => typeof e === 'string') : [],
    subscriberId: typeof b.SubscriberId === 'string' ? b.SubscriberId : null,
  };
}

export function createWebhookRegistrationClient(options: WebhookRegistrationOptions): WebhookRegistrationClient {
  const base = trimSlash(options.baseUrl ?? PARTNER_CENTER_API_URL);
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  /** One call; the parsed body (null when empty), or null on 404 when `missingIsNull`. */
  const call = async (method: string, path: string, body?: unknown, missingIsNull = false): Promise<unknown> => {
    const token = await options.accessToken();
    let response: globalThis.Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'MS-RequestId': randomUUID(),
          'MS-CorrelationId': randomUUID(),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new PartnerCenterError(0, 'unreachable', error instanceof Error ? error.message : String(error));
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (response.status === 404 && missingIsNull) return null;
    if (!response.ok) {
      const err = parsed && typeof parsed === 'object' ? (parsed as Json) : {};
      const code = err.code ?? err.error_codes ?? response.status;
      const description =
        typeof err.description === 'string'
          ? err.description
          : typeof parsed === 'string' && parsed
            ? parsed.slice(0, 300)
            : response.statusText;
      throw new PartnerCenterError(response.status, String(Array.isArray(code) ? code[0] : code), description);
    }
    return parsed;
  };

  const client: WebhookRegistrationClient = {
    async get() {
      return toRegistration(await call('GET', '/webhooks/v1/registration', undefined, true));
    },
    async register(webhookUrl, events = WEBHOOK_EVENTS) {
      const existing = await client.get();
      const body = { WebhookUrl: webhookUrl, WebhookEvents: [...events] };
      const saved = toRegistration(await call(existing ? 'PUT' : 'POST', '/webhooks/v1/registration', body));
      return saved ?? { webhookUrl, webhookEvents: [...events], subscriberId: null };
    },
    async unregister() {
      const existing = await client.get();
      if (!existing) return false;
      await call('DELETE', '/webhooks/v1/registration', undefined, true);
      return true;
    },
    async events() {
      const body = await call('GET', '/webhooks/v1/registration/events');
      return Array.isArray(body) ? body.filter((e): e is string => typeof e === 'string') : [];
    },
    async sendValidationEvent() {
      const body = await call('POST', '/webhooks/v1/registration/validationEvents');
      const id = body && typeof body === 'object' ? (body as Json).correlationId : null;
      if (typeof id !== 'string')
        throw new PartnerCenterError(200, 'unexpected-response', 'The validation event was accepted without a correlationId.');
      return id;
    },
    async validationStatus(correlationId) {
      const body = (await call('GET', `/webhooks/v1/registration/validationEvents/${encodeURIComponent(correlationId)}`)) as Json | null;
      const results = Array.isArray(body?.results) ? (body.results as Json[]) : [];
      return {
        status: typeof body?.status === 'string' ? body.status : 'unknown',
        results: results.map((r) => ({
          responseCode: String(r.responseCode ?? ''),
          responseMessage: String(r.responseMessage ?? ''),
          dateTimeUtc: String(r.dateTimeUtc ?? ''),
        })),
      };
    },
  };
  return client;
}
