import type { ColumnDrift } from "../drift/result.js";
import { formatNumber } from "./format-number.js";

/** The value a column's verdict was decided on: its p-value, or the distance for distance tests. */
export function decisionValue(column: ColumnDrift): { kind: "p-value" | "distance"; text: string } {
  return column.p_value === null
    ? { kind: "distance", text: formatNumber(column.statistic) }
    : { kind: "p-value", text: formatNumber(column.p_value) };
}

/** When the test calls drift: a small p-value, or a large distance. */
export function driftRule(column: ColumnDrift): string {
  return column.p_value === null
    ? `drift at ≥ ${formatNumber(column.threshold)}`
    : `drift below ${formatNumber(column.threshold)}`;
}

/** Share of a dataset's rows in which the column was missing. */
export function missingShare(missing: number, rows: number): number {
  return rows > 0 ? missing / rows : 0;
}
