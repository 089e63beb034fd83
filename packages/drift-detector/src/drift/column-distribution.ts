import type { ColumnSamples } from "../stats/index.js";
import { binSamples, binShares, jensenShannonDistance } from "../stats/index.js";
import type { Distribution } from "./result.js";

/**
 * Both distributions of a column on Evidently's shared bins (what the report draws) and their Jensen–Shannon
 * distance on those bins: one effect size comparable across columns and tests, to rank columns by how far they moved.
 */
export function columnDistribution(samples: ColumnSamples): { distribution: Distribution; effectSize: number } {
  const distribution = inNumericOrder(binSamples(samples));
  const effectSize = jensenShannonDistance(binShares(distribution.reference, false), binShares(distribution.current, false));
  return { distribution, effectSize };
}

/** Categories that are all numbers ("3", "10", "4") read best in numeric order, not in code-unit order. */
function inNumericOrder(distribution: Distribution): Distribution {
  if (distribution.kind !== "categories") return distribution;
  const numbers = distribution.categories.map(Number);
  if (numbers.some((value, k) => Number.isNaN(value) || distribution.categories[k]?.trim() === "")) return distribution;
  const order = numbers.map((_, k) => k).sort((a, b) => (numbers[a] as number) - (numbers[b] as number));
  return {
    kind: "categories",
    categories: order.map((k) => distribution.categories[k] as string),
    reference: order.map((k) => distribution.reference[k] as number),
    current: order.map((k) => distribution.current[k] as number),
  };
}
