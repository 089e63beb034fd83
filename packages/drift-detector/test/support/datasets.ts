/** Small deterministic CSVs: a reference, the same population drawn again (no drift) and a shifted one (drift). */

/** mulberry32 (Tommy Ettinger, public domain): a tiny seeded PRNG so the data is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller transform for normal draws. */
function normal(next: () => number, mean: number, sd: number): number {
  return mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function table(seed: number, rows: number, shift: number): string {
  const next = random(seed);
  const lines = ["temperature,pressure,grade"];
  for (let i = 0; i < rows; i++) {
    const temperature = normal(next, 20 + shift, 2).toFixed(3);
    const pressure = normal(next, 100 + 5 * shift, 4).toFixed(3);
    const grade = next() < 0.5 + 0.3 * Math.min(shift, 1) ? "A" : "B";
    lines.push(`${temperature},${pressure},${grade}`);
  }
  return `${lines.join("\n")}\n`;
}

export const REFERENCE_CSV = table(1, 400, 0);
export const SAME_POPULATION_CSV = table(2, 400, 0);
export const DRIFTED_CSV = table(3, 400, 1.5);
