import type { ColumnValues } from "../csv/column-accumulator.js";
import type { SortWorkspace } from "../stats/index.js";

/**
 * A column of one file made ready for typing and testing: numbers as one ascending Float64Array. Built per column
 * when it is compared and dropped after, so only the compact tables stay in memory (8 bytes a value, briefly); the
 * compact values of the column are let go as soon as they are sorted.
 */
export type SortedColumn =
  | { kind: "numbers"; values: Float64Array; integerOnly: boolean; missing: number }
  | { kind: "labels"; counts: Map<string, number>; missing: number };

/** The column sorted; its numbers into `workspace`'s array for `side` (valid until that side is sorted again). */
export function sortColumn(values: ColumnValues, workspace: SortWorkspace, side: 0 | 1): SortedColumn {
  if (values.kind === "labels") return values;
  const sorted = values.numbers.takeSorted(workspace, side);
  return { kind: "numbers", values: sorted, integerOnly: values.integerOnly, missing: values.missing };
}

/** Non-missing values of a column. */
export function countValues(column: SortedColumn): number {
  if (column.kind === "numbers") return column.values.length;
  let total = 0;
  for (const count of column.counts.values()) total += count;
  return total;
}
