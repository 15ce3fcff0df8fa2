/** Which surfaces run, from configuration, and the notification dispatcher they share. */
import { readFileSync } from 'node:fs';
import type { App } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Surface } from './server/server.js';
import { createPartnerCenterEventHandler } from './microsoft/partner-center-events.js';
import { createDispatcher } from './notifications/dispatcher.js';
import { createBatchRunner } from './notifications/batch-runner.js';
import { createTeamsSurface } from './teams/surface.js';
import { createWebSurface } from './web/surface.js';
import { createDownloadSurface } from './web/downloads.js';
import { createDigestChartSurface } from './web/digest-chart.js';
import { createDigestScheduler } from './notifications/digest-scheduler.js';
import { createPartnerCenterWebhookSurface, createWebhookVerifier, type PartnerCenterEvent } from './partner-center/webhooks.js';

export async function createSurfaces(
  config: Config,
  app: App,
  logger: Logger,
  options: {
    pollMs?: number;
    baseDelayMs?: number;
    slackMaxInFlight?: number;
    slackRetryMs?: number;
    /** How often due digests are looked for besides the timer armed for the next one (60 s). */
    digestPollMs?: number;
    /** Where verified Partner Center acceptance events go (PARTNER_CENTER_WEBHOOK_TOKEN); until connected, they are only logged. */
    onPartnerCenterEvent?: (event: PartnerCenterEvent) => Promise<void>;
  } = {},
) {
  const dispatcher = createDispatcher({ store: app.store, outcomes: app.service, logger, now: () => app.clock.now(), pollMs: options.pollMs, baseDelayMs: options.baseDelayMs, cluster: app.cluster });
  app.events.on((event) => dispatcher.onAccepted(event));
  // With several replicas, a form served by one is accepted by any: they share the form secret.
  const formSecret = app.cluster ? await app.cluster.secret('invitation-form') : undefined;
  const surfaces: Surface[] = [createTeamsSurface(config, app, dispatcher, logger), createWebSurface(app, logger, { secureCookie: config.publicUrl.startsWith('https:'), secret: formSecret })];
  if (config.slack) {
    // Bolt is loaded only when Slack is configured (~30 MB and ~0.1 s of start-up otherwise).
    const { createSlackSurface } = await import('./slack/surface.js');
    surfaces.push(createSlackSurface(config.slack, app, dispatcher, logger, { maxInFlight: options.slackMaxInFlight, identityRetryMs: options.slackRetryMs }));
  }
  // Export downloads (Teams' one-time links) on the same public address as the customer's page.
  surfaces.push(createDownloadSurface(app, logger));
  if (config.partnerCenterWebhook) {
    const { certificateHosts, trustRootsFile, token } = config.partnerCenterWebhook;
    const verifier = createWebhookVerifier({
      clock: app.clock,
      ...(certificateHosts ? { allowedCertificateHosts: certificateHosts } : {}),
      ...(trustRootsFile ? { trustRoots: [readFileSync(trustRootsFile, 'utf8')] } : {}),
    });
    const onEvent =
      options.onPartnerCenterEvent ??
      createPartnerCenterEventHandler({ service: app.service, link: app.partnerCenter?.link ?? null, sync: app.sync, logger });
    surfaces.push(createPartnerCenterWebhookSurface({ verifier, secretToken: token, store: app.store, onEvent, logger, clock: app.clock }));
  }
  dispatcher.start();
  // Bulk invitations run in the background; stopped before the dispatcher, which sends their progress.
  const batches = createBatchRunner({ store: app.store, work: app.service, logger, cluster: app.cluster });
  batches.start();
  surfaces.push({ name: 'bulk-invitations', register: () => {}, close: () => batches.stop(), idle: () => batches.idle() });
  // After the dispatcher listens: a digest queued at start is posted at once.
  const digests = createDigestScheduler({ digests: app.service, logger, now: () => app.clock.now(), pollMs: options.digestPollMs });
  digests.start();
  surfaces.push(createDigestChartSurface(app, logger), { name: 'digest', register: () => {}, close: () => digests.stop() });
  // On shutdown, the posts under way are finished and recorded before the store closes: a post
  // cut off between the platform and the record could be made again by another replica.
  const closeNotifications = async () => {
    dispatcher.stop();
    await dispatcher.idle();
  };
  surfaces.push({ name: 'notifications', register: () => {}, close: closeNotifications });
  const { sync } = app;
  if (sync) {
    sync.start();
    surfaces.push({
      name: 'microsoft-sync',
      register: () => {},
      close: () => sync.stop(),
      health: () => {
        const h = sync.health();
        return { ok: !h.stale, lastSuccessAt: h.lastSuccessAt, ...(h.stale ? { lastError: h.lastError } : {}) };
      },
    });
  }
  return { surfaces, dispatcher };
}
