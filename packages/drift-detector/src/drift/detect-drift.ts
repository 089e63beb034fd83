import type { ColumnValues } from "../csv/column-accumulator.js";
import { CsvFormatError } from "../csv/errors.js";
import { type CsvLimits, csvLimits } from "../csv/limits.js";
import type { CsvTable } from "../csv/read-csv.js";
import { columnThreadCount, compareColumns } from "./compare-columns.js";
import { type DriftOptions, DriftOptionsError, driftOptionsSchema } from "./options.js";
import { correctVerdicts } from "./p-value-correction.js";
import { type DatasetSource, readDataset, type ScratchSpace } from "./read-dataset.js";
import type { ColumnDrift, DriftResult, UntestedColumn } from "./result.js";

/** How a run uses the machine; none of it changes a result. */
export interface DriftEngineSettings {
  /** Most column threads to use (default: one per core). */
  workers?: number;
  /** A new scratch space for a run, where a Parquet object is written to be read by range (default: held in memory). */
  scratchSpace?: () => ScratchSpace;
}

/**
 * Compares every column the two files share, each with its own test (its verdict corrected for multiple testing
 * when the options ask), and gives the dataset verdict: drift when the share of drifted columns reaches `drift_share`.
 * Both files, each CSV or Parquet, are read at the same time, each within `limits`.
 */
export async function detectDrift(
  reference: DatasetSource,
  current: DatasetSource,
  options: DriftOptions = driftOptionsSchema.parse({}),
  limits: CsvLimits = csvLimits({}, (name) => `the ${name} limit`),
  engine: DriftEngineSettings = {},
): Promise<DriftResult> {
  const scratch = engine.scratchSpace?.();
  try {
    // The first file to fail stops the reading of the other.
    const abort = new AbortController();
    const read = (source: DatasetSource) =>
      readDataset(source, limits, scratch, abort.signal).catch((error: unknown) => {
        abort.abort(error);
        throw error;
      });
    const [referenceTable, currentTable] = await Promise.all([read(reference), read(current)]);
    return await compareTables(referenceTable, currentTable, options, engine);
  } finally {
    await scratch?.dispose();
  }
}

/** The drift verdict of two tables already read. */
async function compareTables(
  reference: CsvTable,
  current: CsvTable,
  options: DriftOptions,
  engine: DriftEngineSettings,
): Promise<DriftResult> {
  const shared = [...reference.columns.keys()].filter((column) => current.columns.has(column));
  if (shared.length === 0) {
    throw new CsvFormatError(current.file, `no column in common with ${reference.file}`, { row: 1 });
  }
  checkNamedColumns(options, new Set(shared));
  const selected = options.columns ?? shared;
  const side = (table: CsvTable, column: string) => {
    const untestable = table.untestable?.get(column);
    return {
      file: table.file,
      rows: table.rows,
      values: table.columns.get(column) as ColumnValues,
      ...(untestable !== undefined && { untestable }),
    };
  };
  const outcomes = await compareColumns(
    selected.length,
    (index) => {
      const column = selected[index] as string;
      return { column, reference: side(reference, column), current: side(current, column) };
    },
    options,
    columnThreadCount(selected.length, engine.workers),
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
