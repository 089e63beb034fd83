import { adjustPValues, getTest, type PValueCorrection } from "../stats/index.js";
import type { ColumnDrift } from "./result.js";

/**
 * The column verdicts under a multiple-testing correction: the p-values of all tested columns are adjusted together
 * (distance tests are not counted) and each adjusted p-value is judged by its own test's rule and threshold.
 */
export function correctVerdicts(columns: readonly ColumnDrift[], correction: PValueCorrection): ColumnDrift[] {
  if (correction === "none") return [...columns];
  const adjusted = adjustPValues(
    columns.map((column) => column.p_value),
    correction,
  );
  return columns.map((column, k) => {
    const pValue = adjusted[k] ?? null;
    const drifted = pValue === null ? column.drifted : getTest(column.test).drifts(pValue, column.threshold);
    return { ...column, adjusted_p_value: pValue, drifted };
  });
}
