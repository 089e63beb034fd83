import { afterAll, describe, expect, it } from "vitest";
import { expectAgrees, newTracker, summary } from "../../test/stats/golden/compare.js";
import { type GoldenSamples, makeSample, readFixture, samplesOf } from "../../test/stats/golden/samples.js";
import { chooseDefaultTest, getTest, type StatTestName } from "./index.js";

interface GoldenResult {
  statistic: number | null;
  statistic_infinite?: boolean;
  p_value: number | null;
  evidently_p_value?: number;
  drifted: boolean;
}

type GoldenCase = GoldenSamples & { name: string; default_test: StatTestName; results: Record<string, GoldenResult> };

const { cases } = readFixture<{ cases: GoldenCase[] }>("golden/tests.json");
const tracker = newTracker();
afterAll(() => console.info(summary("Evidently tests on synthetic samples", tracker)));

function distinctValues(golden: GoldenCase): number {
  if (golden.type === "categorical") return new Set([...Object.keys(golden.reference), ...Object.keys(golden.current)]).size;
  return new Set([...makeSample(golden.reference), ...makeSample(golden.current)]).size;
}

const rows = (golden: GoldenCase) =>
  golden.type === "numerical" ? golden.reference.n : Object.values(golden.reference).reduce((a, b) => a + b, 0);

describe("every test agrees with Evidently's formula on scipy", () => {
  for (const golden of cases) {
    describe(golden.name, () => {
      it(`is given ${golden.default_test} by the automatic choice`, () => {
        const chosen = chooseDefaultTest({
          type: golden.type,
          referenceRows: rows(golden),
          distinctValues: distinctValues(golden),
        });
        expect(chosen.name).toBe(golden.default_test);
      });
      it.each(Object.entries(golden.results))("%s", (name, expected) => {
        const test = getTest(name);
        const outcome = test.run(samplesOf(golden), test.defaultThreshold);
        if (expected.statistic_infinite) {
          expect(outcome.statistic).toBe(Number.MAX_VALUE);
          expect(outcome.note).toMatch(/absent from the reference/);
        } else {
          expectAgrees(outcome.statistic, expected.statistic!, `${name} statistic`, tracker);
        }
        if (expected.p_value === null) expect(outcome.p_value).toBeNull();
        else expectAgrees(outcome.p_value!, expected.p_value, `${name} p-value`, tracker);
        if (expected.evidently_p_value !== undefined) {
          expect(Math.abs(outcome.p_value! - expected.evidently_p_value)).toBeLessThanOrEqual(1e-9);
        }
        expect(outcome.drifted).toBe(expected.drifted);
      });
    });
  }
});
