// Two-proportion Z-test as Evidently `z_stattest.py`: the smallest value counts as 0, every other value as 1;
// z = (p1 − p2)/√(P(1−P)(1/n1 + 1/n2)); drift when p < threshold. The p-value is erfc(|z|/√2), which equals Evidently's
// 2·(1 − Φ(|z|)) without its cancellation to 0 beyond |z| ≈ 8.3.
import { pairedCounts } from "../counts.js";
import { normalTwoSidedP } from "../distributions/normal.js";
import { definePValueTest } from "./define-test.js";

export const zTest = definePValueTest({
  name: "z",
  label: "Z-test p_value",
  // Evidently registers it for categorical columns; its automatic choice also uses it on numerical ones with ≤ 2 values.
  allowedTypes: ["categorical", "numerical"],
  measure(samples) {
    const counts = pairedCounts(samples);
    if (counts.keys.length === 1) {
      return { statistic: 0, pValue: 1, note: "both samples hold one and the same value" };
    }
    const n1 = counts.referenceRows;
    const n2 = counts.currentRows;
    const p1 = (n1 - counts.reference[0]!) / n1;
    const p2 = (n2 - counts.current[0]!) / n2;
    const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    const pValue = normalTwoSidedP(z);
    if (counts.keys.length === 2) return { statistic: z, pValue };
    return {
      statistic: z,
      pValue,
      note: `${counts.keys.length} distinct values: "${counts.keys[0]}" is compared against all others together`,
    };
  },
});
