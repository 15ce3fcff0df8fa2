/**
 * Starts OpenTelemetry's SDK, loaded only when telemetry is on (telemetry.ts):
 *
 * - METRICS_PORT: a MeterProvider whose reader is the Prometheus exporter, served by a server of
 *   our own on that port only (`GET /metrics`; 404 for anything else), bound like the bot (HOST);
 * - an OTLP endpoint: the Node SDK with a batch span exporter, and metrics pushed over OTLP too
 *   when there is no metrics port. The SDK builds its OTLP exporter from the standard OTEL_*
 *   variables itself (the protocol, headers, per-signal endpoints, certificates, timeouts, the
 *   batch and sampler settings), as every OpenTelemetry SDK does: loadConfig reads and checks the
 *   two that decide anything here (endpoint, protocol), and the rest keep their standard meaning
 *   rather than being re-implemented. Everything else is given explicitly: no instrumentations, no
 *   propagation of trace headers to Microsoft or Slack, no OpenTelemetry logs.
 */
import { createServer, type Server } from 'node:http';
import { context, diag, DiagLogLevel, metrics, propagation, trace, type DiagLogger, type Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from './logger.js';
import { TELEMETRY_NAME, type TelemetryHandle, type TelemetryOptions } from './telemetry-options.js';

const SHUTDOWN_FLUSH_MS = 3_000;

/** The SDK's own troubles (an export that failed, say) in our log, as warnings. */
function diagLogger(logger: Logger): DiagLogger {
  // The SDK hands over an error as its JSON text: kept as a field, the message says what it is.
  const warn = (message: string, ...args: unknown[]) =>
    logger.warn({ otel: [message, ...args.map(String)].map((m) => m.slice(0, 500)) }, 'OpenTelemetry reported a problem (an export that failed, say)');
  const quiet = () => {};
  return { error: warn, warn, info: quiet, debug: quiet, verbose: quiet };
}

/** `activate`: telemetry.ts's, told of the meter once the providers are registered (null at shutdown). */
export async function startSdk(
  options: TelemetryOptions,
  logger: Logger,
  activate: (meter: Meter | null, tracing?: boolean) => void,
): Promise<TelemetryHandle> {
  diag.setLogger(diagLogger(logger), DiagLogLevel.WARN);
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: TELEMETRY_NAME });

  let meterProvider: MeterProvider | null = null;
  let server: Server | null = null;
  let metricsUrl: string | null = null;
  if (options.metricsPort !== null) {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    meterProvider = new MeterProvider({ resource, readers: [exporter] });
    metrics.setGlobalMeterProvider(meterProvider);
    server = createServer((req, res) => {
      if (req.method === 'GET' && new URL(req.url ?? '/', 'http://metrics').pathname === '/metrics') return exporter.getMetricsRequestHandler(req, res);
      res.statusCode = 404;
      res.end('Not found\n');
    });
    const port = options.metricsPort;
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, options.metricsHost, () => resolve());
    });
    const address = server.address() as { address: string; family: string; port: number };
    metricsUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`;
  }

  let sdk: { shutdown(): Promise<void> } | null = null;
  if (options.otlp) {
    const { NodeSDK } = await import('@opentelemetry/sdk-node');
    const node = new NodeSDK({
      resource,
      instrumentations: [],
      textMapPropagator: null,
      logRecordProcessors: [],
      // With a metrics port the metrics are scraped there; an empty list keeps the SDK from adding an OTLP reader.
      ...(meterProvider ? { metricReaders: [] } : {}),
    });
    node.start();
    sdk = node;
  }

  activate(metrics.getMeter(TELEMETRY_NAME), options.otlp !== null);
  logger.info(
    // The endpoint's origin only: a URL may carry credentials.
    { metrics: metricsUrl, otlp: options.otlp ? { endpoint: new URL(options.otlp.endpoint).origin, protocol: options.otlp.protocol } : null },
    'telemetry on',
  );
  return {
    metricsUrl,
    async shutdown() {
      activate(null);
      // Spans still batched are sent now, for at most a few seconds: an unreachable collector must
      // not hold up a shutdown that a container's stop timeout would end with SIGKILL.
      const flushed = Promise.allSettled([sdk?.shutdown(), meterProvider?.shutdown()]);
      await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref())]);
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
      diag.disable();
    },
  };
}
