/**
 * The suites Stryker runs against each mutant of bot/service/ (npm run test:mutation): the ones
 * that call the service directly, the chat's command layer, the dispatcher, and the directory
 * adapters' suites against the Microsoft and Partner Center stand-ins. The Teams, Slack, web-page
 * and forgery suites are left out: they reach the same rules through a surface at several times
 * the cost per mutant (every rule is covered by dozens of their tests), and a rule that only they
 * would catch is a rule the service's own tests should state. The browser, crash, start-up,
 * PostgreSQL, child-process and end-to-end tests are left out too: they test other layers.
 *
 * The stand-ins serve https with a throwaway certificate that the test processes trust through
 * NODE_EXTRA_CA_CERTS, set by the microsoft-tls global setup before the workers start: without
 * it every Graph and sign-in call fails its TLS handshake.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/bot/service/**/*.test.ts',
      'test/bot/cli/session.test.ts',
      'test/bot/cli/admin-commands.test.ts',
      'test/bot/notifications/*.test.ts',
      'test/bot/microsoft/*.test.ts',
      'test/bot/partner-center/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/setup/shifted-clock.ts'],
    globalSetup: ['test/setup/microsoft-tls.ts'],
  },
});
