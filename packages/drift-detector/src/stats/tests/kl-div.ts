// Kullback–Leibler divergence KL(reference ‖ current) as Evidently `kl_div.py`: scipy `stats.entropy` (normalised
// shares, natural log) on the binned shares with zeros filled; drift when the divergence ≥ threshold.
import { binSamples, binShares } from "../binning.js";
import { normalize, relativeEntropySum } from "../divergence.js";
import type { DriftTest, TestOutcome } from "../types.js";
import { requireNonEmpty } from "./samples.js";

export const klDivergenceTest: DriftTest = {
  name: "kl_div",
  label: "Kullback-Leibler divergence",
  kind: "distance",
  defaultThreshold: 0.1,
  allowedTypes: ["categorical", "numerical"],
  run(samples, threshold): TestOutcome {
    requireNonEmpty(samples, "kl_div");
    const bins = binSamples(samples);
    const statistic = relativeEntropySum(normalize(binShares(bins.reference, true)), normalize(binShares(bins.current, true)));
    return { statistic, p_value: null, drifted: statistic >= threshold };
  },
};
