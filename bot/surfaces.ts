/** Which surfaces run, from configuration, and the notification dispatcher they share. */
import type { App } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Surface } from './server/server.js';
import { createDispatcher } from './notifications/dispatcher.js';
import { createTeamsSurface } from './teams/surface.js';
import { createWebSurface } from './web/surface.js';
import { createSlackSurface } from './slack/surface.js';

export function createSurfaces(config: Config, app: App, logger: Logger, options: { pollMs?: number; baseDelayMs?: number; slackMaxInFlight?: number } = {}) {
  const dispatcher = createDispatcher({ store: app.store, logger, pollMs: options.pollMs, baseDelayMs: options.baseDelayMs });
  app.events.on((event) => (event.type === 'invitation.accepted' ? dispatcher.onAccepted(event) : undefined));
  const surfaces: Surface[] = [createTeamsSurface(config, app, dispatcher, logger), createWebSurface(app, logger)];
  if (config.slack) surfaces.push(createSlackSurface(config.slack, app, dispatcher, logger, { maxInFlight: options.slackMaxInFlight }));
  dispatcher.start();
  surfaces.push({ name: 'notifications', register: () => {}, close: async () => dispatcher.stop() });
  return { surfaces, dispatcher };
}
