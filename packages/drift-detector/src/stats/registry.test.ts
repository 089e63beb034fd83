import { describe, expect, it } from "vitest";
import { chooseDefaultTest, getTest, listTests, STAT_TEST_NAMES } from "./index.js";

describe("registry", () => {
  it("registers every Evidently name with Evidently's default threshold", () => {
    const thresholds = Object.fromEntries(listTests().map((t) => [t.name, t.defaultThreshold]));
    expect(thresholds).toEqual({
      ks: 0.05,
      chisquare: 0.05,
      z: 0.05,
      wasserstein: 0.1,
      jensenshannon: 0.1,
      psi: 0.1,
      kl_div: 0.1,
      hellinger: 0.1,
    });
    for (const name of STAT_TEST_NAMES) expect(getTest(name).name).toBe(name);
  });

  it("rejects an unknown name, listing the known ones", () => {
    expect(() => getTest("anderson")).toThrow(/unknown drift test "anderson"; known tests: ks, chisquare/);
  });

  it.each([
    ["numerical", 1000, 6, "ks"],
    ["numerical", 1000, 5, "chisquare"],
    ["numerical", 1000, 3, "chisquare"],
    ["numerical", 1000, 2, "z"],
    ["categorical", 1000, 3, "chisquare"],
    ["categorical", 1000, 2, "z"],
    ["categorical", 10, 1, "z"],
    ["numerical", 1001, 6, "wasserstein"],
    ["numerical", 1001, 5, "jensenshannon"],
    ["categorical", 1001, 2, "jensenshannon"],
    ["categorical", 1_000_000, 50, "jensenshannon"],
  ] as const)("chooses like Evidently for %s, %i reference rows, %i values → %s", (type, referenceRows, distinctValues, name) => {
    expect(chooseDefaultTest({ type, referenceRows, distinctValues }).name).toBe(name);
  });

  it("states each test's verdict rule once, in drifts(): KS p ≤ threshold, other p-values p < threshold, distances ≥", () => {
    const atThreshold = Object.fromEntries(listTests().map((t) => [t.name, t.drifts(0.05, 0.05)]));
    expect(atThreshold).toEqual({
      ks: true,
      chisquare: false,
      z: false,
      wasserstein: true,
      jensenshannon: true,
      psi: true,
      kl_div: true,
      hellinger: true,
    });
    for (const test of listTests()) {
      expect(test.drifts(0.049, 0.05), test.name).toBe(test.kind === "p_value");
      expect(test.drifts(0.051, 0.05), test.name).toBe(test.kind === "distance");
    }
  });

  it("applies that rule in run() at the threshold itself", () => {
    const identical = () => ({
      type: "numerical" as const,
      reference: Float64Array.of(1, 2, 3),
      current: Float64Array.of(1, 2, 3),
    });
    // p = 1 here: a threshold of 1 flags KS (p ≤ threshold) but not chi-square or Z (p < threshold).
    expect(getTest("ks").run(identical(), 1).drifted).toBe(true);
    expect(getTest("chisquare").run(identical(), 1).drifted).toBe(false);
    expect(getTest("z").run(identical(), 1).drifted).toBe(false);
    // Distances drift when d ≥ threshold: a distance of 0 reaches a threshold of 0.
    expect(getTest("wasserstein").run(identical(), 0).drifted).toBe(true);
  });
});
