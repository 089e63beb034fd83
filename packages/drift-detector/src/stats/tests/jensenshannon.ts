// Jensen–Shannon distance as Evidently `jensenshannon.py`: scipy `spatial.distance.jensenshannon` (natural log, so
// 0 … √ln 2) on the binned shares without zero filling; drift when the distance ≥ threshold.
import { binSamples, binShares } from "../binning.js";
import { normalize, relativeEntropySum } from "../divergence.js";
import type { DriftTest, TestOutcome } from "../types.js";
import { requireNonEmpty } from "./samples.js";

/** √(½·KL(p‖m) + ½·KL(q‖m)) with m = (p + q)/2, after normalising p and q. */
export function jensenShannonDistance(pShares: Float64Array, qShares: Float64Array): number {
  const p = normalize(pShares);
  const q = normalize(qShares);
  const m = p.map((value, i) => (value + q[i]!) / 2);
  return Math.sqrt((relativeEntropySum(p, m) + relativeEntropySum(q, m)) / 2);
}

export const jensenShannonTest: DriftTest = {
  name: "jensenshannon",
  label: "Jensen-Shannon distance",
  kind: "distance",
  defaultThreshold: 0.1,
  allowedTypes: ["categorical", "numerical"],
  run(samples, threshold): TestOutcome {
    requireNonEmpty(samples, "jensenshannon");
    const bins = binSamples(samples);
    const statistic = jensenShannonDistance(binShares(bins.reference, false), binShares(bins.current, false));
    return { statistic, p_value: null, drifted: statistic >= threshold };
  },
};
