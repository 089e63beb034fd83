import type { ColumnType, PValueCorrection, StatTestName } from "../stats/index.js";

/** Counts on shared bins (numerical) or per category, enough to draw both distributions. */
export type Distribution =
  | { kind: "histogram"; edges: number[]; reference: number[]; current: number[] }
  | { kind: "categories"; categories: string[]; reference: number[]; current: number[] };

export interface NumericSummary {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface ColumnDrift {
  column: string;
  type: ColumnType;
  test: StatTestName;
  statistic: number;
  /** The test's own p-value; null for distance tests. */
  p_value: number | null;
  /**
   * Only when `p_value_correction` is not "none": the corrected p-value, which `drifted` then judges (null for
   * distance tests, which are not corrected).
   */
  adjusted_p_value?: number | null;
  threshold: number;
  drifted: boolean;
  /** Jensen–Shannon distance of the two distributions on `distribution`'s bins: comparable across columns, used to rank them. */
  effect_size: number;
  rows_reference: number;
  rows_current: number;
  missing_reference: number;
  missing_current: number;
  distribution: Distribution;
  /** Numerical columns only. */
  summary?: { reference: NumericSummary; current: NumericSummary };
  note?: string;
}

/** A column that exists in both files but could not be tested (e.g. entirely missing on one side). */
export interface UntestedColumn {
  column: string;
  reason: string;
}

export interface DriftResult {
  drift_detected: boolean;
  /** Share of tested columns that drifted. */
  drift_share: number;
  drift_share_threshold: number;
  /** The multiple-testing correction applied to the p-values of the tested columns ("none": Evidently's verdicts). */
  p_value_correction: PValueCorrection;
  number_of_columns: number;
  number_of_drifted_columns: number;
  rows_reference: number;
  rows_current: number;
  columns: ColumnDrift[];
  columns_only_in_reference: string[];
  columns_only_in_current: string[];
  untested_columns: UntestedColumn[];
}
