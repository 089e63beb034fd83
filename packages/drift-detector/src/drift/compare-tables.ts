import { CsvFormatError } from "../csv/errors.js";
import type { CsvLimits } from "../csv/limits.js";
import type { CsvTable } from "../csv/table-builder.js";
import type { ThreadGroup } from "../threads/thread-group.js";
import type { CollectGarbage } from "./collect-garbage.js";
import { columnThreadCount, compareColumns } from "./compare-columns.js";
import type { DriftOptions } from "./options.js";
import { DriftOptionsError } from "./options-error.js";
import { correctVerdicts } from "./p-value-correction.js";
import type { ScratchSpace } from "./read-dataset.js";
import type { ColumnDrift, DriftResult, UntestedColumn } from "./result.js";
import { TablePair } from "./table-pair.js";

/**
 * Bytes a column's comparison holds per value of both files at most: the sorted doubles of both sides (8 + 8) and,
 * briefly, the compact values of one side or a sort buffer (8).
 */
const COMPARISON_BYTES_PER_VALUE = 24;

/** What comparing two tables read needs besides them. */
export interface ComparisonSettings {
  options: DriftOptions;
  limits: CsvLimits;
  /** Most threads comparing columns at once (default: one per core). */
  workers: number | undefined;
  /** Bytes of values the run may hold in memory; half of it while testing. */
  budget: number;
  scratch: ScratchSpace | undefined;
  collectGarbage: CollectGarbage;
  /** The run's threads: the reading threads, idle now, compare columns before any new one is started. */
  threads: ThreadGroup;
}

/**
 * The drift verdict of two tables already read. Columns are compared on as many threads as the cores, the cap and
 * half the memory budget allow (at least one): a thread holds one column of both files while it compares it.
 */
export async function compareTables(
  [reference, current]: [CsvTable, CsvTable],
  { options, limits, workers, budget, scratch, collectGarbage, threads }: ComparisonSettings,
): Promise<DriftResult> {
  const pair = new TablePair(reference, current, scratch, limits, collectGarbage);
  const shared = [...reference.columns.keys()].filter((column) => current.columns.has(column));
  if (shared.length === 0) {
    throw new CsvFormatError(current.file, `no column in common with ${reference.file}`, { row: 1 });
  }
  checkNamedColumns(options, new Set(shared));
  const selected = options.columns ?? shared;
  const perColumn = COMPARISON_BYTES_PER_VALUE * (reference.rows + current.rows);
  const withinBudget = Math.max(1, Math.floor(budget / 2 / perColumn));
  const outcomes = await compareColumns(
    selected.length,
    (index) => pair.task(selected[index] as string),
    options,
    Math.min(columnThreadCount(selected.length, workers), withinBudget),
    threads,
  );
  const tested: ColumnDrift[] = [];
  const untested: UntestedColumn[] = [];
  for (const outcome of outcomes) {
    if ("reason" in outcome) untested.push(outcome);
    else tested.push(outcome);
  }
  const columns = correctVerdicts(tested, options.p_value_correction);
  const drifted = columns.filter((column) => column.drifted).length;
  const driftShare = columns.length === 0 ? 0 : drifted / columns.length;
  return {
    drift_detected: columns.length > 0 && driftShare >= options.drift_share,
    drift_share: driftShare,
    drift_share_threshold: options.drift_share,
    p_value_correction: options.p_value_correction,
    number_of_columns: columns.length,
    number_of_drifted_columns: drifted,
    rows_reference: reference.rows,
    rows_current: current.rows,
    columns,
    columns_only_in_reference: [...reference.columns.keys()].filter((column) => !current.columns.has(column)),
    columns_only_in_current: [...current.columns.keys()].filter((column) => !reference.columns.has(column)),
    untested_columns: untested,
  };
}

/** Every column the options name must be one both files have: a typo would otherwise pass silently. */
function checkNamedColumns(options: DriftOptions, shared: ReadonlySet<string>): void {
  const named: Array<[string, Iterable<string>]> = [
    ["columns", options.columns ?? []],
    ["numerical_columns", options.numerical_columns ?? []],
    ["categorical_columns", options.categorical_columns ?? []],
    ["per_column_stattest", Object.keys(options.per_column_stattest ?? {})],
    ["per_column_stattest_threshold", Object.keys(options.per_column_stattest_threshold ?? {})],
  ];
  for (const [option, columns] of named) {
    for (const column of columns) {
      if (!shared.has(column)) throw new DriftOptionsError(`${option} names column "${column}", which is not in both files`);
    }
  }
}
