import { describe, expect, it } from "vitest";
import { adjustPValues } from "./index.js";

describe("multiple-testing correction", () => {
  const p = [0.01, null, 0.04, 0.03, 0.2];

  it("leaves p-values alone by default ('none')", () => {
    expect(adjustPValues(p, "none")).toEqual(p);
  });

  it("Bonferroni multiplies by the number of p-values (distance tests do not count), capped at 1", () => {
    expect(adjustPValues(p, "bonferroni")).toEqual([0.04, null, 0.16, 0.12, 0.8]);
    expect(adjustPValues([0.5, 0.6], "bonferroni")).toEqual([1, 1]);
  });

  it("Benjamini–Hochberg gives step-up adjusted p-values (statsmodels fdr_bh)", () => {
    // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.2], method="fdr_bh")[1]
    const adjusted = adjustPValues(p, "benjamini-hochberg");
    expect(adjusted[1]).toBeNull();
    expect(adjusted[0]).toBeCloseTo(0.04, 15);
    expect(adjusted[2]).toBeCloseTo(0.05333333333333334, 15);
    expect(adjusted[3]).toBeCloseTo(0.05333333333333334, 15);
    expect(adjusted[4]).toBeCloseTo(0.2, 15);
  });

  it("rejects a p-value outside [0, 1], naming its position", () => {
    expect(() => adjustPValues([0.1, 1.5], "bonferroni")).toThrow(/position 1 must lie in \[0, 1\], got 1.5/);
  });
});
