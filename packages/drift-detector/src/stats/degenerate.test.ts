// Degenerate inputs: what each test says (in `note`) or refuses (with a clear error).
import { describe, expect, it } from "vitest";
import { CountedNumbers, getTest, listTests, StatTestInputError } from "./index.js";

const numerical = (reference: number[], current: number[]) => ({
  type: "numerical" as const,
  reference: Float64Array.from(reference),
  current: Float64Array.from(current),
});
const categorical = (reference: Record<string, number>, current: Record<string, number>) => ({
  type: "categorical" as const,
  reference: new Map(Object.entries(reference)),
  current: new Map(Object.entries(current)),
});

describe("degenerate samples", () => {
  it.each(listTests().map((t) => [t.name, t] as const))("%s throws a clear error on an empty sample", (_name, test) => {
    const empty = test.allowedTypes.includes("numerical") ? numerical([], [1, 2]) : categorical({}, { a: 1 });
    expect(() => test.run(empty, test.defaultThreshold)).toThrow(StatTestInputError);
    expect(() => test.run(empty, test.defaultThreshold)).toThrow(/the reference sample is empty/);
  });

  it("says which sample is empty", () => {
    expect(() => getTest("psi").run(numerical([1], []), 0.1)).toThrow(/psi: the current sample is empty/);
    expect(() => getTest("chisquare").run(categorical({ a: 0 }, {}), 0.05)).toThrow(/both samples are empty/);
  });

  it("refuses numerical-only tests on categorical columns", () => {
    expect(() => getTest("ks").run(categorical({ a: 1 }, { a: 2 }), 0.05)).toThrow(
      /ks applies to numerical columns only, not to a categorical column/,
    );
    expect(() => getTest("wasserstein").run(categorical({ a: 1 }, { a: 2 }), 0.1)).toThrow(StatTestInputError);
  });

  it("rejects counts that are not non-negative integers", () => {
    expect(() => getTest("chisquare").run(categorical({ a: 1.5 }, { a: 2 }), 0.05)).toThrow(
      /chisquare: reference count of category "a" must be a non-negative integer/,
    );
    expect(() => getTest("z").run(categorical({ a: -1, b: 3 }, { a: 2 }), 0.05)).toThrow(StatTestInputError);
  });

  it("refuses counted numbers that are not distinct, ascending, finite and counted at least once", () => {
    expect(() => CountedNumbers.of(Float64Array.of(1, 2), Uint32Array.of(1))).toThrow(/2 values but 1 counts/);
    expect(() => CountedNumbers.of(Float64Array.of(1, 1), Uint32Array.of(1, 2))).toThrow(/not strictly ascending at index 1/);
    expect(() => CountedNumbers.of(Float64Array.of(1, Number.NaN), Uint32Array.of(1, 2))).toThrow(/index 1 is NaN/);
    expect(() => CountedNumbers.of(Float64Array.of(1, 2), Uint32Array.of(3, 0))).toThrow(/count at index 1 is 0/);
    expect(CountedNumbers.of(Float64Array.of(-1, 2), Uint32Array.of(3, 4)).size).toBe(7);
  });

  it("rejects NaN and infinite values, naming the sample and index", () => {
    expect(() => getTest("ks").run(numerical([1, Number.NaN], [1]), 0.05)).toThrow(/ks: reference value at index 1 is NaN/);
    expect(() => getTest("psi").run(numerical([1], [Number.POSITIVE_INFINITY]), 0.1)).toThrow(
      /psi: current value at index 0 is Infinity, not a finite number/,
    );
  });

  it("chi-square: a category absent from the reference gives p = 0 and says so", () => {
    const outcome = getTest("chisquare").run(categorical({ a: 5, b: 5 }, { a: 4, b: 4, c: 2 }), 0.05);
    expect(outcome).toMatchObject({ p_value: 0, drifted: true, statistic: Number.MAX_VALUE });
    expect(outcome.note).toMatch(/categories absent from the reference: c/);
  });

  it("chi-square: one single value on both sides has nothing to compare", () => {
    const outcome = getTest("chisquare").run(categorical({ a: 5 }, { a: 9 }), 0.05);
    expect(outcome).toMatchObject({ p_value: 1, drifted: false });
    expect(outcome.note).toMatch(/single value/);
  });

  it("z: more than two values are compared as the smallest against the rest, and say so", () => {
    const outcome = getTest("z").run(numerical([1, 2, 3, 1], [1, 3, 3, 3]), 0.05);
    expect(outcome.note).toMatch(/3 distinct values: "1" is compared against all others/);
  });

  it("constant columns: KS p = 1, Wasserstein normed by 0.001 with a note", () => {
    expect(getTest("ks").run(numerical([2, 2, 2], [2, 2]), 0.05)).toMatchObject({ statistic: 0, p_value: 1, drifted: false });
    const outcome = getTest("wasserstein").run(numerical([2, 2, 2], [2.0005, 2.0005]), 0.1);
    expect(outcome.statistic).toBeCloseTo(0.5, 12);
    expect(outcome.drifted).toBe(true);
    expect(outcome.note).toMatch(/below 0.001/);
  });

  it("sorts numerical samples in place, as the contract says", () => {
    const samples = numerical([3, 1, 2], [9, 7, 8]);
    getTest("ks").run(samples, 0.05);
    expect([...samples.reference]).toEqual([1, 2, 3]);
    expect([...samples.current]).toEqual([7, 8, 9]);
  });
});
