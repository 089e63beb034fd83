// Population Stability Index as Evidently `psi.py`: Σ (r − c)·ln(r/c) over the binned shares with zeros filled;
// drift when PSI ≥ threshold.
import { binSamples, binShares } from "../binning.js";
import type { DriftTest, TestOutcome } from "../types.js";
import { requireNonEmpty } from "./samples.js";

export const psiTest: DriftTest = {
  name: "psi",
  label: "PSI",
  kind: "distance",
  defaultThreshold: 0.1,
  allowedTypes: ["categorical", "numerical"],
  run(samples, threshold): TestOutcome {
    requireNonEmpty(samples, "psi");
    const bins = binSamples(samples);
    const reference = binShares(bins.reference, true);
    const current = binShares(bins.current, true);
    let statistic = 0;
    for (let i = 0; i < reference.length; i++) {
      statistic += (reference[i]! - current[i]!) * Math.log(reference[i]! / current[i]!);
    }
    return { statistic, p_value: null, drifted: statistic >= threshold };
  },
};
