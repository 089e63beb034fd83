import type { ColumnValues } from "../csv/column-accumulator.js";
import {
  type ColumnSamples,
  type ColumnType,
  countDistinctMerged,
  DEFAULT_CHOICE_DISTINCT_CAP,
  type SortWorkspace,
  StatTestInputError,
  sortedNumbers,
  type TestOutcome,
} from "../stats/index.js";
import { columnDistribution } from "./column-distribution.js";
import { toColumnSamples } from "./column-samples.js";
import { inferColumnType } from "./column-type.js";
import { numericSummary } from "./numeric-summary.js";
import type { DriftOptions } from "./options.js";
import type { ColumnDrift, UntestedColumn } from "./result.js";
import { countValues, sortColumn } from "./sorted-column.js";
import { chooseTest } from "./test-choice.js";

/** One side of a column to compare: the file it comes from, that file's row count, and the column's values. */
export interface ColumnSide {
  file: string;
  rows: number;
  values: ColumnValues;
  /** Why this side's column cannot be tested at all (a date-time column). */
  untestable?: string;
}

/** One column of both files: everything its comparison needs, so it can run on any thread. */
export interface ColumnTask {
  column: string;
  reference: ColumnSide;
  current: ColumnSide;
}

/**
 * Sorts, types and tests one column of both files, and summarises both sides (histograms, numeric summaries). The
 * sorted values live in `workspace`'s arrays, reused by the thread's next column: nothing returned refers to them.
 */
export function compareColumn(task: ColumnTask, options: DriftOptions, workspace: SortWorkspace): ColumnDrift | UntestedColumn {
  const { column, reference, current } = task;
  const untestable = reference.untestable ?? current.untestable;
  if (untestable !== undefined) return { column, reason: untestable };
  const referenceValues = sortColumn(reference.values, workspace, 0);
  const currentValues = sortColumn(current.values, workspace, 1);
  for (const [side, values] of [
    [reference, referenceValues],
    [current, currentValues],
  ] as const) {
    if (countValues(values) === 0) return { column, reason: `no values in ${side.file}: every cell is missing` };
  }
  const declared = declaredType(column, options);
  const inferred = declared ? { type: declared } : inferColumnType(referenceValues, currentValues);
  if ("untestable" in inferred) return { column, reason: inferred.untestable };
  const samples = toColumnSamples(
    inferred.type,
    { file: reference.file, values: referenceValues },
    { file: current.file, values: currentValues },
  );
  if ("untestable" in samples) return { column, reason: samples.untestable };
  const { test, threshold } = chooseTest(column, samples.type, options, {
    referenceRows: countValues(referenceValues),
    distinctValues: distinctValues(samples),
  });
  let outcome: TestOutcome;
  try {
    outcome = test.run(samples, threshold);
  } catch (error) {
    if (error instanceof StatTestInputError) return { column, reason: error.message };
    throw error;
  }
  const { distribution, effectSize } = columnDistribution(samples);
  return {
    column,
    type: samples.type,
    test: test.name,
    statistic: outcome.statistic,
    p_value: outcome.p_value,
    threshold,
    drifted: outcome.drifted,
    effect_size: effectSize,
    rows_reference: reference.rows,
    rows_current: current.rows,
    missing_reference: referenceValues.missing,
    missing_current: currentValues.missing,
    distribution,
    ...(samples.type === "numerical" && {
      summary: { reference: numericSummary(samples.reference), current: numericSummary(samples.current) },
    }),
    ...(outcome.note !== undefined && { note: outcome.note }),
  };
}

function declaredType(column: string, options: DriftOptions): ColumnType | undefined {
  if (options.numerical_columns?.includes(column)) return "numerical";
  if (options.categorical_columns?.includes(column)) return "categorical";
  return undefined;
}

/** Evidently's `n_values`, distinct values of both samples together, as far as the default choice looks. */
function distinctValues(samples: ColumnSamples): number {
  if (samples.type === "numerical") {
    return countDistinctMerged(sortedNumbers(samples.reference), sortedNumbers(samples.current), DEFAULT_CHOICE_DISTINCT_CAP);
  }
  return new Set([...samples.reference.keys(), ...samples.current.keys()]).size;
}
