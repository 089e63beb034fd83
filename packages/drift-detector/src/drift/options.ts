import { z } from "zod";
import { P_VALUE_CORRECTIONS, STAT_TEST_NAMES } from "../stats/index.js";
import { DEFAULT_DRIFT_SHARE, DEFAULT_P_VALUE_CORRECTION } from "./default-options.js";

const testName = z.enum(STAT_TEST_NAMES).describe("A drift test, named as Evidently names it");
const threshold = z.number().positive().finite();
const columnList = z.array(z.string().min(1));

/**
 * How a drift run chooses its tests: the parameters of Evidently's `DataDriftPreset` under the same names, so a
 * data scientist's settings carry over, plus the column types of Evidently's `DataDefinition`. Precedence, as in
 * Evidently: per column, then per type (`num_`/`cat_`), then for every column, then the automatic choice.
 * `p_value_correction` is ours (research notes: false alarms with many columns). The
 * `--config` file of the CLI and the service's run options are this object.
 */
export const driftOptionsSchema = z
  .strictObject({
    drift_share: z
      .number()
      .gt(0)
      .max(1)
      .default(DEFAULT_DRIFT_SHARE)
      .describe("Dataset drift when the share of drifted columns reaches this (Evidently `drift_share`)"),
    columns: columnList.optional().describe("Test only these columns (default: every column both files have)"),
    stattest: testName.optional().describe("Test for every column, replacing the automatic choice"),
    num_stattest: testName.optional().describe("Test for numerical columns"),
    cat_stattest: testName.optional().describe("Test for categorical columns"),
    per_column_stattest: z.record(z.string(), testName).optional().describe("Test per column name"),
    stattest_threshold: threshold.optional().describe("Threshold for every column, replacing the test's default"),
    num_stattest_threshold: threshold.optional().describe("Threshold for numerical columns"),
    cat_stattest_threshold: threshold.optional().describe("Threshold for categorical columns"),
    per_column_stattest_threshold: z.record(z.string(), threshold).optional().describe("Threshold per column name"),
    numerical_columns: columnList.optional().describe("Columns compared as numbers, whatever typing would infer"),
    categorical_columns: columnList.optional().describe("Columns compared as categories, whatever typing would infer"),
    p_value_correction: z
      .enum(P_VALUE_CORRECTIONS)
      .default(DEFAULT_P_VALUE_CORRECTION)
      .describe(
        "Multiple-testing correction of the p-values of the tested columns (not an Evidently option, so off by default): " +
          "`bonferroni` multiplies each by the number of p-value tests, `benjamini-hochberg` gives step-up adjusted " +
          "p-values (false discovery rate). Each adjusted p-value is judged by its own test's rule and threshold: `ks` " +
          "drifts at p ≤ threshold, `chisquare` and `z` at p < threshold. Distance tests are neither adjusted nor counted.",
      ),
  })
  .superRefine((options, context) => {
    const numerical = new Set(options.numerical_columns ?? []);
    for (const column of options.categorical_columns ?? []) {
      if (numerical.has(column)) {
        context.addIssue({
          code: "custom",
          path: ["categorical_columns"],
          message: `column "${column}" cannot be both numerical and categorical`,
        });
      }
    }
  });

export type DriftOptions = z.output<typeof driftOptionsSchema>;
export type DriftOptionsInput = z.input<typeof driftOptionsSchema>;
