/** Builds the parts every entry point shares: store, service, conversation logic. */
import { openJournalStore } from '../store/journal-store.js';
import type { Store } from '../store/store.js';
import type { Config } from './config.js';
import { createConversation } from './conversation/handler.js';
import type { Logger } from './logger.js';
import { createService, type Notifier } from './service/index.js';
import { ensurePartner } from './service/partner.js';
import type { ServiceEvent } from './service/events.js';
import { seedDemo } from './demo.js';
import { systemClock, type Clock } from './clock.js';

/**
 * Lets the dispatcher hear of service events after the service exists, so deliveries written with
 * an event go out at once instead of at the next poll. Only a nudge: what to send is in the store.
 */
export class EventHub implements Notifier {
  private readonly listeners: Array<(event: ServiceEvent) => void | Promise<void>> = [];
  constructor(private readonly logger: Logger) {}
  on(listener: (event: ServiceEvent) => void | Promise<void>): void {
    this.listeners.push(listener);
  }
  publish(event: ServiceEvent): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(event))
        .catch((err: unknown) => this.logger.error({ err, event: event.type }, 'an event listener failed'));
    }
  }
}

export const AUDIT_KEPT = 10_000;

export async function createApp(config: Pick<Config, 'dataFile' | 'publicUrl' | 'bootstrapAdmins' | 'partner'>, logger: Logger, options: { demo?: boolean; store?: Store; clock?: Clock } = {}) {
  const clock = options.clock ?? systemClock;
  const store =
    options.store ??
    (await openJournalStore({
      file: config.dataFile,
      onCompactError: (err) => logger.error({ err }, 'snapshot rewrite failed'),
      // The audit trail only grows: the newest 10,000 events stay in memory, older ones in db.json.audit.jsonl.
      archive: { audit: AUDIT_KEPT },
    }));
  if (options.demo) await seedDemo(store);
  await ensurePartner(store, config.partner);
  const events = new EventHub(logger);
  const service = createService({ store, publicUrl: config.publicUrl, bootstrapAdmins: config.bootstrapAdmins, notifier: events, now: () => clock.now() });
  const conversation = createConversation(service, logger);
  return { store, service, conversation, events, clock };
}

export type App = Awaited<ReturnType<typeof createApp>>;
