import { describe, expect, it } from "vitest";
import { formatDriftText } from "./format-text.js";
import type { ColumnDrift, DriftResult } from "./result.js";

const column = (overrides: Partial<ColumnDrift>): ColumnDrift => ({
  column: "x",
  type: "numerical",
  test: "ks",
  statistic: 0.5,
  p_value: 0.01,
  threshold: 0.05,
  drifted: true,
  effect_size: 0.25,
  rows_reference: 10,
  rows_current: 12,
  missing_reference: 0,
  missing_current: 2,
  distribution: { kind: "categories", categories: ["a"], reference: [10], current: [10] },
  ...overrides,
});

const result: DriftResult = {
  drift_detected: true,
  drift_share: 2 / 3,
  drift_share_threshold: 0.5,
  p_value_correction: "none",
  number_of_columns: 3,
  number_of_drifted_columns: 2,
  rows_reference: 10,
  rows_current: 12,
  columns: [
    column({ column: "temperature" }),
    column({
      column: "grade",
      type: "categorical",
      test: "chisquare",
      statistic: Number.MAX_VALUE,
      p_value: 0,
      note: "category z is new",
    }),
    column({ column: "pressure", test: "wasserstein", statistic: 0.00001234, p_value: null, threshold: 0.1, drifted: false }),
  ],
  columns_only_in_reference: ["old"],
  columns_only_in_current: ["new1", "new2"],
  untested_columns: [{ column: "empty", reason: "no values in ref.csv: every cell is missing" }],
};

describe("formatDriftText", () => {
  it("prints the verdict, an aligned line per column, notes, and the columns not tested", () => {
    expect(formatDriftText(result, { reference: "ref.csv", current: "cur.csv" })).toBe(
      [
        "DRIFT DETECTED: 2 of 3 tested columns drifted (66.7%), reaching the 50% share at which the dataset counts as drifted",
        "reference: ref.csv (10 rows)",
        "current:   cur.csv (12 rows)",
        "",
        "column       type         test         statistic   p-value  threshold  drifted  effect  missing ref/cur",
        "temperature  numerical    ks           0.5         0.01     0.05       DRIFT    0.25    0/2",
        "grade        categorical  chisquare    1.798e+308  0        0.05       DRIFT    0.25    0/2",
        "pressure     numerical    wasserstein  1.234e-5    -        0.1        no       0.25    0/2",
        "",
        "note on grade: category z is new",
        "",
        "only in reference, not tested: old",
        "",
        "only in current, not tested: new1, new2",
        "",
        "not tested:",
        "  empty: no values in ref.csv: every cell is missing",
        "",
      ].join("\n"),
    );
  });

  it("shows the adjusted p-values beside the test's own when a correction applies", () => {
    const corrected: DriftResult = {
      ...result,
      p_value_correction: "bonferroni",
      columns: [
        column({ column: "temperature", p_value: 0.01, adjusted_p_value: 0.02 }),
        column({
          column: "pressure",
          test: "wasserstein",
          statistic: 0.2,
          p_value: null,
          adjusted_p_value: null,
          threshold: 0.1,
        }),
      ],
    };
    const lines = formatDriftText(corrected, { reference: "ref.csv", current: "cur.csv" }).split("\n");
    expect(lines.slice(3, 8)).toEqual([
      "p-values corrected for multiple testing (bonferroni); verdicts judge the adjusted p-value",
      "",
      "column       type       test         statistic  p-value  adjusted p  threshold  drifted  effect  missing ref/cur",
      "temperature  numerical  ks           0.5        0.01     0.02        0.05       DRIFT    0.25    0/2",
      "pressure     numerical  wasserstein  0.2        -        -           0.1        DRIFT    0.25    0/2",
    ]);
  });
});
