/**
 * `npm run doctor`: checks this deployment from its own configuration and prints what holds and
 * what to do. Exits 1 when something configured does not work (or the configuration itself is
 * refused), 0 otherwise: what is not configured is shown as such and fails nothing.
 */
import { ConfigError, loadConfig } from './config.js';
import { runDoctor } from './deployment-checks.js';
import { checksTable } from '../views/checks.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.log(`FAIL  Configuration\n${error.problems.map((p) => `      ${p}`).join('\n')}\n\nFix the configuration first: the bot would not start.`);
    return 1;
  }
  const checks = await runDoctor(config);
  console.log(checksTable('en', checks));
  return checks.some((c) => c.state === 'fail') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The doctor could not run:', error);
    process.exit(1);
  },
);
