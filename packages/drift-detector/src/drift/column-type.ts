import type { ColumnType } from "../stats/index.js";
import { countDistinctMerged, RunCursor, sortedNumbers } from "../stats/index.js";
import { countValues, type SortedColumn } from "./sorted-column.js";

/** Evidently `core/datasets.py`: an integer column with at most this many distinct values is categorical. */
export const INTEGER_CARDINALITY_LIMIT = 10;
/** Evidently `core/datasets.py`: a text column whose distinct values exceed this share of its values is free text. */
const TEXT_DISTINCT_SHARE = 0.5;

export type InferredType = { type: ColumnType } | { untestable: string };

/**
 * The type Evidently's `infer_column_type` gives a column read by `pandas.read_csv`, decided on both files
 * together so neither file alone can flip it:
 * - numbers with a decimal point or exponent anywhere (pandas `float64`) → numerical; so are integer columns with
 *   a missing cell, because pandas reads those as `float64` too;
 * - integers only, no missing cell (pandas `int64`): ≤ 10 distinct values → categorical (the wine `quality`
 *   grade), more → numerical;
 * - any non-numeric cell → categorical, unless more than half the values are distinct: free text, which
 *   Evidently does not test as a category, so neither do we (the column is listed as untested).
 * Numerical arrays must be sorted ascending.
 */
export function inferColumnType(reference: SortedColumn, current: SortedColumn): InferredType {
  if (reference.kind === "numbers" && current.kind === "numbers") {
    const pandasInt64 = reference.integerOnly && current.integerOnly && reference.missing === 0 && current.missing === 0;
    if (!pandasInt64) return { type: "numerical" };
    const distinct = countDistinctMerged(
      sortedNumbers(reference.values),
      sortedNumbers(current.values),
      INTEGER_CARDINALITY_LIMIT + 1,
    );
    return { type: distinct <= INTEGER_CARDINALITY_LIMIT ? "categorical" : "numerical" };
  }
  const distinct = distinctLabels(reference, current);
  const values = countValues(reference) + countValues(current);
  if (distinct > values * TEXT_DISTINCT_SHARE) {
    return {
      untestable:
        `free text: ${distinct} distinct values among ${values} (more than ${TEXT_DISTINCT_SHARE * 100}%), ` +
        "so not tested as a category (list it in categorical_columns to test it anyway)",
    };
  }
  return { type: "categorical" };
}

function distinctLabels(reference: SortedColumn, current: SortedColumn): number {
  const labels = new Set<string>();
  for (const side of [reference, current]) {
    if (side.kind === "labels") for (const label of side.counts.keys()) labels.add(label);
    else for (const runs = new RunCursor(sortedNumbers(side.values)); runs.next(); ) labels.add(String(runs.value));
  }
  return labels.size;
}
