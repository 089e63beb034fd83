// Value counts of both samples on the union of their values: the discrete view chi-square, Z, Hellinger and the
// per-value bins use (Evidently `get_unique_not_nan_values_list_from_series` + `value_counts`).
import { PooledWalk, type SortedNumbers, sortedNumbers } from "./sorted.js";
import type { ColumnSamples } from "./types.js";

export interface PairedCounts {
  /**
   * Distinct values of both samples: numbers ascending for numerical columns; labels ascending, numerically when every
   * label is a number (as pandas would read an integer grade column), else in code-unit order.
   */
  keys: Array<number | string>;
  reference: Float64Array;
  current: Float64Array;
  referenceRows: number;
  currentRows: number;
}

/** Counts per distinct value of two ascending samples, in one merged pass. */
function countSorted(a: SortedNumbers, b: SortedNumbers): PairedCounts {
  const keys: number[] = [];
  const ref: number[] = [];
  const cur: number[] = [];
  const walk = new PooledWalk(a, b);
  let i = 0;
  let j = 0;
  while (walk.step()) {
    keys.push(walk.value);
    ref.push(walk.i - i);
    cur.push(walk.j - j);
    i = walk.i;
    j = walk.j;
  }
  return {
    keys,
    reference: Float64Array.from(ref),
    current: Float64Array.from(cur),
    referenceRows: a.size,
    currentRows: b.size,
  };
}

function countLabels(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): PairedCounts {
  const labels = new Set<string>();
  for (const [label, count] of a) if (count > 0) labels.add(label);
  for (const [label, count] of b) if (count > 0) labels.add(label);
  const keys = [...labels];
  const numeric = keys.every((label) => label.trim() !== "" && Number.isFinite(Number(label)));
  keys.sort(numeric ? (x, y) => Number(x) - Number(y) || (x < y ? -1 : x > y ? 1 : 0) : undefined);
  const reference = new Float64Array(keys.length);
  const current = new Float64Array(keys.length);
  let referenceRows = 0;
  let currentRows = 0;
  keys.forEach((key, k) => {
    reference[k] = a.get(key) ?? 0;
    current[k] = b.get(key) ?? 0;
    referenceRows += reference[k]!;
    currentRows += current[k]!;
  });
  return { keys, reference, current, referenceRows, currentRows };
}

/** Paired value counts; numerical arrays get sorted in place. */
export function pairedCounts(samples: ColumnSamples): PairedCounts {
  return samples.type === "numerical"
    ? countSorted(sortedNumbers(samples.reference), sortedNumbers(samples.current))
    : countLabels(samples.reference, samples.current);
}
