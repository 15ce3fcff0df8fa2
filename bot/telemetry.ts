/**
 * Metrics and traces (OpenTelemetry): the functions the rest of the code records through. When
 * telemetry is off (no METRICS_PORT, no OTLP endpoint) each of them is one null check: no SDK is
 * loaded, nothing is exported, no span is made. telemetry-sdk.ts starts the SDK when it is on.
 *
 * Process-wide, as OpenTelemetry's own API is (one tracer and one meter provider per process), so
 * that no constructor carries a telemetry object through the layers.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { SpanKind, SpanStatusCode, trace, type Attributes, type Counter, type Histogram, type Meter, type Span } from '@opentelemetry/api';
import type { CommitHook, StoreReader } from '../store/store.js';
import type { Logger } from './logger.js';
import { TELEMETRY_NAME, type TelemetryHandle, type TelemetryOptions } from './telemetry-options.js';

export { OTLP_PROTOCOLS, TELEMETRY_NAME, type OtlpProtocol, type TelemetryHandle, type TelemetryOptions } from './telemetry-options.js';

export type TurnSurface = 'teams' | 'slack';
/** A typed message, a slash command, a card button, a modal submitted, or anything else (installs, App Home). */
export type TurnKind = 'message' | 'command' | 'action' | 'view_submission' | 'event';
export type TurnOutcome = 'ok' | 'refused' | 'error';

interface Instruments {
  meter: Meter;
  tracing: boolean;
  turns: Counter;
  turnDuration: Histogram;
  refusals: Counter;
  calls: Counter;
  webhookRejections: Counter;
  deliveries: Counter;
  commitDuration: Histogram;
}

let live: Instruments | null = null;
const tracer = trace.getTracer(TELEMETRY_NAME);
/** The turn being worked on, so the one place that turns an error into a message can say it was refused. */
const currentTurn = new AsyncLocalStorage<{ outcome: TurnOutcome }>();

/** Seconds, from a millisecond to a minute: turns, calls and commits. */
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Starts metrics and traces as configured; null (and nothing loaded) when both are off. */
export async function startTelemetry(options: TelemetryOptions, logger: Logger): Promise<TelemetryHandle | null> {
  if (options.metricsPort === null && options.otlp === null) return null;
  const { startSdk } = await import('./telemetry-sdk.js');
  // `activate` is handed over rather than imported there: the SDK's file does not import this one back.
  return startSdk(options, logger, activate);
}

/** Called by telemetry-sdk.ts once its providers are registered (null at shutdown). */
export function activate(meter: Meter | null, tracing = false): void {
  if (!meter) {
    live = null;
    return;
  }
  const seconds = { unit: 's', advice: { explicitBucketBoundaries: SECONDS_BUCKETS } };
  live = {
    meter,
    tracing,
    turns: meter.createCounter('cspbot.turns', { description: 'Chat turns and card actions, by surface, kind and outcome' }),
    turnDuration: meter.createHistogram('cspbot.turn.duration', { description: 'Time to answer a turn', ...seconds }),
    refusals: meter.createCounter('cspbot.refusals', { description: 'Refusals told to a user, by message key (reason) and error code' }),
    calls: meter.createCounter('cspbot.client.calls', { description: 'HTTP calls to Microsoft and Slack, each attempt, by service and status' }),
    webhookRejections: meter.createCounter('cspbot.webhook.rejections', { description: 'Partner Center webhooks refused, by reason' }),
    deliveries: meter.createCounter('cspbot.deliveries', { description: 'Delivery attempts, by target (subscription, conversation, card) and outcome' }),
    commitDuration: meter.createHistogram('cspbot.store.commit.duration', { description: 'Time to make a batch of writes durable', ...seconds }),
  };
}

/** Gauges read when scraped: deliveries waiting and failed (from the store), and the age of the last Microsoft sync. */
export function observe(sources: { store: StoreReader; lastSyncSuccess?: () => string | null; now: () => Date }): void {
  if (!live) return;
  const { meter } = live;
  const waiting = meter.createObservableGauge('cspbot.deliveries.waiting', { description: 'Deliveries not yet sent and still tried' });
  const failed = meter.createObservableGauge('cspbot.deliveries.failed', { description: 'Deliveries still tried that failed at least once, and those given up' });
  meter.addBatchObservableCallback(
    (result) => {
      let all = 0;
      let failing = 0;
      for (const delivery of sources.store.all('deliveries')) {
        // A given-up delivery is kept for the health view; it waits for nothing.
        if (!delivery.givenUpAt) all++;
        if (delivery.attempts > 0) failing++;
      }
      result.observe(waiting, all);
      result.observe(failed, failing);
    },
    [waiting, failed],
  );
  const { lastSyncSuccess } = sources;
  if (!lastSyncSuccess) return;
  meter
    .createObservableGauge('cspbot.microsoft.sync.age', { unit: 's', description: 'Seconds since the last successful Microsoft sync (absent until one succeeds)' })
    .addCallback((result) => {
      const at = lastSyncSuccess();
      // The sync stamps its successes with the bot's clock: the age is read on the same one.
      if (at) result.observe(Math.max(0, (sources.now().getTime() - Date.parse(at)) / 1000));
    });
}

