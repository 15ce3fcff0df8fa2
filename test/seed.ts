/**
 * Seeds for the tests that draw at random (fast-check properties, shuffles, kill schedules): each
 * run prints its seed before it starts, and the same seed in the environment replays it, e.g.
 * `FUZZ_SEED=123 npx vitest run test/reliability/fuzz.test.ts -t "random text"`.
 */

/**
 * The seed of this run: `process.env[variable]` when set, otherwise a fresh one. Printed at once,
 * with `what` (the test), so a failure can be replayed even when the run never finishes. No
 * vitest import here: the crash test's worker process uses `seeded` too.
 */
export function runSeed(what: string, variable = 'FUZZ_SEED'): number {
  const given = process.env[variable];
  const seed = given === undefined || given === '' ? Math.floor(Math.random() * 2 ** 31) : Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`${variable} must be a whole number, got "${given}"`);
  console.log(`${what}: seed ${seed} (${variable}=${seed} replays it)`);
  return seed;
}

/** mulberry32: a small seeded generator in [0, 1), so a random order or size can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
