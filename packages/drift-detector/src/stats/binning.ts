// Evidently's binning (`stattests/utils.get_binned_data`): shared Sturges bins over the pooled values when the
// reference has more than 20 distinct values, else one bin per distinct value; shares per sample, zeros optionally
// filled. The bin edges mirror numpy `histogram_bin_edges(bins="sturges")` + `linspace` operation for operation.
import { pairedCounts } from "./counts.js";
import { countDistinctSorted, RunCursor, type SortedNumbers, sortedNumbers } from "./sorted.js";
import type { ColumnSamples } from "./types.js";

/** Counts on shared bins (numerical) or per distinct value; the same shape as the drift result's `Distribution`. */
export type BinnedCounts =
  | { kind: "histogram"; edges: number[]; reference: number[]; current: number[] }
  | { kind: "categories"; categories: string[]; reference: number[]; current: number[] };

/** Evidently bins a numerical column when its reference has more than this many distinct values. */
const MAX_DISTINCT_FOR_VALUE_BINS = 20;

/** numpy `histogram_bin_edges(x, bins="sturges")` for data with the given min, max and size. */
export function sturgesEdges(min: number, max: number, size: number): number[] {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // Sturges bin width ptp/(log2 N + 1); the bin count is recomputed from it exactly as numpy does (ceil of a ratio).
  const width = (max - min) / (Math.log2(size) + 1);
  const binCount = width ? Math.ceil((last - first) / width) : 1;
  // numpy linspace: i·step + start, with the last edge set to stop.
  const step = (last - first) / binCount;
  const edges = new Array<number>(binCount + 1);
  for (let i = 0; i < binCount; i++) edges[i] = i * step + first;
  edges[binCount] = last;
  return edges;
}

/**
 * Counts of ascending numbers in bins [e_i, e_{i+1}), the last one closed (numpy `histogram` with explicit edges);
 * values outside the edges are not counted.
 */
export function histogramSorted(numbers: SortedNumbers, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const runs = new RunCursor(numbers);
  let more = runs.next();
  while (more && runs.value < edges[0]!) more = runs.next();
  for (let b = 0; b < bins - 1; b++) {
    const upper = edges[b + 1]!;
    let inBin = 0;
    for (; more && runs.value < upper; more = runs.next()) inBin += runs.count;
    counts[b] = inBin;
  }
  const top = edges[bins]!;
  let inLast = 0;
  for (; more && runs.value <= top; more = runs.next()) inLast += runs.count;
  counts[bins - 1] = inLast;
  return counts;
}

/** The bins Evidently's PSI, KL divergence and Jensen–Shannon use; numerical arrays get sorted in place. */
export function binSamples(samples: ColumnSamples): BinnedCounts {
  if (samples.type === "numerical") {
    const reference = sortedNumbers(samples.reference);
    const current = sortedNumbers(samples.current);
    if (countDistinctSorted(reference, MAX_DISTINCT_FOR_VALUE_BINS + 1) > MAX_DISTINCT_FOR_VALUE_BINS) {
      const ref = reference.values;
      const cur = current.values;
      const min = Math.min(ref[0]!, cur.length ? cur[0]! : Number.POSITIVE_INFINITY);
      const max = Math.max(ref[ref.length - 1]!, cur.length ? cur[cur.length - 1]! : Number.NEGATIVE_INFINITY);
      const edges = sturgesEdges(min, max, reference.size + current.size);
      return { kind: "histogram", edges, reference: histogramSorted(reference, edges), current: histogramSorted(current, edges) };
    }
  }
  const counts = pairedCounts(samples);
  return {
    kind: "categories",
    categories: counts.keys.map(String),
    reference: Array.from(counts.reference),
    current: Array.from(counts.current),
  };
}

/**
 * Shares of one sample per bin. With `fillZeros`, empty bins get 0.0001, or min(non-zero share)/10⁶ when that minimum
 * is ≤ 0.0001, so that logarithms of ratios stay finite (Evidently `feel_zeroes`).
 */
export function binShares(counts: readonly number[], fillZeros: boolean): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  const shares = Float64Array.from(counts, (c) => c / total);
  if (fillZeros) {
    let minNonZero = Number.POSITIVE_INFINITY;
    for (const s of shares) if (s !== 0 && s < minNonZero) minNonZero = s;
    const fill = minNonZero <= 0.0001 ? minNonZero / 10 ** 6 : 0.0001;
    for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = fill;
  }
  return shares;
}
