/**
 * The tests' one seeded generator: the same seed gives the same draws, so a random order, size or
 * schedule can be replayed. No vitest import here: the crash test's worker process uses it too.
 * Where the seed comes from (TEST_SEED, printed when a test fails) is test/seed.ts.
 */

/** mulberry32: a small seeded generator in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
