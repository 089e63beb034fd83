import { meanAndStd } from "../stats/index.js";
import type { NumericSummary } from "./result.js";

/** Mean, population standard deviation (ddof = 0, as the normed Wasserstein test uses), min and max of sorted values. */
export function numericSummary(sorted: Float64Array): NumericSummary {
  const { mean, std } = meanAndStd(sorted);
  return { mean, std, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}
