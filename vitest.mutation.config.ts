/**
 * The suites Stryker runs against each mutant of bot/service/ (npm run test:mutation): the ones
 * that drive the service directly or through a surface. The browser, crash, start-up and child
 * process tests are left out: they test other layers and would make each mutant cost seconds.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/bot/service/**/*.test.ts', 'test/bot/teams/*.test.ts', 'test/bot/slack/slack.test.ts', 'test/bot/web/*.test.ts', 'test/bot/cli/session.test.ts', 'test/reliability/forgery.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/setup/shifted-clock.ts'],
  },
});
