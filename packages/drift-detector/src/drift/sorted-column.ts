import type { ColumnValues } from "../csv/column-accumulator.js";
import { type NumberSample, type SortWorkspace, sampleSize } from "../stats/index.js";

/**
 * A column of one file made ready for typing and testing: numbers ascending, as distinct values with counts when
 * that is smaller (few distinct values), else as one Float64Array. Built per column when it is compared and dropped
 * after, so only the compact tables stay in memory; the compact values of the column are let go once sorted.
 */
export type SortedColumn =
  | { kind: "numbers"; values: NumberSample; integerOnly: boolean; missing: number }
  | { kind: "labels"; counts: Map<string, number>; missing: number };

/** The column sorted; its numbers into `workspace`'s array for `side` (valid until that side is sorted again). */
export function sortColumn(values: ColumnValues, workspace: SortWorkspace, side: 0 | 1): SortedColumn {
  if (values.kind === "labels") return values;
  const sorted = values.numbers.takeAscending(workspace, side);
  return { kind: "numbers", values: sorted, integerOnly: values.integerOnly, missing: values.missing };
}

/** Non-missing values of a column. */
export function countValues(column: SortedColumn): number {
  if (column.kind === "numbers") return sampleSize(column.values);
  let total = 0;
  for (const count of column.counts.values()) total += count;
  return total;
}
