import { CsvFormatError } from "../csv/errors.js";
import { type CsvLimits, csvLimits } from "../csv/limits.js";
import type { CollectGarbage } from "./collect-garbage.js";
import { columnThreadCount, compareColumns } from "./compare-columns.js";
import { DEFAULT_DRIFT_OPTIONS } from "./default-options.js";
import type { DriftOptions } from "./options.js";
import { DriftOptionsError } from "./options-error.js";
import { correctVerdicts } from "./p-value-correction.js";
import { type DatasetSide, type DatasetSource, readDataset, type ScratchSpace } from "./read-dataset.js";
import type { ColumnDrift, DriftResult, UntestedColumn } from "./result.js";
import { TablePair } from "./table-pair.js";

/** How a run uses the machine; none of it changes a result. */
export interface DriftEngineSettings {
  /** Most column threads to use (default: one per core). */
  workers?: number;
  /**
   * A new scratch space for a run: where a Parquet object is written to be read by range, and numbers are spilled
   * past the memory budget. Without one, everything is held in memory.
   */
  scratchSpace?: () => ScratchSpace;
  /** Bytes of values a run may hold in memory (default 512 MiB): half while reading, half while testing. */
  memoryBudgetBytes?: number;
  /**
   * Called on the run's thread after it lets go of large arrays: each batch of numbers spilled, each spilled column
   * joined again. Without one, V8 frees them at its next collection of its own.
   */
  collectGarbage?: CollectGarbage;
}

export const DEFAULT_MEMORY_BUDGET_BYTES = 512 * 1024 ** 2;
/**
 * Bytes a column's comparison holds per value of both files at most: the sorted doubles of both sides (8 + 8) and,
 * briefly, the compact values of one side or a sort buffer (8).
 */
const COMPARISON_BYTES_PER_VALUE = 24;

/**
 * Compares every column the two files share, each with its own test (its verdict corrected for multiple testing
 * when the options ask), and gives the dataset verdict: drift when the share of drifted columns reaches `drift_share`.
 * Both files, each CSV or Parquet, are read at the same time, each within `limits`.
 */
export async function detectDrift(
  reference: DatasetSource,
  current: DatasetSource,
  options: DriftOptions = DEFAULT_DRIFT_OPTIONS,
  limits: CsvLimits = csvLimits({}, (name) => `the ${name} limit`),
  engine: DriftEngineSettings = {},
): Promise<DriftResult> {
  const scratch = engine.scratchSpace?.();
  const budget = engine.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const collectGarbage = engine.collectGarbage ?? (() => {});
  try {
    // The first file to fail stops the reading of the other. Each may hold a quarter of the budget before spilling.
    const abort = new AbortController();
    const memory = { scratch, spillThresholdBytes: budget / 4, collectGarbage };
    const read = (source: DatasetSource, side: DatasetSide) =>
      readDataset(source, side, limits, memory, abort.signal).catch((error: unknown) => {
        abort.abort(error);
        throw error;
      });
    const tables = await Promise.all([read(reference, "reference"), read(current, "current")]);
    return await compareTables(
      new TablePair(tables[0], tables[1], scratch, limits, collectGarbage),
      options,
      engine.workers,
      budget,
    );
  } finally {
    await scratch?.dispose();
  }
}

/**
 * The drift verdict of two tables already read. Columns are compared on as many threads as the cores, the cap and
 * half the memory budget allow (at least one): a thread holds one column of both files while it compares it.
 */
async function compareTables(
  pair: TablePair,
  options: DriftOptions,
  workers: number | undefined,
  budget: number,
): Promise<DriftResult> {
  const { reference, current } = pair;
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
