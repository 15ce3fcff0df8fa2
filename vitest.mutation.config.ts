/**
 * The suites Stryker runs against each mutant of bot/service/ (npm run test:mutation): the ones
 * that drive the service directly or through a surface, and the directory adapters' suites
 * against the Microsoft and Partner Center stand-ins. The browser, crash, start-up, PostgreSQL and
 * child-process tests are left out, and so are the end-to-end stories (test/e2e): they test other
 * layers, or the same rules at many times the cost per mutant.
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
      'test/bot/teams/*.test.ts',
      'test/bot/slack/slack.test.ts',
      'test/bot/web/*.test.ts',
      'test/bot/cli/session.test.ts',
      'test/bot/cli/admin-commands.test.ts',
      'test/bot/notifications/*.test.ts',
      'test/bot/microsoft/*.test.ts',
      'test/bot/partner-center/*.test.ts',
      'test/reliability/forgery.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/setup/shifted-clock.ts'],
    globalSetup: ['test/setup/microsoft-tls.ts'],
  },
});
