// Kullback–Leibler divergence KL(reference ‖ current) as Evidently `kl_div.py`: scipy `stats.entropy` (normalised
// shares, natural log) on the binned shares with zeros filled; drift when the divergence ≥ threshold.
import { binSamples, binShares } from "../binning.js";
import { normalize, relativeEntropySum } from "../divergence.js";
import { defineDistanceTest } from "./define-test.js";

export const klDivergenceTest = defineDistanceTest({
  name: "kl_div",
  label: "Kullback-Leibler divergence",
  allowedTypes: ["categorical", "numerical"],
  measure(samples) {
    const bins = binSamples(samples);
    return { distance: relativeEntropySum(normalize(binShares(bins.reference, true)), normalize(binShares(bins.current, true))) };
  },
});
