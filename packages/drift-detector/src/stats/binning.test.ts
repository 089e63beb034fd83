import { describe, expect, it } from "vitest";
import { binSamples, binShares, CountedNumbers, histogramSorted, sortedNumbers, sturgesEdges } from "./index.js";

describe("binning as Evidently's get_binned_data", () => {
  it("builds Sturges edges like numpy: ⌈log2 N⌉ + 1 equal bins over the pooled range, last edge exact", () => {
    // numpy.histogram_bin_edges([0, …, 9.9], bins="sturges") for N = 100: 8 bins.
    const edges = sturgesEdges(0, 9.9, 100);
    expect(edges).toHaveLength(9);
    expect(edges[0]).toBe(0);
    expect(edges[8]).toBe(9.9);
    expect(edges[1]).toBe(1.2375);
    // A constant column widens to ±0.5 around the value, with one bin.
    expect(sturgesEdges(3, 3, 10)).toEqual([2.5, 3.5]);
  });

  it("counts half-open bins with the last bin closed", () => {
    expect(histogramSorted(sortedNumbers(Float64Array.of(0, 1, 1, 2, 3, 4)), [0, 1, 2, 4])).toEqual([1, 2, 3]);
    expect(histogramSorted(sortedNumbers(Float64Array.of(-1, 0, 5)), [0, 1, 4])).toEqual([1, 0]);
    const counted = CountedNumbers.of(Float64Array.of(0, 1, 2, 3, 4), Uint32Array.of(1, 2, 1, 1, 1));
    expect(histogramSorted(counted, [0, 1, 2, 4])).toEqual([1, 2, 3]);
  });

  it("uses one bin per value up to 20 distinct reference values, shared Sturges bins above", () => {
    const few = binSamples({
      type: "numerical",
      reference: Float64Array.from({ length: 40 }, (_, i) => i % 20),
      current: Float64Array.of(25, 0),
    });
    expect(few.kind).toBe("categories");
    expect(few.kind === "categories" && few.categories.slice(-2)).toEqual(["19", "25"]);
    const many = binSamples({
      type: "numerical",
      reference: Float64Array.from({ length: 42 }, (_, i) => i % 21),
      current: Float64Array.of(100),
    });
    expect(many.kind).toBe("histogram");
    expect(many.reference.reduce((a, b) => a + b)).toBe(42);
    expect(many.current.at(-1)).toBe(1);
  });

  it("orders numeric labels numerically and other labels by code unit", () => {
    const grades = binSamples({
      type: "categorical",
      reference: new Map([
        ["10", 1],
        ["9", 2],
      ]),
      current: new Map([["3", 1]]),
    });
    expect(grades.kind === "categories" && grades.categories).toEqual(["3", "9", "10"]);
    const words = binSamples({
      type: "categorical",
      reference: new Map([
        ["b", 1],
        ["B", 2],
      ]),
      current: new Map([["a", 1]]),
    });
    expect(words.kind === "categories" && words.categories).toEqual(["B", "a", "b"]);
  });

  it("fills empty bins with 0.0001, or min share / 10⁶ when the smallest share is at most 0.0001", () => {
    expect([...binShares([0, 1, 3], true)]).toEqual([0.0001, 0.25, 0.75]);
    expect([...binShares([0, 1, 3], false)]).toEqual([0, 0.25, 0.75]);
    const shares = binShares([0, 1, 9999], true);
    expect(shares[0]).toBe(0.0001 / 10 ** 6);
  });
});
