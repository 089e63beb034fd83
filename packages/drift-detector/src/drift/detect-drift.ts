import type { ColumnValues } from "../csv/column-accumulator.js";
import { CsvFormatError } from "../csv/errors.js";
import { type CsvLimits, csvLimits } from "../csv/limits.js";
import type { CsvTable } from "../csv/read-csv.js";
import { readCsvTableOffThread } from "../csv/read-csv-off-thread.js";
import {
  type ColumnSamples,
  type ColumnType,
  countDistinctMerged,
  StatTestInputError,
  type TestOutcome,
} from "../stats/index.js";
import { columnDistribution } from "./column-distribution.js";
import { toColumnSamples } from "./column-samples.js";
import { inferColumnType } from "./column-type.js";
import { numericSummary } from "./numeric-summary.js";
import { type DriftOptions, DriftOptionsError, driftOptionsSchema } from "./options.js";
import { correctVerdicts } from "./p-value-correction.js";
import type { ColumnDrift, DriftResult, UntestedColumn } from "./result.js";
import { countValues, sortColumn } from "./sorted-column.js";
import { chooseTest } from "./test-choice.js";

/** A named CSV byte stream: a file, an S3 object. The name is what errors and results call it. */
export interface CsvSource {
  name: string;
  stream: AsyncIterable<Uint8Array | string>;
}

/**
 * Compares every column the two files share, each with its own test (its verdict corrected for multiple testing
 * when the options ask), and gives the dataset verdict: drift when the share of drifted columns reaches `drift_share`.
 * Both files are read at the same time, each within `limits`.
 */
export async function detectDrift(
  reference: CsvSource,
  current: CsvSource,
  options: DriftOptions = driftOptionsSchema.parse({}),
  limits: CsvLimits = csvLimits({}, (name) => `the ${name} limit`),
): Promise<DriftResult> {
  // The first file to fail stops the reading of the other.
  const abort = new AbortController();
  const read = (source: CsvSource) =>
    readCsvTableOffThread(source.stream, source.name, limits, abort.signal).catch((error: unknown) => {
      abort.abort(error);
      throw error;
    });
  const [referenceTable, currentTable] = await Promise.all([read(reference), read(current)]);
  return compareTables(referenceTable, currentTable, options);
}

/** The drift verdict of two tables already read. */
function compareTables(reference: CsvTable, current: CsvTable, options: DriftOptions): DriftResult {
  const shared = [...reference.columns.keys()].filter((column) => current.columns.has(column));
  if (shared.length === 0) {
    throw new CsvFormatError(current.file, `no column in common with ${reference.file}`, { row: 1 });
  }
  checkNamedColumns(options, new Set(shared));
  const selected = options.columns ?? shared;
  const tested: ColumnDrift[] = [];
  const untested: UntestedColumn[] = [];
  for (const column of selected) {
    const outcome = compareColumn(column, reference, current, options);
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

function compareColumn(
  column: string,
  reference: CsvTable,
  current: CsvTable,
  options: DriftOptions,
): ColumnDrift | UntestedColumn {
  const referenceValues = sortColumn(reference.columns.get(column) as ColumnValues);
  const currentValues = sortColumn(current.columns.get(column) as ColumnValues);
  for (const [table, values] of [
    [reference, referenceValues],
    [current, currentValues],
  ] as const) {
    if (countValues(values) === 0) return { column, reason: `no values in ${table.file}: every cell is missing` };
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

/** Evidently's `n_values`: distinct values of both samples together. */
function distinctValues(samples: ColumnSamples): number {
  if (samples.type === "numerical") return countDistinctMerged(samples.reference, samples.current);
  return new Set([...samples.reference.keys(), ...samples.current.keys()]).size;
}
