// Invariants over random samples (fast-check): no drift against itself, independence of row order, values in range.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  binSamples,
  type ColumnSamples,
  CountedNumbers,
  listTests,
  meanAndStd,
  type StatTestName,
  sortedNumbers,
} from "./index.js";

const RUNS = 60;
const JS_MAX = Math.sqrt(Math.LN2);
const numericalTests = listTests();
const categoricalTests = listTests().filter((t) => t.allowedTypes.includes("categorical"));

/**
 * Small value sets make ties and the one-bin-per-value path common; fine grids give > 20 distinct values (Sturges
 * bins); raw doubles bring extremes (±1e6, −0, subnormals).
 */
const values = fc.oneof(
  fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 60, size: "medium" }),
  fc.array(
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map((i) => i / 64),
    { minLength: 1, maxLength: 150, size: "large" },
  ),
  fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), {
    minLength: 1,
    maxLength: 120,
    size: "medium",
  }),
);
const labelCounts = fc
  .dictionary(fc.constantFrom("a", "b", "c", "d", "e", "10", "9"), fc.integer({ min: 0, max: 50 }), { minKeys: 1 })
  .filter((counts) => Object.values(counts).some((c) => c > 0));

const numerical = (reference: number[], current: number[]): ColumnSamples => ({
  type: "numerical",
  reference: Float64Array.from(reference),
  current: Float64Array.from(current),
});
const categorical = (reference: Record<string, number>, current: Record<string, number>): ColumnSamples => ({
  type: "categorical",
  reference: new Map(Object.entries(reference)),
  current: new Map(Object.entries(current)),
});

/** The outcome must stay in the range each test can produce. */
function expectInRange(name: StatTestName, statistic: number, pValue: number | null): void {
  expect(Number.isFinite(statistic) || statistic === Number.MAX_VALUE).toBe(true);
  if (pValue !== null) {
    expect(pValue).toBeGreaterThanOrEqual(0);
    expect(pValue).toBeLessThanOrEqual(1);
  }
  if (name === "ks") expect(statistic >= 0 && statistic <= 1).toBe(true);
  if (name === "jensenshannon") expect(statistic >= 0 && statistic <= JS_MAX + 1e-12).toBe(true);
  if (name === "hellinger") expect(statistic >= 0 && statistic <= 1).toBe(true);
  if (name !== "z") expect(statistic).toBeGreaterThanOrEqual(-1e-12);
}

function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0 || 1;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe("properties of every test", () => {
  it("a numerical sample against itself never drifts", () => {
    fc.assert(
      fc.property(values, (sample) => {
        for (const test of numericalTests) {
          const outcome = test.run(numerical(sample, sample), test.defaultThreshold);
          expect(outcome.drifted, `${test.name} on ${sample.length} values`).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("a categorical sample against itself never drifts", () => {
    fc.assert(
      fc.property(labelCounts, (counts) => {
        for (const test of categoricalTests) {
          expect(test.run(categorical(counts, counts), test.defaultThreshold).drifted, test.name).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("results do not depend on row order and stay in range", () => {
    fc.assert(
      fc.property(values, values, fc.integer(), (reference, current, seed) => {
        for (const test of numericalTests) {
          const ordered = test.run(numerical(reference, current), test.defaultThreshold);
          const reordered = test.run(numerical(shuffled(reference, seed), shuffled(current, seed + 1)), test.defaultThreshold);
          expect(reordered, test.name).toEqual(ordered);
          expectInRange(test.name, ordered.statistic, ordered.p_value);
        }
      }),
      { numRuns: RUNS },
    );
  });

  // Not Jensen–Shannon, PSI or KL on numbers: Evidently bins by the reference's distinct values, which is one-sided.
  it("symmetric measures (KS, Hellinger) do not depend on which sample is the reference", () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        for (const name of ["ks", "hellinger"] as const) {
          const test = numericalTests.find((t) => t.name === name)!;
          const forward = test.run(numerical(a, b), test.defaultThreshold);
          const backward = test.run(numerical(b, a), test.defaultThreshold);
          expect(backward.statistic, name).toBeCloseTo(forward.statistic, 12);
          if (forward.p_value !== null) expect(backward.p_value, name).toBeCloseTo(forward.p_value, 12);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("categorical results do not depend on label order and stay in range", () => {
    fc.assert(
      fc.property(labelCounts, labelCounts, (reference, current) => {
        const reversed = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).reverse());
        for (const test of categoricalTests) {
          const outcome = test.run(categorical(reference, current), test.defaultThreshold);
          expect(test.run(categorical(reversed(reference), reversed(current)), test.defaultThreshold), test.name).toEqual(
            outcome,
          );
          expectInRange(test.name, outcome.statistic, outcome.p_value);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("numbers as an array or as distinct values with counts give the same results, to the bit", () => {
    fc.assert(
      fc.property(values, values, (reference, current) => {
        const plain = numerical(reference, current);
        const counted: ColumnSamples = { type: "numerical", reference: countedOf(reference), current: countedOf(current) };
        for (const test of numericalTests) {
          expect(test.run(counted, test.defaultThreshold)).toEqual(test.run(plain, test.defaultThreshold));
        }
        expect(binSamples(counted)).toEqual(binSamples(plain));
        for (const side of ["reference", "current"] as const) {
          const moments = meanAndStd(sortedNumbers(counted[side] as CountedNumbers));
          expect(moments).toEqual(meanAndStd(sortedNumbers(Float64Array.from(side === "reference" ? reference : current))));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** The values ascending as distinct values with counts, grouped here by `===` (so -0 and 0 are one value, as in a sort). */
function countedOf(numbers: number[]): CountedNumbers {
  const sorted = Float64Array.from(numbers).sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const value of sorted) {
    if (distinct.length > 0 && distinct[distinct.length - 1] === value) counts[counts.length - 1]!++;
    else {
      distinct.push(value);
      counts.push(1);
    }
  }
  return CountedNumbers.of(Float64Array.from(distinct), Uint32Array.from(counts));
}
