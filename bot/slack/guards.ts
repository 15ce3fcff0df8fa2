/**
 * What Bolt does not do for us: refuse signed requests from the future, act once on a replayed
 * request, and survive a Slack that cannot be reached when the bot starts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyMiddlewareArgs, Authorize, Middleware, webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Cluster } from '../../store/cluster.js';

/** Bolt refuses requests older than this; we refuse those this far ahead too. */
export const SIGNATURE_WINDOW_S = 5 * 60;
/** A signature can be valid from 5 minutes before its timestamp to 5 after: remember it longer. */
const SEEN_TTL_MS = 2 * SIGNATURE_WINDOW_S * 1000 + 60_000;
const MAX_SEEN = 100_000;

/**
 * Bolt checks only that a timestamp is not too old, so a request signed for next year would stay
 * valid all year. Answers 401 (as Bolt does for stale ones) and returns true when it did.
 * Deliberately the machine's wall clock, not the bot's injected clock: it must agree with Bolt's
 * own staleness check, which reads `Date.now()`, and with the clock Slack signs by.
 */
export function refuseFutureTimestamp(req: IncomingMessage, res: ServerResponse, nowMs = Date.now()): boolean {
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (!Number.isFinite(timestamp) || timestamp <= nowMs / 1000 + SIGNATURE_WINDOW_S) return false;
  res.statusCode = 401;
  res.setHeader('connection', 'close');
  res.end();
  return true;
}

/**
 * Bolt answers a body past its limit with 413 but leaves the connection open with the rest of the
 * body unread, so the next request on that connection hangs until the keep-alive timeout. A
 * declared length past the limit is refused here, before a byte is read, and the connection
 * closed (as bot/server/body.ts does for the other routes); a body of undeclared length (chunked)
 * is handed to Bolt on a connection that closes once answered. Slack itself declares the length.
 */
export function refuseOversizedBody(req: IncomingMessage, res: ServerResponse, limit: number): boolean {
  const header = req.headers['content-length'];
  if (header === undefined) {
    res.setHeader('connection', 'close');
    return false;
  }
  if (!(Number(header) > limit)) return false;
  res.statusCode = 413;
  res.setHeader('connection', 'close');
  res.end();
  return true;
}

/** Bolt's receiver hands this to every listener's context: the request's signature. */
export const requestSignature = (req: IncomingMessage) => ({ requestSignature: String(req.headers['x-slack-signature'] ?? '') });

/** How long a shared check (a claim in the database) may take: Slack wants its acknowledgement within 3 s. */
export const SHARED_CHECK_MS = 1_000;

/**
 * A once-only claim across replicas, or null when the shared store cannot say: known to be
 * unreachable (`reachable` false, so not even tried), failing, or not answering within `timeoutMs`.
 * Waiting longer would cost the acknowledgement: Bolt answers 404 to a request not acknowledged in
 * 3 s, and Slack shows its generic error.
 */
export async function claimInTime(
  cluster: Cluster,
  key: string,
  ttlMs: number,
  options: { reachable: () => boolean; timeoutMs?: number },
): Promise<boolean | null> {
  if (!options.reachable()) return null;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), options.timeoutMs ?? SHARED_CHECK_MS)));
  try {
    return await Promise.race([cluster.claim(key, ttlMs).catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A signed request replayed within the window (same body, same timestamp, so the same signature)
 * is acknowledged and ignored: slash commands and interactions carry no event id to spot it by.
 * Registered as global middleware, so it runs only after Bolt has verified the signature.
 *
 * With several replicas the signatures seen are shared through the database. While it cannot be
 * reached the request is checked against this replica's own memory and goes on, as a Teams turn
 * does: reads are answered from memory, and a change is refused with the store's sentence, since
 * it cannot be saved either. A replay that reaches another replica meanwhile can change nothing.
 */
export function createReplayGuard(
  logger: Logger,
  now: () => number,
  cluster: Cluster | null = null,
  options: { reachable?: () => boolean; timeoutMs?: number } = {},
): Middleware<AnyMiddlewareArgs> {
  const seen = new Map<string, number>();
  const replayed = async (args: AnyMiddlewareArgs) => {
    logger.warn({ surface: 'slack' }, 'Slack request replayed (a signature already seen); acknowledged and ignored');
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  };
  /** True when this replica saw the signature already; remembers it otherwise. */
  const seenHere = (signature: string): boolean => {
    const at = now();
    // Entries are in arrival order: drop the expired ones from the front, and the oldest past the cap.
    for (const [key, seenAt] of seen) {
      if (at - seenAt < SEEN_TTL_MS && seen.size < MAX_SEEN) break;
      seen.delete(key);
    }
    if (seen.has(signature)) return true;
    seen.set(signature, at);
    return false;
  };
  return async (args) => {
    const signature = (args.context as { requestSignature?: unknown }).requestSignature;
    if (typeof signature !== 'string' || !signature) return args.next();
    if (cluster) {
      const claimed = await claimInTime(cluster, `slack-signature:${signature}`, SEEN_TTL_MS, {
        reachable: options.reachable ?? (() => true),
        timeoutMs: options.timeoutMs,
      });
      if (claimed === false) return replayed(args);
      if (claimed === true) return args.next();
      logger.warn({ surface: 'slack' }, 'the shared replay check could not be made (database unreachable); checked on this replica only');
    }
    if (seenHere(signature)) return replayed(args);
    await args.next();
  };
}

export interface SlackIdentity {
  /** Bolt's authorize: the token at once, the bot's ids once auth.test has answered. */
  authorize: Authorize<boolean>;
  stop(): void;
}

/**
 * Bolt given a token calls auth.test in its constructor and leaves the rejection unhandled when
 * Slack cannot be reached, which ends the process. Here auth.test runs in the background and is
 * retried with back-off; meanwhile Slack requests are still served (the ids only let Bolt skip
 * the bot's own messages, which the message listener skips anyway).
 */
export function watchSlackIdentity(
  client: webApi.WebClient,
  botToken: string,
  logger: Logger,
  options: { retryMs?: number; maxRetryMs?: number } = {},
): SlackIdentity {
  const maxRetryMs = options.maxRetryMs ?? 5 * 60_000;
  let ids: { botId?: string; botUserId?: string } = {};
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const attempt = async (delayMs: number): Promise<void> => {
    try {
      const result = await client.auth.test();
      ids = { botId: result.bot_id, botUserId: result.user_id };
      logger.info({ surface: 'slack', team: result.team }, 'connected to Slack');
    } catch (err) {
      if (stopped) return;
      logger.error(
        { err, surface: 'slack', retryInMs: delayMs },
        'Slack cannot be reached (auth.test failed); retrying, the rest of the bot keeps serving',
      );
      timer = setTimeout(() => void attempt(Math.min(delayMs * 2, maxRetryMs)), delayMs);
      timer.unref();
    }
  };
  void attempt(options.retryMs ?? 5_000);
  return {
    authorize: async () => ({ botToken, ...ids }),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
