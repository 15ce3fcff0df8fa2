/** The restify server: health, and one route group per surface. */
import restify, { type Server } from 'restify';
import type { Logger } from '../logger.js';
import type { Store } from '../../store/store.js';
import { admitBodies, DEFAULT_BODY_BUDGET, type BodyBudget } from './admission.js';

/** How long a client may take to send its request, and how many bodies may be read at once. */
export interface ServerLimits extends BodyBudget {
  /** Node's `headersTimeout`: the request line and headers must arrive within it (a slow-headers client). */
  headersTimeoutMs: number;
  /** Node's `requestTimeout`: the whole request within it, a backstop behind `readTimeoutMs` (Node checks every 30 s). */
  requestTimeoutMs: number;
}

/** The production limits: headers in 10 s, the body in 30 s, bodies within DEFAULT_BODY_BUDGET. */
export const DEFAULT_LIMITS: ServerLimits = { ...DEFAULT_BODY_BUDGET, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/** A surface (Teams, Slack, the customer's page) adds its routes; it may stop background work on close. */
export interface Surface {
  name: string;
  register(server: Server): void;
  close?(): Promise<void>;
  /** Resolves once work the surface acknowledged before doing it (Slack) is done. */
  idle?(): Promise<void>;
  /** Runs once before the server listens: whatever the first request would otherwise load or build. */
  warmUp?(): Promise<void>;
  /** What /healthz says about this surface's background work, when it has any. */
  health?(): { ok: boolean; [detail: string]: unknown };
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: {
  port: number;
  host: string;
  store: Store;
  logger: Logger;
  surfaces: Surface[];
  /** Tighter limits for tests; production uses DEFAULT_LIMITS. */
  limits?: Partial<ServerLimits>;
}): Promise<RunningServer> {
  const { store, logger, surfaces } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const server = restify.createServer({ name: 'csp-connect-bot', handleUncaughtExceptions: false });
  // Node's defaults give a client 60 s for its headers and 300 s for its request.
  server.server.headersTimeout = limits.headersTimeoutMs;
  server.server.requestTimeout = limits.requestTimeoutMs;
  // First of every pre handler, so before Slack's (which hands the raw body to Bolt) and every route.
  server.pre(admitBodies(limits, logger));
  server.get('/healthz', (_req, res, next) => {
    const healthy = store.healthy;
    // Background work that fell behind (a stale Microsoft sync) is reported, not a reason to restart.
    const checks: Record<string, { ok: boolean; [detail: string]: unknown }> = Object.fromEntries(
      surfaces.filter((s) => s.health).map((s) => [s.name, s.health!()]),
    );
    // A store that works but not as it should (a snapshot it cannot rewrite): every write is safe,
    // so not a reason to restart either, but someone should look at the disk.
    if (healthy && store.degraded) checks.store = { ok: false, reason: store.degraded };
    const degraded = Object.values(checks).some((c) => !c.ok);
    res.send(healthy ? 200 : 503, {
      status: healthy ? (degraded ? 'degraded' : 'ok') : 'store unavailable',
      surfaces: surfaces.map((s) => s.name),
      ...(Object.keys(checks).length ? { checks } : {}),
    });
    next();
  });
  for (const surface of surfaces) surface.register(server);
  // Before listening, so /healthz says ok only once the first turn is as quick as the next ones.
  for (const surface of surfaces) {
    await surface
      .warmUp?.()
      .catch((err: unknown) => logger.warn({ err, surface: surface.name }, 'warming up failed; the first request will be slower'));
  }
  server.on('restifyError', (req, res, err, callback) => {
    if ((err.statusCode ?? 500) >= 500) logger.error({ err, method: req.method, path: req.path() }, 'request failed');
    callback();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    server,
    url,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const surface of surfaces) await surface.close?.();
    },
  };
}
