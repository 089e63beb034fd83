import type { ColumnDrift } from "../drift/result.js";
import { categoryChart } from "./category-chart.js";
import { distributionShares } from "./distribution-shares.js";
import { histogramChart } from "./histogram-chart.js";

/** The chart of one column's two distributions, drawn the way its distribution was binned. */
export function columnChart(column: ColumnDrift, id: string): string {
  const shares = distributionShares(column);
  const distribution = column.distribution;
  return distribution.kind === "histogram"
    ? histogramChart({ id, column: column.column, edges: distribution.edges, shares })
    : categoryChart({ id, column: column.column, type: column.type, categories: distribution.categories, shares });
}
