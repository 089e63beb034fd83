// Population Stability Index as Evidently `psi.py`: Σ (r − c)·ln(r/c) over the binned shares with zeros filled;
// drift when PSI ≥ threshold.
import { binSamples, binShares } from "../binning.js";
import { defineDistanceTest } from "./define-test.js";

export const psiTest = defineDistanceTest({
  name: "psi",
  label: "PSI",
  allowedTypes: ["categorical", "numerical"],
  measure(samples) {
    const bins = binSamples(samples);
    const reference = binShares(bins.reference, true);
    const current = binShares(bins.current, true);
    let distance = 0;
    for (let i = 0; i < reference.length; i++) {
      distance += (reference[i]! - current[i]!) * Math.log(reference[i]! / current[i]!);
    }
    return { distance };
  },
});
