/**
 * Seeds for the tests that draw at random (fast-check properties, shuffles, kill schedules, the
 * draws of test/seeded.ts): each run prints its seed before it starts and again if the test fails,
 * and `TEST_SEED=<n>` replays it, e.g.
 * `TEST_SEED=123 npx vitest run test/reliability/fuzz.test.ts -t "random text"`.
 */
import { onTestFailed } from 'vitest';

export { seeded } from './seeded.js';

/** Older names of TEST_SEED, still honoured when TEST_SEED is not set. */
const OLDER_NAMES = ['FUZZ_SEED', 'CRASH_SEED'];

/**
 * The seed of this run: TEST_SEED when set, otherwise a fresh one. Printed at once, with `what`
 * (the test), so a run that never finishes can still be replayed; called inside a test, printed
 * again when that test fails (beside the failure, where it is looked for).
 */
export function runSeed(what: string): number {
  const name = ['TEST_SEED', ...OLDER_NAMES].find((n) => process.env[n] !== undefined && process.env[n] !== '');
  const given = name ? process.env[name] : undefined;
  const seed = given === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`${name} must be a whole number, got "${given}"`);
  console.log(`${what}: seed ${seed} (TEST_SEED=${seed} replays it)`);
  reportSeedOnFailure(seed, what);
  return seed;
}

/**
 * Prints the seed when the current test fails. Outside a test (a seed drawn once for a file) it
 * does nothing: call it then from a `beforeEach`, so each test that fails says so.
 */
export function reportSeedOnFailure(seed: number, what: string): void {
  try {
    onTestFailed(() => console.error(`${what} failed with seed ${seed}: TEST_SEED=${seed} replays it`));
  } catch {
    // Not inside a test: nothing to attach to.
  }
}
