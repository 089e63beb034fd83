// Hand-built drift results for the report's tests: shaped like the engine's output on the wine data
// (Sturges bins over the pooled values, Evidently's default tests), without depending on the engine.
import { cumulativeStdNormalProbability } from "simple-statistics";
import type { ColumnDrift, DriftResult } from "../../src/drift/result.js";
import type { ReportMeta } from "../../src/report/index.js";
import { binShares, jensenShannonDistance } from "../../src/stats/index.js";

export const ROWS = 1599;

export const SAMPLE_META: ReportMeta = {
  experimentId: "Clarus_RedWine_experiment",
  referenceSource: "s3://clarus/uc_wine/winequality-red.csv",
  currentSource: "s3://clarus/uc_wine/winequality-red-new.csv",
  generatedAt: new Date("2026-11-26T14:30:00Z"),
  detectorVersion: "0.1.0",
};

/** Counts of a normal sample of `rows` values on the given edges (expected counts, rounded). */
function normalCounts(edges: number[], mean: number, std: number, rows: number): number[] {
  return edges.slice(1).map((upper, index) => {
    const lower = edges[index] as number;
    const mass = cumulativeStdNormalProbability((upper - mean) / std) - cumulativeStdNormalProbability((lower - mean) / std);
    return Math.round(mass * rows);
  });
}

/** The effect size the engine reports: Jensen–Shannon distance of the two count vectors' shares. */
function effectSize(reference: number[], current: number[]): number {
  return jensenShannonDistance(binShares(reference, false), binShares(current, false));
}

export interface NumericalSpec {
  name: string;
  reference: { mean: number; std: number };
  current: { mean: number; std: number };
  /** Normed Wasserstein distance the engine would report; drift at ≥ 0.1. */
  statistic: number;
  rows?: number;
  missingCurrent?: number;
}

export function numericalColumn(spec: NumericalSpec): ColumnDrift {
  const rows = spec.rows ?? ROWS;
  const low = Math.min(spec.reference.mean - 3 * spec.reference.std, spec.current.mean - 3 * spec.current.std);
  const high = Math.max(spec.reference.mean + 3 * spec.reference.std, spec.current.mean + 3 * spec.current.std);
  const bins = Math.ceil(Math.log2(2 * rows)) + 1;
  const edges = Array.from({ length: bins + 1 }, (_, index) => low + ((high - low) * index) / bins);
  const reference = normalCounts(edges, spec.reference.mean, spec.reference.std, rows);
  const current = normalCounts(edges, spec.current.mean, spec.current.std, rows - (spec.missingCurrent ?? 0));
  const summary = (side: { mean: number; std: number }) => ({ mean: side.mean, std: side.std, min: low, max: high });
  return {
    column: spec.name,
    type: "numerical",
    test: "wasserstein",
    statistic: spec.statistic,
    p_value: null,
    threshold: 0.1,
    drifted: spec.statistic >= 0.1,
    effect_size: effectSize(reference, current),
    rows_reference: rows,
    rows_current: rows,
    missing_reference: 0,
    missing_current: spec.missingCurrent ?? 0,
    distribution: { kind: "histogram", edges, reference, current },
    summary: { reference: summary(spec.reference), current: summary(spec.current) },
  };
}

export function categoricalColumn(
  name: string,
  categories: string[],
  reference: number[],
  current: number[],
  statistic: number,
): ColumnDrift {
  return {
    column: name,
    type: "categorical",
    test: "jensenshannon",
    statistic,
    p_value: null,
    threshold: 0.1,
    drifted: statistic >= 0.1,
    effect_size: effectSize(reference, current),
    rows_reference: reference.reduce((sum, value) => sum + value, 0),
    rows_current: current.reduce((sum, value) => sum + value, 0),
    missing_reference: 0,
    missing_current: 0,
    distribution: { kind: "categories", categories, reference, current },
  };
}

/** Assembles a result whose top-level counts and verdict agree with its columns. */
export function resultOf(columns: ColumnDrift[], extra: Partial<DriftResult> = {}): DriftResult {
  const drifted = columns.filter((column) => column.drifted).length;
  const share = columns.length ? drifted / columns.length : 0;
  return {
    drift_detected: columns.length > 0 && share >= 0.5,
    drift_share: share,
    drift_share_threshold: 0.5,
    number_of_columns: columns.length,
    number_of_drifted_columns: drifted,
    rows_reference: ROWS,
    rows_current: ROWS,
    columns,
    columns_only_in_reference: [],
    columns_only_in_current: [],
    untested_columns: [],
    p_value_correction: "none",
    ...extra,
  };
}

type MeanAndStd = [mean: number, std: number];

/**
 * The wine-like result's numerical columns: reference and current mean and std, the normed Wasserstein distance the
 * engine would report, and missing current values.
 */
const WINE_LIKE_NUMERICAL: [
  name: string,
  reference: MeanAndStd,
  current: MeanAndStd,
  statistic: number,
  missingCurrent?: number,
][] = [
  ["fixed acidity", [8.32, 1.74], [8.35, 1.7], 0.02],
  ["volatile acidity", [0.528, 0.179], [0.66, 0.2], 0.71],
  ["alcohol", [10.42, 1.07], [11.2, 1.1], 0.73],
  ["pH", [3.311, 0.154], [3.31, 0.155], 0.01, 40],
  ["density", [0.99675, 0.00189], [0.99675, 0.00189], 0],
];

/** A wine-like result: three shifted columns out of six, plus the categorical quality grade. */
export function wineLikeResult(): DriftResult {
  const side = ([mean, std]: MeanAndStd) => ({ mean, std });
  return resultOf(
    [
      ...WINE_LIKE_NUMERICAL.map(([name, reference, current, statistic, missingCurrent]) =>
        numericalColumn({ name, reference: side(reference), current: side(current), statistic, missingCurrent }),
      ),
      categoricalColumn("quality", ["3", "4", "5", "6", "7", "8"], [10, 53, 681, 638, 199, 18], [4, 30, 520, 700, 300, 45], 0.12),
    ],
    {
      columns_only_in_current: ["batch id"],
      untested_columns: [{ column: "operator note", reason: "every value is missing in the current data" }],
    },
  );
}

/** `count` numerical and categorical columns, every fifth one drifted, for wide-report checks. */
export function wideResult(count: number): DriftResult {
  const columns = Array.from({ length: count }, (_, index) =>
    index % 10 === 9
      ? categoricalColumn(
          `category_${index}`,
          ["A", "B", "C", "D"],
          [400, 400, 400, 399],
          index % 5 === 4 ? [200, 300, 500, 599] : [401, 399, 400, 399],
          index % 5 === 4 ? 0.15 : 0.01,
        )
      : numericalColumn({
          name: `sensor_${index}`,
          reference: { mean: index * 10, std: 2 + (index % 7) },
          current: { mean: index * 10 + (index % 5 === 4 ? 3 : 0.05), std: 2 + (index % 7) },
          statistic: index % 5 === 4 ? 0.4 : 0.02,
        }),
  );
  return resultOf(columns);
}
