/**
 * The telemetry functions the rest of the code records through (bot/telemetry.ts), with the SDK
 * started in this process (bot/telemetry-sdk.ts): metrics scraped from METRICS_PORT, spans
 * exported over OTLP/HTTP JSON to a receiver stand-in. telemetry.test.ts does the same through
 * the real bot/main.ts as a child process, with real turns.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.js';
import {
  commitTimer,
  entraPolicy,
  inDelivery,
  inSpan,
  inTurn,
  noteFailure,
  noteRefusal,
  noteWebhookRejection,
  observe,
  slackFetch,
  startTelemetry,
  tracedFetch,
  type TelemetryHandle,
} from '../../bot/telemetry.js';
import { openJournalStore } from '../../store/journal-store.js';
import { startOtlpReceiver } from '../fakes/otlp.js';
import { freePort } from '../fakes/processes.js';
import { tempDir } from '../helpers.js';
import { sample } from './prometheus-sample.js';

// The SDK reads the OTLP exporter's settings from the environment, as it does in a deployment.
const saved = { ...process.env };
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let telemetry: TelemetryHandle;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
  telemetry = (await startTelemetry(
    { metricsPort: await freePort(), metricsHost: '127.0.0.1', otlp: { endpoint: receiver.url, protocol: 'http/json' } },
    createLogger('silent'),
  ))!;
});
afterAll(async () => {
  await receiver.close();
  process.env = saved;
});

describe('telemetry on (METRICS_PORT and an OTLP endpoint, in process)', () => {
  it(
    'counts turns by outcome, refusals, calls, deliveries, webhook rejections and commits, and exports their spans',
    { timeout: 60_000 },
    async () => {
      expect(telemetry.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const store = await openJournalStore({ file: join(tempDir(), 'db.json') });
      observe({ store, lastSyncSuccess: () => '2026-11-23T09:59:30.000Z', now: () => new Date('2026-11-23T10:00:00.000Z') });

      // Turns: refused, failed without a refusal, thrown, and fine.
      await inTurn('teams', 'message', async () => noteRefusal('errors.notAllowed', 'NotAllowed'));
      await inTurn('teams', 'action', async () => noteFailure());
      await expect(inTurn('slack', 'command', async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
      expect(await inTurn('slack', 'event', async () => 'fine')).toBe('fine');

      // Calls: Graph answering 404 inside the turn, one that never answers, Slack and Entra through their hooks.
      await inTurn('teams', 'message', () =>
        tracedFetch(
          { service: 'Graph', method: 'GET', httpMethod: 'GET', url: 'https://graph.example/v1.0/users?$filter=name' },
          async () => ({ status: 404 }),
        ),
      );
      await expect(
        tracedFetch({ service: 'Graph', method: 'POST', httpMethod: 'POST', url: 'https://graph.example/v1.0/x' }, async () =>
          Promise.reject(new Error('ECONNRESET')),
        ),
      ).rejects.toThrow();
      const slack = slackFetch(async () => ({ status: 200 }));
      await slack('https://slack.example/api/chat.postMessage', { method: 'POST' });
      await slack('https://slack.example/api/', {});
      await entraPolicy.policy.sendRequest({ method: 'POST', url: 'https://login.example/tenant/oauth2/v2.0/token' }, async () => ({
        status: 200,
      }));

      // Deliveries: sent (gone after), failed (one more attempt), skipped (unchanged); a failed background span.
      const delivery = { id: 'd1', attempts: 1, target: { kind: 'subscription' } };
      await inDelivery(
        delivery,
        async () => {},
        () => undefined,
      );
      await inDelivery(
        delivery,
        async () => {},
        () => ({ attempts: 2 }),
      );
      await inDelivery(
        { ...delivery, target: { kind: 'card' } },
        async () => {},
        () => ({ attempts: 1 }),
      );
      await expect(
        inSpan('microsoft.sync', { 'cspbot.sync': 'full' }, async () => Promise.reject(new Error('Graph down'))),
      ).rejects.toThrow('Graph down');

      noteWebhookRejection('token');
      expect(await commitTimer('journal')!(async () => 'committed')).toBe('committed');
      await store.close();

      const text = await (await fetch(telemetry.metricsUrl!)).text();
      const turns = (labels: Record<string, string>) => sample(text, 'cspbot_turns_total', labels);
      expect(turns({ surface: 'teams', kind: 'message', outcome: 'refused' })).toBe(1);
      expect(turns({ surface: 'teams', kind: 'message', outcome: 'ok' })).toBe(1);
      expect(turns({ surface: 'teams', kind: 'action', outcome: 'error' })).toBe(1);
      expect(turns({ surface: 'slack', kind: 'command', outcome: 'error' })).toBe(1);
      expect(turns({ surface: 'slack', kind: 'event', outcome: 'ok' })).toBe(1);
      expect(sample(text, 'cspbot_turn_duration_count', { surface: 'teams', kind: 'message' })).toBe(2);
      expect(sample(text, 'cspbot_refusals_total', { reason: 'errors.notAllowed', code: 'NotAllowed' })).toBe(1);
      const calls = (labels: Record<string, string>) => sample(text, 'cspbot_client_calls_total', labels);
      expect(calls({ service: 'Graph', method: 'GET', status: '404' })).toBe(1);
      expect(calls({ service: 'Graph', method: 'POST', status: 'unreachable' })).toBe(1);
      expect(calls({ service: 'Slack', method: 'chat.postMessage', status: '200' })).toBe(1);
      expect(calls({ service: 'Slack', method: 'call', status: '200' })).toBe(1);
      expect(calls({ service: 'Entra', method: 'token', status: '200' })).toBe(1);
      for (const [target, outcome] of [
        ['subscription', 'sent'],
        ['subscription', 'failed'],
        ['card', 'skipped'],
      ]) {
        expect(sample(text, 'cspbot_deliveries_total', { target: target!, outcome: outcome! }), `${target} ${outcome}`).toBe(1);
      }
      expect(sample(text, 'cspbot_webhook_rejections_total', { reason: 'token' })).toBe(1);
      expect(sample(text, 'cspbot_store_commit_duration_count', { store: 'journal' })).toBe(1);
      expect(sample(text, 'cspbot_deliveries_waiting')).toBe(0);
      expect(sample(text, 'cspbot_microsoft_sync_age')).toBe(30);

      // Shut down: the batched spans are flushed to the receiver, and the metrics port closes.
      await telemetry.shutdown();
      await expect(fetch(telemetry.metricsUrl!)).rejects.toThrow();
      const refused = receiver.named('teams.message').find((s) => s.attributes['cspbot.outcome'] === 'refused');
      expect(refused).toMatchObject({
        kind: 2,
        attributes: { 'cspbot.surface': 'teams', 'cspbot.turn.kind': 'message', 'cspbot.refusal.reason': 'errors.notAllowed' },
      });
      expect(receiver.named('slack.command')[0]).toMatchObject({ status: { code: 2 }, attributes: { 'cspbot.outcome': 'error' } });
      // The Graph call is a client span under its turn; only the host and path are kept, never the query.
      const graph = receiver.named('Graph GET')[0]!;
      expect(graph).toMatchObject({
        kind: 3,
        status: { code: 2 },
        attributes: {
          'http.request.method': 'GET',
          'server.address': 'graph.example',
          'url.path': '/v1.0/users',
          'http.response.status_code': 404,
        },
      });
      expect(receiver.spans.find((s) => s.spanId === graph.parentSpanId)?.name).toBe('teams.message');
      expect(receiver.named('Graph POST')[0]).toMatchObject({ status: { code: 2 } });
      expect(
        receiver
          .named('notification.delivery')
          .map((s) => s.attributes['cspbot.outcome'])
          .sort(),
      ).toEqual(['failed', 'sent', 'skipped']);
      expect(receiver.named('microsoft.sync')[0]).toMatchObject({ status: { code: 2 }, attributes: { 'cspbot.sync': 'full' } });
      expect(receiver.named('Entra token')).toHaveLength(1);
      expect(receiver.refused).toEqual([]);

      // Off again: nothing is counted or traced.
      expect(commitTimer('journal')).toBeUndefined();
      expect(await inTurn('teams', 'message', async () => 'plain')).toBe('plain');
    },
  );
});
