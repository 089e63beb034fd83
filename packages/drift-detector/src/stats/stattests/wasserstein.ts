// Normed first Wasserstein distance as Evidently `wasserstein_distance_norm.py`: scipy `stats.wasserstein_distance`
// (area between the two ECDFs) divided by max(std(reference, ddof=0), 0.001); drift when the distance ≥ threshold.
import { meanAndStd, PooledWalk, type SortedNumbers, sortedNumbers } from "../sorted.js";
import { defineDistanceTest } from "./define-test.js";
import { requireNumerical } from "./samples.js";

/** Floor of the norm, so that a constant reference column does not divide by zero (Evidently's 0.001). */
const MIN_NORM = 0.001;

/** ∫ |F_a − F_b| dx over the pooled range, for ascending samples, in one merged pass. */
function wassersteinDistanceSorted(a: SortedNumbers, b: SortedNumbers): number {
  const n1 = a.size;
  const n2 = b.size;
  const walk = new PooledWalk(a, b);
  let distance = 0;
  // Each ECDF gap holds from one pooled value to the next (after the last one both ECDFs are 1).
  let started = false;
  let value = 0;
  let gap = 0;
  while (walk.step()) {
    if (started) distance += gap * (walk.value - value);
    started = true;
    value = walk.value;
    gap = Math.abs(walk.i / n1 - walk.j / n2);
  }
  return distance;
}

export const wassersteinTest = defineDistanceTest({
  name: "wasserstein",
  label: "Wasserstein distance (normed)",
  allowedTypes: ["numerical"],
  measure(samples) {
    const { reference, current } = requireNumerical(samples, "wasserstein");
    const sortedReference = sortedNumbers(reference);
    const { std } = meanAndStd(sortedReference);
    const distance = wassersteinDistanceSorted(sortedReference, sortedNumbers(current)) / Math.max(std, MIN_NORM);
    if (std >= MIN_NORM) return { distance };
    return {
      distance,
      note: `reference spread ${std} is below ${MIN_NORM}: the distance is divided by ${MIN_NORM} instead (nearly constant column)`,
    };
  },
});
