// Input checks shared by the tests: the column type a test needs, and non-empty samples.
import { CountedNumbers, isMarkedSortedFinite, type NumberSample } from "../sorted.js";
import type { ColumnSamples, StatTestName } from "../types.js";

/** Thrown for input a test cannot run on (empty sample, wrong column type, bad count); the message says what. */
export class StatTestInputError extends Error {
  override name = "StatTestInputError";
}

function sizeOf(sample: NumberSample | ReadonlyMap<string, number>, side: string): number {
  // Counted numbers are checked when built.
  if (sample instanceof CountedNumbers) return sample.size;
  if (sample instanceof Float64Array) {
    if (isMarkedSortedFinite(sample)) return sample.length;
    for (let i = 0; i < sample.length; i++) {
      // Missing values must be dropped (and counted) by the caller; a NaN would also defeat the sort.
      if (!Number.isFinite(sample[i]!))
        throw new StatTestInputError(`${side} value at index ${i} is ${sample[i]}, not a finite number`);
    }
    return sample.length;
  }
  let total = 0;
  for (const [label, count] of sample) {
    if (!(Number.isInteger(count) && count >= 0)) {
      throw new StatTestInputError(`${side} count of category "${label}" must be a non-negative integer, got ${count}`);
    }
    total += count;
  }
  return total;
}

/** Rows in each sample; throws when either is empty (nothing to compare). */
export function requireNonEmpty(samples: ColumnSamples, test: StatTestName): { referenceRows: number; currentRows: number } {
  const referenceRows = sizeOf(samples.reference, `${test}: reference`);
  const currentRows = sizeOf(samples.current, `${test}: current`);
  if (referenceRows === 0 || currentRows === 0) {
    const which =
      referenceRows === 0 ? (currentRows === 0 ? "both samples are" : "the reference sample is") : "the current sample is";
    throw new StatTestInputError(`${test}: ${which} empty (no non-missing values), nothing to compare`);
  }
  return { referenceRows, currentRows };
}

/** The numerical arrays of a sample pair, for tests defined on numbers only (checks the type, not the values). */
export function requireNumerical(samples: ColumnSamples, test: StatTestName): { reference: NumberSample; current: NumberSample } {
  if (samples.type !== "numerical") {
    throw new StatTestInputError(`${test} applies to numerical columns only, not to a ${samples.type} column`);
  }
  return samples;
}
