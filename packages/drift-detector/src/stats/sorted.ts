// Numbers ascending, in one of two shapes with the same meaning: a plain ascending Float64Array (each copy of a value
// its own element), or distinct values each with a count (a column with few distinct values, O(distinct) memory).
// The numerical tests, binning and summaries all work on the runs of equal values (a value and how many times it
// occurs), never on single elements, so both shapes give the same results to the bit.
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

/** Numbers ascending: `values`, with `counts[k]` copies of `values[k]` when counts are given (values then distinct). */
export interface SortedNumbers {
  readonly values: Float64Array;
  readonly counts: Uint32Array | undefined;
  /** How many numbers in all (copies included). */
  readonly size: number;
}

/** Distinct finite values, strictly ascending, each with how many times it occurs (at least once). */
export class CountedNumbers implements SortedNumbers {
  readonly size: number;

  private constructor(
    readonly values: Float64Array,
    readonly counts: Uint32Array,
  ) {
    let size = 0;
    for (let k = 0; k < counts.length; k++) size += counts[k] as number;
    this.size = size;
  }

  /** From arrays the caller built strictly ascending, finite and with counts ≥ 1 (a tally of a number column). */
  static trusted(values: Float64Array, counts: Uint32Array): CountedNumbers {
    return new CountedNumbers(values, counts);
  }

  /** From any values and counts: checked, throwing a RangeError that says what is wrong and where. */
  static of(values: Float64Array, counts: Uint32Array): CountedNumbers {
    if (values.length !== counts.length) {
      throw new RangeError(`${values.length} values but ${counts.length} counts`);
    }
    for (let k = 0; k < values.length; k++) {
      if (!Number.isFinite(values[k]!)) throw new RangeError(`value at index ${k} is ${values[k]}, not a finite number`);
      if (k > 0 && !(values[k - 1]! < values[k]!)) throw new RangeError(`values are not strictly ascending at index ${k}`);
      if (counts[k] === 0) throw new RangeError(`count at index ${k} is 0`);
    }
    return new CountedNumbers(values, counts);
  }
}

/** A numerical sample as the tests take it: a Float64Array (sorted in place when used) or counted values. */
export type NumberSample = Float64Array | CountedNumbers;

/** The sample ascending: counted values as they are, an array sorted in place. */
export function sortedNumbers(sample: NumberSample, workspace?: SortWorkspace): SortedNumbers {
  if (sample instanceof CountedNumbers) return sample;
  return { values: sortInPlace(sample, workspace), counts: undefined, size: sample.length };
}

/** How many numbers a sample holds (copies included). */
export function sampleSize(sample: NumberSample): number {
  return sample instanceof CountedNumbers ? sample.size : sample.length;
}

/** Steps through the runs of equal values of ascending numbers: after each `next()` that returns true, `value` occurs `count` times. */
export class RunCursor {
  value = Number.NaN;
  count = 0;
  private position = 0;

  constructor(readonly numbers: SortedNumbers) {}

  next(): boolean {
    const { values, counts } = this.numbers;
    const start = this.position;
    if (start >= values.length) return false;
    const value = values[start]!;
    let end = start + 1;
    if (counts) this.count = counts[start]!;
    else {
      while (end < values.length && values[end] === value) end++;
      this.count = end - start;
    }
    this.position = end;
    this.value = value;
    return true;
  }
}

/** Number of distinct values, counting at most `cap` (stop early once it is reached). */
export function countDistinctSorted(numbers: SortedNumbers, cap = Number.POSITIVE_INFINITY): number {
  if (numbers.counts) return Math.min(numbers.values.length, cap);
  const runs = new RunCursor(numbers);
  let count = 0;
  while (count < cap && runs.next()) count++;
  return count;
}

/**
 * Walks the distinct values of the union of two ascending samples in one merged pass, smallest first. After each
 * `step()` that returns true, `value` is the next pooled value and `i`, `j` count the values ≤ it in `a` and `b`
 * (the numerators of both ECDFs there: ties step over all copies at once).
 */
export class PooledWalk {
  value = Number.NaN;
  i = 0;
  j = 0;
  private readonly a: RunCursor;
  private readonly b: RunCursor;
  private aLeft: boolean;
  private bLeft: boolean;

  constructor(a: SortedNumbers, b: SortedNumbers) {
    this.a = new RunCursor(a);
    this.b = new RunCursor(b);
    this.aLeft = this.a.next();
    this.bLeft = this.b.next();
  }

  step(): boolean {
    const { a, b } = this;
    if (!this.aLeft && !this.bLeft) return false;
    const value = !this.bLeft || (this.aLeft && a.value <= b.value) ? a.value : b.value;
    if (this.aLeft && a.value === value) {
      this.i += a.count;
      this.aLeft = a.next();
    }
    if (this.bLeft && b.value === value) {
      this.j += b.count;
      this.bLeft = b.next();
    }
    this.value = value;
    return true;
  }
}

/** Number of distinct values in the union of two ascending samples, counting at most `cap`. */
export function countDistinctMerged(a: SortedNumbers, b: SortedNumbers, cap = Number.POSITIVE_INFINITY): number {
  const walk = new PooledWalk(a, b);
  let count = 0;
  while (count < cap && walk.step()) count++;
  return count;
}

/** Mean and deviation of samples already summarised (a sample's values are not changed once sorted and marked). */
const MOMENTS = new WeakMap<Float64Array, { mean: number; std: number }>();

/**
 * Population mean and standard deviation (ddof = 0, two passes as pandas `nanvar`), summed run by run: each run of
 * equal values adds value × count (one rounding for the run, where adding copies one by one rounds at each).
 */
export function meanAndStd(numbers: SortedNumbers): { mean: number; std: number } {
  const { values, counts, size } = numbers;
  const known = MOMENTS.get(values);
  if (known) return known;
  let sum = 0;
  let squares = 0;
  if (counts) {
    for (let k = 0; k < values.length; k++) sum += values[k]! * counts[k]!;
    const mean = sum / size;
    for (let k = 0; k < values.length; k++) {
      const d = values[k]! - mean;
      squares += d * d * counts[k]!;
    }
  } else {
    const runs = new RunCursor(numbers);
    while (runs.next()) sum += runs.value * runs.count;
    const mean = sum / size;
    const again = new RunCursor(numbers);
    while (again.next()) {
      const d = again.value - mean;
      squares += d * d * again.count;
    }
  }
  const moments = { mean: sum / size, std: Math.sqrt(squares / size) };
  if (counts || SORTED_FINITE.has(values)) MOMENTS.set(values, moments);
  return moments;
}
