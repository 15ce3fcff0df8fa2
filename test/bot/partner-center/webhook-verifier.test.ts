/**
 * The certificate chains and failures a Partner Center webhook can come with, through the real
 * route, each with the answer Partner Center acts on: 200 for a verified event, 400 for a signed
 * body that is not an event (not retried), 401 for a signature or certificate that is not
 * trusted, 503 (with Retry-After) when the certificate cannot be fetched because its host fails,
 * so Partner Center retries later. The certificates come from the https storage stand-in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCertificateStorage } from '../../fakes/webhook-certificates.js';
import type { RunningServer } from '../../../bot/server/server.js';
import { freePort } from '../../fakes/processes.js';
import type { WebhookVerifierOptions } from '../../../bot/partner-center/webhooks.js';
import { startWebhookRoute, type WebhookRoute } from './webhook-route.js';

const NOW = new Date('2026-11-23T10:00:00Z');

let storage: Awaited<ReturnType<typeof startCertificateStorage>>;
beforeAll(async () => {
  storage = await startCertificateStorage({ now: NOW });
});
afterAll(async () => {
  await storage.close();
});

const running: RunningServer[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

/** The route with the storage stand-in's root trusted (and `overrides`). */
async function route(overrides: Partial<WebhookVerifierOptions> = {}): Promise<WebhookRoute> {
  const h = await startWebhookRoute({
    allowedCertificateHosts: [storage.host],
    trustRoots: [storage.root.cert],
    clock: { now: () => NOW },
    ...overrides,
  });
  running.push(h.server);
  return h;
}

const body = JSON.stringify({
  EventName: 'reseller-relationship-accepted-by-customer',
  ResourceUri: 'https://api.partnercenter.microsoft.com/v1/customers/5b9a7d4e-1c2f-4a3b-8d6e-0f1a2b3c4d5e',
  ResourceName: 'Customer',
  AuditUri: null,
  ResourceChangeUtcDate: '2026-11-23T09:59:06.3520276+00:00',
});

describe('a webhook signed by a leaf under an intermediate CA (Microsoft production shape)', () => {
  it('is accepted when the certificate URL serves the intermediate after the leaf', async () => {
    const h = await route();
    const { bytes, headers } = storage.signed(body, { key: storage.intermediateLeaf.key, certPath: '/cert/intermediate-leaf.pem' });
    expect(await h.post(bytes, headers)).toEqual({ status: 200, json: { status: 'accepted' } });
    expect(h.calls).toHaveLength(1);
  });

  it('is accepted with the intermediate configured, when the URL serves the leaf alone', async () => {
    const h = await route({ intermediates: [storage.intermediate.cert] });
    const { bytes, headers } = storage.signed(body, { key: storage.intermediateLeaf.key, certPath: '/cert/intermediate-leaf.cer' });
    expect(await h.post(bytes, headers)).toEqual({ status: 200, json: { status: 'accepted' } });
    expect(h.calls).toHaveLength(1);
  });

  it('is accepted with the intermediate as the trust root (PARTNER_CENTER_WEBHOOK_TRUST_ROOTS naming it), when the URL serves the leaf alone', async () => {
    const h = await route({ trustRoots: [storage.intermediate.cert] });
    const { bytes, headers } = storage.signed(body, { key: storage.intermediateLeaf.key, certPath: '/cert/intermediate-leaf.cer' });
    expect(await h.post(bytes, headers)).toEqual({ status: 200, json: { status: 'accepted' } });
  });

  it('is refused with 401 when the intermediate is nowhere to be found: the chain stops short of the root', async () => {
    const h = await route();
    const { bytes, headers } = storage.signed(body, { key: storage.intermediateLeaf.key, certPath: '/cert/intermediate-leaf.cer' });
    expect((await h.post(bytes, headers)).status).toBe(401);
    expect(h.calls).toHaveLength(0);
  });
});

describe('an untrusted chain or key is refused with 401, and nothing is handled', () => {
  const cases = [
    {
      what: 'an expired intermediate',
      key: () => storage.lapsedIntermediateLeaf.key,
      certPath: '/cert/lapsed-intermediate.pem',
      roots: () => [],
    },
    {
      what: 'an expired root',
      key: () => storage.expiredRootLeaf.key,
      certPath: '/cert/expired-root.cer',
      roots: () => [storage.expiredRoot.cert],
    },
    {
      what: 'a leaf with an EC key (Partner Center signs with RSA)',
      key: () => storage.ecLeaf.key,
      certPath: '/cert/ec.cer',
      roots: () => [storage.ecRoot.cert],
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const h = await route({ trustRoots: [storage.root.cert, ...c.roots()] });
      const { bytes, headers } = storage.signed(body, { key: c.key(), certPath: c.certPath });
      expect(await h.post(bytes, headers)).toEqual({ status: 401, json: { error: 'Unauthorized' } });
      expect(h.calls).toHaveLength(0);
      expect(h.store.count('webhookEvents')).toBe(0);
    });
  }

  it('a certificate larger than one can be, whether its size is declared or only streamed', async () => {
    const h = await route();
    for (const certPath of ['/cert/oversized.cer', '/cert/oversized-unsized.cer']) {
      const { bytes, headers } = storage.signed(body, { certPath });
      expect(await h.post(bytes, headers), certPath).toEqual({ status: 401, json: { error: 'Unauthorized' } });
    }
    expect(h.calls).toHaveLength(0);
  });
});

describe('a correctly signed body that is not an event is refused with 400', () => {
  it('for text that is not JSON at all, and for JSON cut short', async () => {
    const h = await route();
    for (const text of ['this is not json', '{"EventName": "reseller-relationship-accepted-by-customer"', '']) {
      const { bytes, headers } = storage.signed(text);
      expect((await h.post(bytes, headers)).status, JSON.stringify(text)).toBe(400);
    }
    expect(h.calls).toHaveLength(0);
    expect(h.store.count('webhookEvents')).toBe(0);
  });
});

describe('a certificate that cannot be fetched because its host fails', () => {
  it('answers 503 with Retry-After when the host answers 5xx, and the retry once it is back is handled', async () => {
    let down = true;
    const h = await route({
      // The storage host answers its own 503 while `down`; the real certificate afterwards.
      fetch: (input, init) => fetch(down ? String(input).replace('/cert/pcnotifications.cer', '/cert/down.cer') : input, init),
    });
    const { bytes, headers } = storage.signed(body);
    const refused = await h.send(bytes, headers);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toEqual({ error: 'Try again later' });
    expect(h.calls).toHaveLength(0);

    // The failure is not remembered: Partner Center's retry fetches again and is handled.
    down = false;
    expect(await h.post(bytes, headers)).toEqual({ status: 200, json: { status: 'accepted' } });
    expect(h.fetches).toHaveLength(2);
    expect(h.calls).toHaveLength(1);
  });

  it('answers 503 when the host does not answer at all', async () => {
    const port = await freePort();
    const h = await route({ allowedCertificateHosts: [`127.0.0.1:${port}`] });
    const { bytes, headers } = storage.signed(body, { certUrl: `https://127.0.0.1:${port}/cert/pcnotifications.cer` });
    expect(await h.post(bytes, headers)).toEqual({ status: 503, json: { error: 'Try again later' } });
    expect(h.calls).toHaveLength(0);
  });
});
