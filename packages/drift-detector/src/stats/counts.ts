// Value counts of both samples on the union of their values: the discrete view chi-square, Z, Hellinger and the
// per-value bins use (Evidently `get_unique_not_nan_values_list_from_series` + `value_counts`).
import { sortInPlace } from "./sorted.js";
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

/** Counts per distinct value of two ascending arrays, in one merged pass. */
function countSorted(a: Float64Array, b: Float64Array): PairedCounts {
  const keys: number[] = [];
  const ref: number[] = [];
  const cur: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const value = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    const i0 = i;
    const j0 = j;
    while (i < a.length && a[i] === value) i++;
    while (j < b.length && b[j] === value) j++;
    keys.push(value);
    ref.push(i - i0);
    cur.push(j - j0);
  }
  return {
    keys,
    reference: Float64Array.from(ref),
    current: Float64Array.from(cur),
    referenceRows: a.length,
    currentRows: b.length,
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

/** Paired value counts; numerical samples get sorted in place. */
export function pairedCounts(samples: ColumnSamples): PairedCounts {
  return samples.type === "numerical"
    ? countSorted(sortInPlace(samples.reference), sortInPlace(samples.current))
    : countLabels(samples.reference, samples.current);
}
