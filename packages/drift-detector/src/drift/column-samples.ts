import { type ColumnSamples, type ColumnType, type NumberSample, RunCursor, sortedNumbers } from "../stats/index.js";
import type { SortedColumn } from "./sorted-column.js";

/** The two sides of a column in the shape the tests take, or why they cannot be (numbers asked of text). */
export function toColumnSamples(
  type: ColumnType,
  reference: { file: string; values: SortedColumn },
  current: { file: string; values: SortedColumn },
): ColumnSamples | { untestable: string } {
  if (type === "categorical") {
    return { type, reference: toLabelCounts(reference.values), current: toLabelCounts(current.values) };
  }
  for (const side of [reference, current]) {
    if (side.values.kind === "labels") {
      const example = side.values.counts.keys().next().value;
      return { untestable: `declared numerical, but ${side.file} holds values that are not numbers, e.g. "${example}"` };
    }
  }
  return {
    type,
    reference: (reference.values as { values: NumberSample }).values,
    current: (current.values as { values: NumberSample }).values,
  };
}

/** Counts per label; numbers (sorted ascending) become labels in JavaScript's shortest spelling, "5" for 5. */
function toLabelCounts(values: SortedColumn): ReadonlyMap<string, number> {
  if (values.kind === "labels") return values.counts;
  const counts = new Map<string, number>();
  const runs = new RunCursor(sortedNumbers(values.values));
  while (runs.next()) counts.set(String(runs.value), runs.count);
  return counts;
}
