/**
 * The webhook registration client (bot/partner-center/webhook-registration.ts) on answers that
 * stray from the documented shapes: a registration without its URL, lists that are no lists, a
 * validation event without its id, refusals as text or Entra codes, and no answer at all.
 * webhook-registration.test.ts drives the documented shapes against a stand-in server.
 */
import { describe, expect, it } from 'vitest';
import { createWebhookRegistrationClient } from '../../../bot/partner-center/webhook-registration.js';
import { PartnerCenterError } from '../../../bot/partner-center/port.js';

/** Partner Center answering every call with `status` and `body` (an object as JSON, a string as it is). */
function answering(status: number, body: unknown, statusText = '') {
  const doFetch: typeof fetch = async () =>
    new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), { status, statusText });
  return createWebhookRegistrationClient({ accessToken: async () => 'token', baseUrl: 'https://pc.stand-in/', fetch: doFetch });
}
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('it resolved'),
    (error: unknown) => error as PartnerCenterError,
  );

describe('webhook registration answers off the documented shapes', () => {
  it('reads a registration without a URL as none, and one without events as registered for none', async () => {
    expect(await answering(200, { WebhookEvents: ['customer-created'] }).get()).toBeNull();
    expect(await answering(200, 'not json').get()).toBeNull();
    expect(
      await answering(200, { WebhookUrl: 'https://bot.example/partner-center/events/x', WebhookEvents: 'all', SubscriberId: 7 }).get(),
    ).toEqual({
      webhookUrl: 'https://bot.example/partner-center/events/x',
      webhookEvents: [],
      subscriberId: null,
    });
  });

  it('reads an event list that is no list as empty, and keeps only the names in one that is', async () => {
    expect(await answering(200, { events: ['customer-created'] }).events()).toEqual([]);
    expect(await answering(200, ['customer-created', 3, null]).events()).toEqual(['customer-created']);
  });

  it('refuses a validation event accepted without a correlation id, and reads a status without results', async () => {
    expect(await refusal(answering(200, { status: 'accepted' }).sendValidationEvent())).toMatchObject({
      status: 200,
      code: 'unexpected-response',
    });
    expect(await refusal(answering(200, undefined).sendValidationEvent())).toMatchObject({ code: 'unexpected-response' });
    expect(await answering(200, { correlationId: 'c-1' }).sendValidationEvent()).toBe('c-1');
    expect(await answering(200, { results: 'none' }).validationStatus('c 1')).toEqual({ status: 'unknown', results: [] });
    expect(await answering(200, { status: 'completed', results: [{ responseCode: 200 }, {}] }).validationStatus('c-1')).toEqual({
      status: 'completed',
      results: [
        { responseCode: '200', responseMessage: '', dateTimeUtc: '' },
        { responseCode: '', responseMessage: '', dateTimeUtc: '' },
      ],
    });
  });

  it("tells a refusal by Partner Center's code, Entra's first code, or the status, with the text it came with", async () => {
    expect(await refusal(answering(403, { code: 3000, description: 'Not a partner' }).events())).toMatchObject({
      status: 403,
      code: '3000',
      description: 'Not a partner',
    });
    expect(await refusal(answering(401, { error_codes: [700082, 50076] }, 'Unauthorized').events())).toMatchObject({
      code: '700082',
      description: 'Unauthorized',
    });
    expect(await refusal(answering(502, `<html>${'x'.repeat(400)}</html>`).events())).toMatchObject({
      code: '502',
      description: `<html>${'x'.repeat(294)}`,
    });
    // A 404 is a refusal where it is not a missing registration.
    expect(await refusal(answering(404, undefined, 'Not Found').events())).toMatchObject({
      status: 404,
      code: '404',
      description: 'Not Found',
    });
  });

  it('says Partner Center could not be reached when no answer comes', async () => {
    const client = createWebhookRegistrationClient({
      accessToken: async () => 'token',
      fetch: async () => Promise.reject(new TypeError('fetch failed')),
    });
    expect(await refusal(client.get())).toMatchObject({ status: 0, code: 'unreachable', description: 'fetch failed' });
    const odd = createWebhookRegistrationClient({ accessToken: async () => 'token', fetch: async () => Promise.reject('socket closed') });
    expect(await refusal(odd.get())).toMatchObject({ status: 0, description: 'socket closed' });
  });
});
