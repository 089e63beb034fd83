import type { NumberSample } from "./sorted.js";

/** How a column is compared: numbers on a line, or labels. */
export type ColumnType = "numerical" | "categorical";

/** Test names as Evidently spells them, so a data scientist's settings carry over. */
export const STAT_TEST_NAMES = ["ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi", "kl_div", "hellinger"] as const;
export type StatTestName = (typeof STAT_TEST_NAMES)[number];

/**
 * The non-missing values of one column in both datasets. Numerical columns keep every value, as an array or as
 * distinct values with counts (`CountedNumbers`); categorical columns keep counts per label (compact on millions of
 * rows). Numerical tests and the binning sort arrays in place (ascending); pass copies if the row order matters.
 * An empty sample makes every test throw `StatTestInputError`.
 */
export type ColumnSamples =
  | { type: "numerical"; reference: NumberSample; current: NumberSample }
  | { type: "categorical"; reference: ReadonlyMap<string, number>; current: ReadonlyMap<string, number> };

export interface TestOutcome {
  statistic: number;
  /** Null for distance tests. */
  p_value: number | null;
  drifted: boolean;
  /** Why a result is degenerate, e.g. a category absent from the reference. */
  note?: string;
}

/** A test's verdict rule: whether its value (p-value or distance) at this threshold means drift. */
export type DriftDecision = (value: number, threshold: number) => boolean;

/** One drift test, registered by name with its default threshold and the column types it accepts. */
export interface DriftTest {
  name: StatTestName;
  /** Human label, e.g. "K-S p_value". */
  label: string;
  /** What `drifts` is applied to: the p-value, or the distance (the statistic). */
  kind: "p_value" | "distance";
  defaultThreshold: number;
  allowedTypes: readonly ColumnType[];
  /**
   * Evidently's rule for this test, the only place it is stated: KS drifts when p ≤ threshold, chi-square and Z when
   * p < threshold, distances when the distance ≥ threshold. `run` applies it; so does a multiple-testing correction
   * to the adjusted p-value.
   */
  drifts: DriftDecision;
  run(samples: ColumnSamples, threshold: number): TestOutcome;
}
