import { meanAndStd, type NumberSample, sortedNumbers } from "../stats/index.js";
import type { NumericSummary } from "./result.js";

/** Mean, population standard deviation (ddof = 0, as the normed Wasserstein test uses), min and max of a sample. */
export function numericSummary(sample: NumberSample): NumericSummary {
  const sorted = sortedNumbers(sample);
  const { mean, std } = meanAndStd(sorted);
  const { values } = sorted;
  return { mean, std, min: values[0] as number, max: values[values.length - 1] as number };
}
