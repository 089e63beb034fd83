// Chi-square goodness of fit of the current counts against the reference shares, as Evidently `chisquare_stattest.py`:
// expected = reference count × (current rows / reference rows), scipy `stats.chisquare`, df = k − 1; drift when p < threshold.
import { pairedCounts } from "../counts.js";
import { chiSquareSf } from "../distributions/gamma.js";
import { definePValueTest } from "./define-test.js";

/** Stands in for scipy's infinite statistic (a category absent from the reference) so results stay JSON numbers. */
const INFINITE_STATISTIC = Number.MAX_VALUE;

export const chiSquareTest = definePValueTest({
  name: "chisquare",
  label: "chi-square p_value",
  // Evidently registers it for categorical columns but its automatic choice also uses it on numerical ones with 3–5 values.
  allowedTypes: ["categorical", "numerical"],
  measure(samples) {
    const counts = pairedCounts(samples);
    const scale = counts.currentRows / counts.referenceRows;
    const absent: string[] = [];
    let statistic = 0;
    for (let k = 0; k < counts.keys.length; k++) {
      const expected = counts.reference[k]! * scale;
      const observed = counts.current[k]!;
      if (expected === 0) absent.push(String(counts.keys[k]));
      else statistic += (observed - expected) ** 2 / expected;
    }
    if (absent.length > 0) {
      const shown = absent.slice(0, 5).join(", ") + (absent.length > 5 ? `, … (${absent.length} in all)` : "");
      return {
        statistic: INFINITE_STATISTIC,
        pValue: 0,
        note: `categories absent from the reference: ${shown}; their expected count is 0, so the chi-square statistic is infinite (reported as the largest finite number) and p = 0`,
      };
    }
    if (counts.keys.length === 1) {
      return {
        statistic,
        pValue: 1,
        note: "a single value in both samples: nothing to compare (scipy's chi-square has 0 degrees of freedom and returns NaN)",
      };
    }
    return { statistic, pValue: chiSquareSf(statistic, counts.keys.length - 1) };
  },
});