/** Runs one turn or card action in its span, and counts it by surface, kind and outcome. */
export function inTurn<T>(surface: TurnSurface, kind: TurnKind, work: () => Promise<T>): Promise<T> {
  const instruments = live;
  if (!instruments) return work();
  const turn = { outcome: 'ok' as TurnOutcome };
  const started = performance.now();
  const finish = (span: Span | null) => {
    const attributes = { surface, kind, outcome: turn.outcome };
    instruments.turns.add(1, attributes);
    instruments.turnDuration.record((performance.now() - started) / 1000, { surface, kind });
    if (!span) return;
    span.setAttribute('cspbot.outcome', turn.outcome);
    if (turn.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  const run = (span: Span | null) =>
    currentTurn.run(turn, async () => {
      try {
        return await work();
      } catch (error) {
        turn.outcome = 'error';
        span?.recordException(error as Error);
        throw error;
      } finally {
        finish(span);
      }
    });
  if (!instruments.tracing) return run(null);
  return tracer.startActiveSpan(`${surface}.${kind}`, { kind: SpanKind.SERVER, attributes: { 'cspbot.surface': surface, 'cspbot.turn.kind': kind } }, run);
}

/** A refusal told to the user (a service error's message key and code): counted, and the turn's outcome. */
export function noteRefusal(reason: string, code: string): void {
  if (!live) return;
  live.refusals.add(1, { reason, code });
  const turn = currentTurn.getStore();
  if (turn && turn.outcome === 'ok') turn.outcome = 'refused';
  trace.getActiveSpan()?.setAttribute('cspbot.refusal.reason', reason);
}

/** A turn that failed without a refusal (a bug, the store down), answered with an apology. */
export function noteFailure(): void {
  const turn = live ? currentTurn.getStore() : undefined;
  if (turn) turn.outcome = 'error';
}

/** Runs background work (a sync pass, a delivery) in a span of its own, child of whatever caused it. */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span | null) => Promise<T>, kind = SpanKind.INTERNAL): Promise<T> {
  if (!live?.tracing) return work(null);
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * One HTTP call to Microsoft or Slack: a client span named `<service> <method>` (Graph GET, Slack
 * chat.postMessage), and a count by service, method and status (`unreachable` when no answer
 * came). Only the host and path are recorded; a query may carry names.
 */
export async function tracedFetch<R extends { status: number }>(
  call: { service: string; method: string; httpMethod: string; url: URL | string },
  send: () => Promise<R>,
): Promise<R> {
  const instruments = live;
  if (!instruments) return send();
  const { service, method } = call;
  const count = (status: string) => instruments.calls.add(1, { service, method, status });
  const attempt = async (span: Span | null) => {
    try {
      const response = await send();
      count(String(response.status));
      span?.setAttribute('http.response.status_code', response.status);
      if (response.status >= 400) span?.setStatus({ code: SpanStatusCode.ERROR });
      return response;
    } catch (error) {
      count('unreachable');
      span?.recordException(error as Error);
      span?.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span?.end();
    }
  };
  if (!instruments.tracing) return attempt(null);
  const target = new URL(call.url);
  const attributes = { 'http.request.method': call.httpMethod, 'server.address': target.hostname, 'url.path': target.pathname };
  return tracer.startActiveSpan(`${service} ${method}`, { kind: SpanKind.CLIENT, attributes }, attempt);
}

/** A `fetch` for Slack's Web API client: each call a client span named after the Web API method. */
export function slackFetch<I extends { method?: string }, R extends { status: number }>(
  doFetch: (url: string | URL, init?: I) => Promise<R>,
): (url: string | URL, init?: I) => Promise<R> {
  return (url, init) => {
    if (!live) return doFetch(url, init);
    const method = new URL(url).pathname.split('/').pop() || 'call';
    return tracedFetch({ service: 'Slack', method, httpMethod: init?.method ?? 'GET', url }, () => doFetch(url, init));
  };
}

/**
 * An Azure SDK pipeline policy for @azure/identity's credentials: each request to Entra (a token,
 * the authority's metadata) a client span and a count, like Graph's. Cached tokens make no request.
 */
export const entraPolicy = {
  position: 'perRetry' as const,
  policy: {
    name: 'cspbot-telemetry',
    sendRequest<Q extends { method: string; url: string }, S extends { status: number }>(request: Q, next: (request: Q) => Promise<S>): Promise<S> {
      if (!live) return next(request);
      const method = new URL(request.url).pathname.split('/').pop() || 'call';
      return tracedFetch({ service: 'Entra', method, httpMethod: request.method, url: request.url }, () => next(request));
    },
  },
};

/**
 * One delivery attempt in its span, counted by target and outcome, which is read from the store
 * after it: gone (sent), tried once more (failed), or unchanged (skipped: not this process's to send now).
 */
export function inDelivery(
  delivery: { id: string; attempts: number; target: { kind: string } },
  attempt: () => Promise<void>,
  after: () => { attempts: number } | undefined,
): Promise<void> {
  const instruments = live;
  if (!instruments) return attempt();
  const target = delivery.target.kind;
  return inSpan('notification.delivery', { 'cspbot.delivery.target': target, 'cspbot.delivery.attempts': delivery.attempts }, async (span) => {
    try {
      await attempt();
    } finally {
      const now = after();
      const outcome = !now ? 'sent' : now.attempts > delivery.attempts ? 'failed' : 'skipped';
      instruments.deliveries.add(1, { target, outcome });
      span?.setAttribute('cspbot.outcome', outcome);
    }
  });
}

/** A Partner Center webhook refused (the verifier's reason, or `token` for a wrong path). */
export function noteWebhookRejection(reason: string): void {
  live?.webhookRejections.add(1, { reason });
}

/** The store's hook that times each commit; undefined (no wrapper at all) when telemetry is off. */
export function commitTimer(store: 'journal' | 'postgres'): CommitHook | undefined {
  const instruments = live;
  if (!instruments) return undefined;
  return async (commit) => {
    const started = performance.now();
    try {
      return await commit();
    } finally {
      instruments.commitDuration.record((performance.now() - started) / 1000, { store });
    }
  };
}
