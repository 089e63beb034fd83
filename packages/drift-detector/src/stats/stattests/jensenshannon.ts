// Jensen–Shannon distance as Evidently `jensenshannon.py`: scipy `spatial.distance.jensenshannon` (natural log, so
// 0 … √ln 2) on the binned shares without zero filling; drift when the distance ≥ threshold.
import { binSamples, binShares } from "../binning.js";
import { normalize, relativeEntropySum } from "../divergence.js";
import { defineDistanceTest } from "./define-test.js";

/** √(½·KL(p‖m) + ½·KL(q‖m)) with m = (p + q)/2, after normalising p and q. */
export function jensenShannonDistance(pShares: Float64Array, qShares: Float64Array): number {
  const p = normalize(pShares);
  const q = normalize(qShares);
  const m = p.map((value, i) => (value + q[i]!) / 2);
  return Math.sqrt((relativeEntropySum(p, m) + relativeEntropySum(q, m)) / 2);
}

export const jensenShannonTest = defineDistanceTest({
  name: "jensenshannon",
  label: "Jensen-Shannon distance",
  allowedTypes: ["categorical", "numerical"],
  measure(samples) {
    const bins = binSamples(samples);
    return { distance: jensenShannonDistance(binShares(bins.reference, false), binShares(bins.current, false)) };
  },
});
