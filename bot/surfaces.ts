/** Which surfaces run, from configuration. */
import type { App } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Surface } from './server/server.js';

export function createSurfaces(_config: Config, _app: App, _logger: Logger): Surface[] {
  return [];
}
