import type { ColumnType, DriftTest } from "../stats/index.js";
import { chooseDefaultTest, getTest } from "../stats/index.js";
import type { DriftOptions } from "./options.js";
import { DriftOptionsError } from "./options-error.js";

export interface ChosenTest {
  test: DriftTest;
  threshold: number;
}

/**
 * The test and threshold for one column, with Evidently's precedence: per column, then per type, then for every
 * column, then the automatic choice by type and size (and the test's default threshold).
 */
export function chooseTest(
  column: string,
  type: ColumnType,
  options: DriftOptions,
  size: { referenceRows: number; distinctValues: number },
): ChosenTest {
  const byType = type === "numerical" ? options.num_stattest : options.cat_stattest;
  const name = options.per_column_stattest?.[column] ?? byType ?? options.stattest;
  if (name === undefined) {
    const test = chooseDefaultTest({ type, ...size });
    return { test, threshold: chooseThreshold(column, type, options) ?? test.defaultThreshold };
  }
  const test = getTest(name);
  if (!test.allowedTypes.includes(type)) {
    // A test that takes the other type names the option that declares it (e.g. the integer wine grade is categorical).
    const declare = test.allowedTypes.length === 1 ? `; list it in ${test.allowedTypes[0]}_columns to test it as one` : "";
    throw new DriftOptionsError(
      `test "${name}" cannot compare column "${column}", which is ${type} (it takes ${test.allowedTypes.join(" and ")} columns${declare})`,
    );
  }
  return { test, threshold: chooseThreshold(column, type, options) ?? test.defaultThreshold };
}

function chooseThreshold(column: string, type: ColumnType, options: DriftOptions): number | undefined {
  const byType = type === "numerical" ? options.num_stattest_threshold : options.cat_stattest_threshold;
  return options.per_column_stattest_threshold?.[column] ?? byType ?? options.stattest_threshold;
}
