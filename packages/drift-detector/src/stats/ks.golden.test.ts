import { afterAll, describe, expect, it } from "vitest";
import { expectAgrees, newTracker, summary } from "../../test/stats/golden/compare.js";
import { makeSample, readFixture, type SampleSpec } from "../../test/stats/golden/samples.js";
import { getTest, ksTwoSampleSorted, sortedNumbers } from "./index.js";

interface KsCase {
  name: string;
  reference: SampleSpec | number[];
  current: SampleSpec | number[];
  statistic: number;
  p_value: number;
  drifted: boolean;
  method: "exact" | "asymptotic";
}

const { cases } = readFixture<{ cases: KsCase[] }>("golden/ks.json");
const tracker = newTracker();
afterAll(() => console.info(summary("ks_2samp", tracker)));

describe("two-sample KS agrees with scipy ks_2samp(method='auto')", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, golden) => {
    const reference = makeSample(golden.reference);
    const current = makeSample(golden.current);
    const result = ksTwoSampleSorted(sortedNumbers(reference), sortedNumbers(current));
    expect(result.method).toBe(golden.method);
    expectAgrees(result.statistic, golden.statistic, "statistic", tracker);
    expectAgrees(result.pValue, golden.p_value, "p-value", tracker);
    const outcome = getTest("ks").run({ type: "numerical", reference, current }, 0.05);
    expect(outcome.drifted).toBe(golden.drifted);
    const fellBack = golden.method === "asymptotic" && Math.max(reference.length, current.length) <= 10_000;
    expect(outcome.note).toEqual(fellBack ? expect.stringMatching(/exact p-value .* left \[0, 1\]/) : undefined);
  });

  it("gives the same result with the samples swapped", () => {
    const a = sortedNumbers(makeSample(cases[12]!.reference));
    const b = sortedNumbers(makeSample(cases[12]!.current));
    expect(ksTwoSampleSorted(b, a)).toEqual(ksTwoSampleSorted(a, b));
  });
});
