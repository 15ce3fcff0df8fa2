/**
 * `npm run doctor`: checks this deployment from its own configuration and prints what holds and
 * what to do (deployment-checks.ts). Exits 1 when something configured does not work (or the
 * configuration itself is refused), 0 otherwise: what is not configured is shown as such and fails nothing.
 */
import { doctorReport } from './deployment-checks.js';

doctorReport(process.env).then(
  ({ code, text }) => {
    console.log(text);
    process.exit(code);
  },
  (error: unknown) => {
    console.error('The doctor could not run:', error);
    process.exit(1);
  },
);
