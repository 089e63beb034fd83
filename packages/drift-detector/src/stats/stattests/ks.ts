// Two-sample Kolmogorov–Smirnov test as scipy `stats.ks_2samp(ref, cur)` (two-sided, method='auto'), which Evidently's
// `ks_stattest.py` calls; drift when p ≤ threshold (Evidently uses ≤ here, < for the other p-value tests).
import { kolmogorovSf } from "../distributions/kolmogorov.js";
import { probOutsideBand, probOutsideSquare } from "../distributions/ks-two-sample-exact.js";
import { PooledWalk, type SortedNumbers, sortedNumbers } from "../sorted.js";
import { definePValueTest } from "./define-test.js";
import { requireNumerical } from "./samples.js";

/** scipy attempts the exact distribution when both samples have at most this many values. */
const KS_EXACT_MAX_N = 10_000;

export interface KsResult {
  statistic: number;
  pValue: number;
  method: "exact" | "asymptotic";
  /** The exact computation was attempted but left [0, 1] through rounding, so the asymptotic value is used (as scipy). */
  exactFailed: boolean;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** numpy `round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * D = max |F_ref − F_cur| evaluated after each distinct pooled value (ties: both ECDFs step over all copies),
 * in one merged pass over the two ascending samples.
 */
function ksStatisticSorted(a: SortedNumbers, b: SortedNumbers): number {
  const n1 = a.size;
  const n2 = b.size;
  const walk = new PooledWalk(a, b);
  let maxDiff = 0;
  let minDiff = 0;
  while (walk.step()) {
    const diff = walk.i / n1 - walk.j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  // scipy clips the negative side to [0, 1] and takes it only when strictly larger; both equal a max here.
  return Math.max(maxDiff, Math.min(1, -minDiff));
}

/** Exact p-value as scipy `_attempt_exact_2kssamp`; null when the computation leaves [0, 1] (scipy then falls back). */
function exactPValue(n1: number, n2: number, d: number): { statistic: number; pValue: number } | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  return p >= 0 && p <= 1 ? { statistic, pValue: p } : null;
}

/** Two-sided two-sample KS on ascending samples (see `sortedNumbers`). */
export function ksTwoSampleSorted(a: SortedNumbers, b: SortedNumbers): KsResult {
  const n1 = a.size;
  const n2 = b.size;
  if (n1 === 0 || n2 === 0) throw new RangeError("KS test needs at least one value in each sample");
  const d = ksStatisticSorted(a, b);
  const tryExact = Math.max(n1, n2) <= KS_EXACT_MAX_N;
  if (tryExact) {
    const exact = exactPValue(n1, n2, d);
    if (exact) return { ...exact, method: "exact", exactFailed: false };
  }
  // Asymptotic: the one-sample Kolmogorov distribution at the effective size m·n/(m+n), rounded as numpy does.
  const en = (Math.max(n1, n2) * Math.min(n1, n2)) / (n1 + n2);
  const pValue = Math.min(1, Math.max(0, kolmogorovSf(roundHalfEven(en), d)));
  return { statistic: d, pValue, method: "asymptotic", exactFailed: tryExact };
}

export const ksTest = definePValueTest({
  name: "ks",
  label: "K-S p_value",
  allowedTypes: ["numerical"],
  drifts: (pValue, threshold) => pValue <= threshold,
  measure(samples) {
    const { reference, current } = requireNumerical(samples, "ks");
    const result = ksTwoSampleSorted(sortedNumbers(reference), sortedNumbers(current));
    if (!result.exactFailed) return { statistic: result.statistic, pValue: result.pValue };
    return {
      statistic: result.statistic,
      pValue: result.pValue,
      note: "the exact p-value computation left [0, 1] through rounding; the asymptotic p-value is used, as scipy does",
    };
  },
});
