// Helpers on ascending Float64Arrays: the numerical tests all work on sorted samples in O(n) merged passes.
import { RADIX_SORT_SUPPORTED, radixSortFloat64 } from "./radix-sort.js";
import type { SortWorkspace } from "./sort-workspace.js";

/** From this size on, the radix sort beats the typed-array sort (measured on Node 20, 2 cores). */
const RADIX_MIN_LENGTH = 32_768;

/**
 * Arrays known to be ascending and finite (a sorted number column): sortInPlace and the tests' input checks need
 * not scan them again, a million values a side and a few times each. Holders must not change them after.
 */
const SORTED_FINITE = new WeakSet<Float64Array>();

/** Records that `values` are ascending and finite (the caller built them so); returns them. */
export function markSortedFinite(values: Float64Array): Float64Array {
  SORTED_FINITE.add(values);
  return values;
}

export function isMarkedSortedFinite(values: Float64Array): boolean {
  return SORTED_FINITE.has(values);
}

/**
 * Sorts ascending in place unless already sorted (radix sort on large arrays, typed-array sort otherwise); returns it.
 * `workspace`, when given, lends the radix sort its second buffer.
 */
export function sortInPlace(values: Float64Array, workspace?: SortWorkspace): Float64Array {
  if (SORTED_FINITE.has(values)) return values;
  for (let i = 1; i < values.length; i++) {
    if (values[i - 1]! > values[i]!) {
      if (values.length >= RADIX_MIN_LENGTH && RADIX_SORT_SUPPORTED) radixSortFloat64(values, workspace);
      else values.sort();
      return values;
    }
  }
  return values;
}

/** Number of distinct values in an ascending array, counting at most `cap` (stop early once it is reached). */
export function countDistinctSorted(values: Float64Array, cap = Number.POSITIVE_INFINITY): number {
  if (values.length === 0) return 0;
  let count = 1;
  for (let i = 1; i < values.length && count < cap; i++) if (values[i] !== values[i - 1]) count++;
  return count;
}

/**
 * Walks the distinct values of the union of two ascending arrays in one merged pass, smallest first. After each
 * `step()` that returns true, `value` is the next pooled value and `i`, `j` count the values ≤ it in `a` and `b`
 * (the numerators of both ECDFs there: ties step over all copies at once).
 */
export class PooledWalk {
  value = Number.NaN;
  i = 0;
  j = 0;

  constructor(
    readonly a: Float64Array,
    readonly b: Float64Array,
  ) {}

  step(): boolean {
    const { a, b } = this;
    let { i, j } = this;
    if (i >= a.length && j >= b.length) return false;
    const value = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i] === value) i++;
    while (j < b.length && b[j] === value) j++;
    this.value = value;
    this.i = i;
    this.j = j;
    return true;
  }
}

/** Number of distinct values in the union of two ascending arrays. */
export function countDistinctMerged(a: Float64Array, b: Float64Array): number {
  const walk = new PooledWalk(a, b);
  let count = 0;
  while (walk.step()) count++;
  return count;
}

/** Population mean and standard deviation (ddof = 0, two passes as pandas `nanvar`). */
export function meanAndStd(values: Float64Array): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    squares += d * d;
  }
  return { mean, std: Math.sqrt(squares / values.length) };
}
