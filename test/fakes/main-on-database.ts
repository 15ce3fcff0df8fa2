/** The real composition root (bot/main.ts) as a child process on a DATABASE_URL, in a clean environment. */
import { cleanEnv, freePort, run } from './processes.js';

/** The password of the run's PostgreSQL server (test/setup/postgres.ts): it must never be printed. */
export const DATABASE_PASSWORD = 'test-only-password';

export async function mainOnDatabase(databaseUrl: string) {
  const port = await freePort();
  return run(
    'bot/main.ts',
    [],
    cleanEnv({ PORT: String(port), DATABASE_URL: databaseUrl, PARTNER_NAME: 'Northwind Cloud', LOG_LEVEL: 'info' }),
  );
}
