import type { ColumnDrift, Distribution } from "../drift/result.js";
import { ReportInputError } from "./report-meta.js";

/** Both datasets' counts as shares of their own total, so samples of different sizes compare. */
export interface SeriesShares {
  reference: number[];
  current: number[];
  referenceTotal: number;
  currentTotal: number;
}

/**
 * Checks that a column's distribution can be drawn truthfully and returns its shares. A malformed
 * distribution is a bug upstream; failing with the column's name beats drawing a wrong chart.
 */
export function distributionShares(column: ColumnDrift): SeriesShares {
  const distribution = column.distribution;
  const slots = slotCount(distribution);
  const where = `column ${JSON.stringify(column.column)}`;
  if (distribution.kind === "histogram") {
    if (distribution.edges.length < 2) throw new ReportInputError(`${where}: a histogram needs at least 2 bin edges`);
    distribution.edges.forEach((edge, index) => {
      if (!Number.isFinite(edge)) throw new ReportInputError(`${where}: bin edge ${index} is not a finite number`);
      if (index > 0 && edge < (distribution.edges[index - 1] as number)) {
        throw new ReportInputError(`${where}: bin edges must not decrease (edge ${index})`);
      }
    });
  }
  for (const side of ["reference", "current"] as const) {
    const counts = distribution[side];
    if (counts.length !== slots) {
      throw new ReportInputError(
        `${where}: ${counts.length} ${side} counts for ${slots} ${distribution.kind === "histogram" ? "bins" : "categories"}`,
      );
    }
    counts.forEach((count, index) => {
      if (!Number.isFinite(count) || count < 0)
        throw new ReportInputError(`${where}: ${side} count ${index} is not a count (${count})`);
    });
  }
  const referenceTotal = sum(distribution.reference);
  const currentTotal = sum(distribution.current);
  return {
    reference: distribution.reference.map((count) => (referenceTotal > 0 ? count / referenceTotal : 0)),
    current: distribution.current.map((count) => (currentTotal > 0 ? count / currentTotal : 0)),
    referenceTotal,
    currentTotal,
  };
}

function slotCount(distribution: Distribution): number {
  return distribution.kind === "histogram" ? distribution.edges.length - 1 : distribution.categories.length;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
