// Relative entropy on discrete distributions, as scipy `special.rel_entr`: x·ln(x/y), 0 when x = 0.

/** Σ rel_entr(p_i, q_i); +∞ when some p_i > 0 meets q_i = 0. */
export function relativeEntropySum(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    const y = q[i]!;
    if (x > 0 && y > 0) sum += x * Math.log(x / y);
    else if (x !== 0 || y < 0) return Number.POSITIVE_INFINITY;
  }
  return sum;
}

/** The values divided by their sum (scipy normalises its inputs this way in `entropy` and `jensenshannon`). */
export function normalize(values: Float64Array): Float64Array {
  let total = 0;
  for (const v of values) total += v;
  return values.map((v) => v / total);
}
