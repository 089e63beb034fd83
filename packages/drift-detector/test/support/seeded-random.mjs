// Seeded random numbers shared by the test data (datasets.ts, the golden samples) and the benchmark's wine-like files:
// the same seed gives the same data on every run and machine. Plain JavaScript so the benchmark runs without a build;
// types in seeded-random.d.mts.

/**
 * mulberry32 (Tommy Ettinger, public domain): a tiny 32-bit PRNG. scripts/golden/make_golden.py has the same
 * generator in Python, so both sides draw identical doubles.
 * @param {number} seed
 * @returns {() => number} uniform doubles in [0, 1)
 */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A normal draw by the Box–Muller transform (two uniforms each).
 * @param {() => number} random
 * @param {number} [mean]
 * @param {number} [sd]
 * @returns {number}
 */
export function normal(random, mean = 0, sd = 1) {
  return mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
