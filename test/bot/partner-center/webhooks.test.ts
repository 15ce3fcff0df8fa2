/**
 * Partner Center webhooks against a local https "storage" stand-in serving test certificates: a
 * test CA (the configured trust root) and leaves signed by it, a rogue CA's leaf, an expired
 * leaf. Events are signed with the leaf's key, exactly over the bytes sent.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCertificateStorage, type Pair } from '../../fakes/webhook-certificates.js';
import { startServer, type RunningServer } from '../../../bot/server/server.js';
import { createLogger } from '../../../bot/logger.js';
import {
  createWebhookVerifier,
  WebhookRejected,
  type PartnerCenterEvent,
  type WebhookVerifierOptions,
} from '../../../bot/partner-center/webhooks.js';
import { startWebhookRoute, TOKEN, type WebhookRoute } from './webhook-route.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

let storage: Awaited<ReturnType<typeof startCertificateStorage>>;
let root: Pair;
let rogueLeaf: Pair;
let expired: Pair;
let storageHost: string;

beforeAll(async () => {
  storage = await startCertificateStorage({ now: NOW });
  ({ root, rogueLeaf, expired } = storage);
  storageHost = storage.host;
});

afterAll(async () => {
  await storage.close();
});

const event = (overrides: Partial<PartnerCenterEvent> = {}) => ({
  EventName: 'reseller-relationship-accepted-by-customer',
  ResourceUri: 'https://api.partnercenter.microsoft.com/v1/customers/5b9a7d4e-1c2f-4a3b-8d6e-0f1a2b3c4d5e',
  ResourceName: 'Customer',
  AuditUri: null,
  ResourceChangeUtcDate: '2026-11-23T09:59:06.3520276+00:00',
  ...overrides,
});

const signedRequest = (body: string | Buffer, options: { key?: string; certPath?: string; certUrl?: string } = {}) =>
  storage.signed(body, options);

const running: RunningServer[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

async function harness(verifierOverrides: Partial<WebhookVerifierOptions> = {}): Promise<WebhookRoute> {
  const h = await startWebhookRoute({
    allowedCertificateHosts: [storageHost],
    trustRoots: [root.cert],
    clock: { now: () => NOW },
    ...verifierOverrides,
  });
  running.push(h.server);
  return h;
}

describe('Partner Center webhook route', () => {
  it('hands a good acceptance to onEvent once, records it, and drops the same event sent again', async () => {
    const h = await harness();
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    const first = await h.post(bytes, headers);
    expect(first).toEqual({ status: 200, json: { status: 'accepted' } });
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]!.EventName).toBe('reseller-relationship-accepted-by-customer');
    expect(h.store.count('webhookEvents')).toBe(1);

    const again = await h.post(bytes, headers);
    expect(again).toEqual({ status: 200, json: { status: 'duplicate' } });
    expect(h.calls).toHaveLength(1);

    // The certificate was fetched once and reused.
    const other = signedRequest(JSON.stringify(event({ EventName: 'indirect-reseller-relationship-accepted-by-customer' })));
    expect((await h.post(other.bytes, other.headers)).status).toBe(200);
    expect(h.calls).toHaveLength(2);
    expect(h.fetches).toHaveLength(1);
  });

  it('answers 200 to the validation event and to events it does not act on, without calling onEvent', async () => {
    const h = await harness();
    for (const name of ['test-created', 'subscription-updated']) {
      const { bytes, headers } = signedRequest(JSON.stringify(event({ EventName: name })));
      expect(await h.post(bytes, headers)).toEqual({ status: 200, json: { status: 'ignored' } });
    }
    expect(h.calls).toHaveLength(0);
    expect(h.store.count('webhookEvents')).toBe(0);
  });

  it('refuses a tampered body with 401 and writes nothing', async () => {
    const h = await harness();
    const { headers } = signedRequest(JSON.stringify(event()));
    const tampered = Buffer.from(
      JSON.stringify(event({ ResourceUri: 'https://api.partnercenter.microsoft.com/v1/customers/someone-else' })),
    );
    expect((await h.post(tampered, headers)).status).toBe(401);
    expect(h.calls).toHaveLength(0);
    expect(h.store.count('webhookEvents')).toBe(0);
  });

  it('refuses a missing signature, another algorithm, and a signature by another key', async () => {
    const h = await harness();
    const body = JSON.stringify(event());
    const { headers } = signedRequest(body);
    expect((await h.post(body, { ...headers, authorization: '' })).status).toBe(401);
    expect((await h.post(body, { ...headers, authorization: headers.authorization!.replace('Signature', 'Bearer') })).status).toBe(401);
    expect((await h.post(body, { ...headers, 'x-ms-signature-algorithm': 'rsa-sha1' })).status).toBe(401);
    const other = signedRequest(body, { key: rogueLeaf.key });
    expect((await h.post(body, other.headers)).status).toBe(401);
    expect(h.calls).toHaveLength(0);
  });

  it('refuses a certificate from a foreign host, or over http, without fetching it', async () => {
    const h = await harness();
    const body = JSON.stringify(event());
    for (const certUrl of [
      'https://evil.example.com/cert/pcnotifications.cer',
      `https://localhost:${storageHost.split(':')[1]}/cert/pcnotifications.cer`,
      `http://${storageHost}/cert/pcnotifications.cer`,
      `https://user@${storageHost}/cert/pcnotifications.cer`,
      'not a url',
    ]) {
      const { headers } = signedRequest(body, { certUrl });
      expect((await h.post(body, headers)).status, certUrl).toBe(401);
    }
    expect(h.fetches).toHaveLength(0);
    expect(h.calls).toHaveLength(0);
  });

  it('does not follow a redirect from the certificate host', async () => {
    const h = await harness();
    const body = JSON.stringify(event());
    const { headers } = signedRequest(body, { certPath: '/cert/moved.cer' });
    expect((await h.post(body, headers)).status).toBe(401);
    expect(h.calls).toHaveLength(0);
  });

  it('refuses an expired certificate', async () => {
    const h = await harness();
    const body = JSON.stringify(event());
    const { headers } = signedRequest(body, { key: expired.key, certPath: '/cert/expired.cer' });
    expect((await h.post(body, headers)).status).toBe(401);
    expect(h.calls).toHaveLength(0);
  });

  it('refuses a certificate that does not chain to the trust root', async () => {
    const h = await harness();
    const body = JSON.stringify(event());
    const { headers } = signedRequest(body, { key: rogueLeaf.key, certPath: '/cert/rogue.cer' });
    expect((await h.post(body, headers)).status).toBe(401);
    expect(h.calls).toHaveLength(0);
  });

  it('answers 404 to a wrong path token, before reading the body or fetching anything', async () => {
    const h = await harness();
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    expect((await h.post(bytes, headers, `${TOKEN.slice(0, -1)}x`)).status).toBe(404);
    expect((await h.post(bytes, headers, 'short')).status).toBe(404);
    expect(h.fetches).toHaveLength(0);
    expect(h.calls).toHaveLength(0);
  });

  it('answers 4xx to malformed JSON, another content type, gzip, an oversized body and a signed body of the wrong shape', async () => {
    const h = await harness();
    const bad = signedRequest('{"EventName": ');
    expect((await h.post(bad.bytes, bad.headers)).status).toBe(400);
    const good = signedRequest(JSON.stringify(event()));
    expect((await h.post(good.bytes, { ...good.headers, 'content-type': 'text/plain' })).status).toBe(415);
    const gz = gzipSync(good.bytes);
    expect((await h.post(gz, { ...signedRequest(gz).headers, 'content-encoding': 'gzip' })).status).toBe(415);
    const big = signedRequest(JSON.stringify(event({ ResourceName: 'x'.repeat(20_000) })));
    expect((await h.post(big.bytes, big.headers)).status).toBe(413);
    const wrongShape = signedRequest(JSON.stringify({ ...event(), ResourceChangeUtcDate: 'yesterday' }));
    expect((await h.post(wrongShape.bytes, wrongShape.headers)).status).toBe(400);
    const notObject = signedRequest('[1,2]');
    expect((await h.post(notObject.bytes, notObject.headers)).status).toBe(400);
    expect(h.calls).toHaveLength(0);
    expect(h.store.count('webhookEvents')).toBe(0);
  });

  it('acts once on concurrent duplicates', async () => {
    const h = await harness();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.setOnEvent(() => gate);
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    const first = h.post(bytes, headers);
    await expect.poll(() => h.calls.length).toBe(1);
    const second = h.post(bytes, headers);
    const third = h.post(bytes, headers);
    // The duplicates have reached the route (verified, so past the point where it tells a
    // duplicate apart) while the first is still in onEvent.
    await expect.poll(() => h.verified(), { timeout: 10_000 }).toBe(3);
    expect(h.calls).toHaveLength(1);
    release();
    const results = await Promise.all([first, second, third]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(h.calls).toHaveLength(1);
    expect(h.store.count('webhookEvents')).toBe(1);
  });

  it('answers 500 when onEvent fails, records nothing, and handles the retry', async () => {
    const h = await harness();
    h.setOnEvent(async () => {
      throw new Error('acceptance path down');
    });
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    expect((await h.post(bytes, headers)).status).toBe(500);
    expect(h.store.count('webhookEvents')).toBe(0);
    h.setOnEvent(async () => {});
    expect(await h.post(bytes, headers)).toEqual({ status: 200, json: { status: 'accepted' } });
    expect(h.calls).toHaveLength(2);
    expect(h.store.count('webhookEvents')).toBe(1);
  });

  it('prunes handled events older than 30 days', async () => {
    const h = await harness();
    await h.store.transact((tx) => {
      tx.put('webhookEvents', {
        id: 'old',
        eventName: 'reseller-relationship-accepted-by-customer',
        receivedAt: new Date(NOW.getTime() - 31 * DAY).toISOString(),
      });
      tx.put('webhookEvents', {
        id: 'recent',
        eventName: 'reseller-relationship-accepted-by-customer',
        receivedAt: new Date(NOW.getTime() - 29 * DAY).toISOString(),
      });
    });
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    expect((await h.post(bytes, headers)).status).toBe(200);
    expect(h.store.get('webhookEvents', 'old')).toBeUndefined();
    expect(h.store.get('webhookEvents', 'recent')).toBeDefined();
    expect(h.store.count('webhookEvents')).toBe(2);
  });
});

describe('createWebhookVerifier', () => {
  const clock = { now: () => NOW };

  it("accepts by default only Microsoft's documented storage host", async () => {
    const fetches: string[] = [];
    const verifier = createWebhookVerifier({
      clock,
      trustRoots: [root.cert],
      fetch: async (u) => (fetches.push(String(u)), new Response(null, { status: 404 })),
    });
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    await expect(verifier.verify(bytes, headers)).rejects.toMatchObject({ reason: 'certificate host not allowed' });
    const official = signedRequest(JSON.stringify(event()), {
      certUrl: 'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer',
    });
    await expect(verifier.verify(official.bytes, official.headers)).rejects.toBeInstanceOf(WebhookRejected);
    expect(fetches).toEqual(['https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer']);
  });

  it('refuses a certificate whose subject is not Microsoft Corporation', async () => {
    const verifier = createWebhookVerifier({
      clock,
      trustRoots: [root.cert],
      allowedCertificateHosts: [storageHost],
      subjectOrganization: 'Someone Else',
    });
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    await expect(verifier.verify(bytes, headers)).rejects.toMatchObject({ reason: 'certificate organisation not accepted' });
  });

  it('refuses an oversized certificate download and does not cache a failure', async () => {
    let calls = 0;
    const verifier = createWebhookVerifier({
      clock,
      trustRoots: [root.cert],
      allowedCertificateHosts: [storageHost],
      fetch: async () => (calls++, new Response(new Uint8Array(200 * 1024), { status: 200 })),
    });
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    await expect(verifier.verify(bytes, headers)).rejects.toMatchObject({ reason: 'certificate too large' });
    await expect(verifier.verify(bytes, headers)).rejects.toMatchObject({ reason: 'certificate too large' });
    expect(calls).toBe(2);
  });

  it('returns the parsed event for a good signature', async () => {
    const verifier = createWebhookVerifier({ clock, trustRoots: [root.cert], allowedCertificateHosts: [storageHost] });
    const { bytes, headers } = signedRequest(JSON.stringify(event()));
    await expect(verifier.verify(bytes, headers)).resolves.toEqual(event());
  });
});

describe('PARTNER_CENTER_WEBHOOK_* configuration', () => {
  it('is off by default, on with a long enough token, and checks its companions', async () => {
    const { loadConfig, ConfigError } = await import('../../../bot/config.js');
    expect(loadConfig({}).partnerCenterWebhook).toBeNull();
    expect(loadConfig({ PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN }).partnerCenterWebhook).toEqual({
      token: TOKEN,
      certificateHosts: null,
      trustRootsFile: null,
    });
    expect(
      loadConfig({ PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN, PARTNER_CENTER_WEBHOOK_CERT_HOSTS: '127.0.0.1:8443, Example.com' })
        .partnerCenterWebhook?.certificateHosts,
    ).toEqual(['127.0.0.1:8443', 'example.com']);
    expect(() => loadConfig({ PARTNER_CENTER_WEBHOOK_TOKEN: 'too-short' })).toThrow(ConfigError);
    expect(() => loadConfig({ PARTNER_CENTER_WEBHOOK_TOKEN: `${TOKEN}/x` })).toThrow(/PARTNER_CENTER_WEBHOOK_TOKEN/);
    expect(() => loadConfig({ PARTNER_CENTER_WEBHOOK_CERT_HOSTS: 'example.com' })).toThrow(/without PARTNER_CENTER_WEBHOOK_TOKEN/);
    expect(() => loadConfig({ PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN, PARTNER_CENTER_WEBHOOK_TRUST_ROOTS: '/nonexistent/roots.pem' })).toThrow(
      /does not exist/,
    );
  });
});

describe('createSurfaces with PARTNER_CENTER_WEBHOOK_TOKEN', () => {
  it('serves the route with the configured roots and hosts, and hands acceptances to onPartnerCenterEvent', async () => {
    const [{ writeFileSync }, { join }, { loadConfig }, { createApp }, { createSurfaces }, { tempDir }] = await Promise.all([
      import('node:fs'),
      import('node:path'),
      import('../../../bot/config.js'),
      import('../../../bot/app.js'),
      import('../../../bot/surfaces.js'),
      import('../../helpers.js'),
    ]);
    const dir = tempDir();
    const rootsFile = join(dir, 'roots.pem');
    writeFileSync(rootsFile, root.cert);
    const config = loadConfig({
      DATA_FILE: join(dir, 'db.json'),
      PARTNER_CENTER_WEBHOOK_TOKEN: TOKEN,
      PARTNER_CENTER_WEBHOOK_CERT_HOSTS: storageHost,
      PARTNER_CENTER_WEBHOOK_TRUST_ROOTS: rootsFile,
    });
    const logger = createLogger('silent');
    const app = await createApp(config, logger, { clock: { now: () => NOW } });
    const seen: string[] = [];
    const { surfaces } = await createSurfaces(config, app, logger, {
      pollMs: 60_000,
      onPartnerCenterEvent: async (e) => void seen.push(e.EventName),
    });
    expect(surfaces.map((s) => s.name)).toContain('partner-center-webhooks');
    const server = await startServer({ port: 0, host: '127.0.0.1', store: app.store, logger, surfaces });
    try {
      const { bytes, headers } = signedRequest(JSON.stringify(event({ EventName: 'granular-admin-relationship-approved' })));
      const res = await fetch(`${server.url}/partner-center/events/${TOKEN}`, { method: 'POST', headers, body: new Uint8Array(bytes) });
      expect(res.status).toBe(200);
      expect(seen).toEqual(['granular-admin-relationship-approved']);
      expect(
        (await fetch(`${server.url}/partner-center/events/wrong`, { method: 'POST', headers, body: new Uint8Array(bytes) })).status,
      ).toBe(404);
    } finally {
      await server.close();
      await app.store.close();
    }
  });
});
