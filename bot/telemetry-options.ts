/** What telemetry is configured with and what a running one is, shared by telemetry.ts and telemetry-sdk.ts. */

export const TELEMETRY_NAME = 'csp-connect-bot';

/** What loadConfig reads (METRICS_PORT, OTEL_*); both parts null: telemetry off. */
export interface TelemetryOptions {
  /** Prometheus text at `/metrics` on this port (never the public one); null: no metrics port. */
  metricsPort: number | null;
  /** The metrics port's bind address (HOST's). */
  metricsHost: string;
  /** OTLP export of traces (and of metrics when there is no metrics port); null: none. */
  otlp: { endpoint: string; protocol: OtlpProtocol } | null;
}

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** A running telemetry: where the metrics are served, and its end (spans flushed). */
export interface TelemetryHandle {
  metricsUrl: string | null;
  shutdown(): Promise<void>;
}
