/**
 * The `POST /partner-center/events/:token` route: the path token (a second factor, checked before
 * the body is read), the signature (webhook-verifier.ts), then each event handled once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'restify';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Surface } from '../server/server.js';
import { readBody } from '../server/body.js';
import type { Store } from '../../store/store.js';
import { noteWebhookRejection } from '../telemetry.js';
import {
  ACCEPTANCE_EVENTS,
  WEBHOOK_EVENT_RETENTION_MS,
  WebhookRejected,
  type PartnerCenterEvent,
  type WebhookVerifier,
} from './webhook-verifier.js';

export * from './webhook-verifier.js';

export interface PartnerCenterWebhookSurfaceOptions {
  verifier: WebhookVerifier;
  /** The secret path segment: `POST /partner-center/events/<secretToken>`. */
  secretToken: string;
  store: Store;
  /**
   * Called once per verified acceptance event (ACCEPTANCE_EVENTS). A rejection answers 500 so
   * Partner Center retries; the event counts as handled only after it resolved. A crash between
   * the two lets a retry call it again, so it must tolerate a repeat (the acceptance path does).
   */
  onEvent(event: PartnerCenterEvent): Promise<void>;
  logger: Logger;
  clock: Clock;
  /** Body limit in bytes; 16 KiB by default (an event is a few hundred bytes). */
  bodyLimit?: number;
}

export const PARTNER_CENTER_EVENTS_PATH = '/partner-center/events';

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();

export function createPartnerCenterWebhookSurface(options: PartnerCenterWebhookSurfaceOptions): Surface {
  const { verifier, store, logger, clock } = options;
  const expected = digest(options.secretToken);
  /** Events being handled now, by id: a concurrent duplicate waits for the first and acts on its outcome. */
  const inFlight = new Map<string, Promise<void>>();

  const send = (res: Response, status: number, body: Record<string, string>) => {
    if (!res.headersSent) res.send(status, body);
  };

  const tokenMatches = (given: string) => timingSafeEqual(digest(given), expected);

  const handle = async (id: string, event: PartnerCenterEvent) => {
    await options.onEvent(event);
    const now = clock.now();
    const cutoff = now.getTime() - WEBHOOK_EVENT_RETENTION_MS;
    await store.transact((tx, read) => {
      if (!read.get('webhookEvents', id)) tx.put('webhookEvents', { id, eventName: event.EventName, receivedAt: now.toISOString() });
      for (const old of read.all('webhookEvents')) if (Date.parse(old.receivedAt) < cutoff) tx.delete('webhookEvents', old.id);
    });
  };

  return {
    name: 'partner-center-webhooks',
    register(server) {
      server.post(
        `${PARTNER_CENTER_EVENTS_PATH}/:token`,
        (req: Request, res: Response, next) => {
          // The second factor comes first: a wrong token never reaches the body or the certificate host.
          if (!tokenMatches(String(req.params.token ?? ''))) {
            noteWebhookRejection('token');
            res.setHeader('connection', 'close');
            send(res, 404, { error: 'Not found' });
            return next(false);
          }
          next();
        },
        readBody({ types: ['application/json'], limit: options.bodyLimit ?? 16 * 1024 }),
        async (req: Request, res: Response) => {
          const raw: Buffer = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
          let event: PartnerCenterEvent;
          try {
            event = await verifier.verify(raw, req.headers);
          } catch (error) {
            if (error instanceof WebhookRejected) {
              noteWebhookRejection(error.reason);
              logger.warn({ reason: error.reason, status: error.status }, 'Partner Center webhook rejected');
              if (error.status === 503) res.setHeader('retry-after', '60');
              return send(res, error.status, { error: error.answer });
            }
            logger.error({ err: error }, 'Partner Center webhook verification failed unexpectedly');
            return send(res, 401, { error: 'Unauthorized' });
          }

          if (!(ACCEPTANCE_EVENTS as readonly string[]).includes(event.EventName)) {
            logger.info({ eventName: event.EventName }, 'Partner Center webhook verified; not an acceptance, nothing to do');
            return send(res, 200, { status: 'ignored' });
          }

          const id = digest(raw).toString('hex');
          const running = inFlight.get(id);
          if (running) {
            try {
              await running;
              return send(res, 200, { status: 'duplicate' });
            } catch {
              return send(res, 500, { error: 'Not handled; retry' });
            }
          }
          if (store.get('webhookEvents', id)) {
            logger.info({ eventName: event.EventName }, 'Partner Center webhook already handled');
            return send(res, 200, { status: 'duplicate' });
          }
          // Set before the first await, so a concurrent duplicate finds it.
          const work = handle(id, event);
          inFlight.set(id, work);
          try {
            await work;
            logger.info({ eventName: event.EventName }, 'Partner Center webhook handled');
            send(res, 200, { status: 'accepted' });
          } catch (error) {
            logger.error({ err: error, eventName: event.EventName }, 'Partner Center webhook event not handled; Partner Center will retry');
            send(res, 500, { error: 'Not handled; retry' });
          } finally {
            inFlight.delete(id);
          }
        },
      );
    },
  };
}
