import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/setup/shifted-clock.ts'],
    globalSetup: ['test/setup/chromium.ts', 'test/setup/microsoft-tls.ts', 'test/setup/postgres.ts'],
  },
});
