import { afterAll, describe, expect, it } from "vitest";
import { expectAgrees, newTracker, summary } from "../../test/stats/golden/compare.js";
import { readFixture } from "../../test/stats/golden/samples.js";
import { labelCounts, loadWine, viewColumn, type WineView } from "../../test/stats/golden/wine.js";
import { type ColumnSamples, chooseDefaultTest, getTest, type StatTestName } from "./index.js";

interface GoldenColumn {
  column: string;
  type: "numerical" | "categorical";
  distinct_values: number;
  default_test: StatTestName;
  results: Record<string, { statistic: number | null; statistic_infinite?: boolean; p_value: number | null; drifted: boolean }>;
}

const { cases } = readFixture<{
  cases: Array<{ name: string; reference: WineView; current: WineView; columns: GoldenColumn[] }>;
}>("golden/wine.json");
const wine = loadWine();
const tracker = newTracker();
afterAll(() => console.info(summary("wine per-column verdicts", tracker)));

/** The non-missing values of a view's column: missing ones are dropped before testing, as Evidently does. */
const present = (view: WineView, column: string) => viewColumn(wine, view, column).filter((v) => !Number.isNaN(v));

function samples(reference: WineView, current: WineView, golden: GoldenColumn): ColumnSamples {
  const ref = present(reference, golden.column);
  const cur = present(current, golden.column);
  return golden.type === "numerical"
    ? { type: "numerical", reference: Float64Array.from(ref), current: Float64Array.from(cur) }
    : { type: "categorical", reference: labelCounts(ref), current: labelCounts(cur) };
}

describe("UCI wine: same per-column verdicts as Evidently on scipy", () => {
  for (const wineCase of cases) {
    it(wineCase.name, () => {
      for (const golden of wineCase.columns) {
        const referenceRows = present(wineCase.reference, golden.column).length;
        const chosen = chooseDefaultTest({ type: golden.type, referenceRows, distinctValues: golden.distinct_values });
        expect(chosen.name, golden.column).toBe(golden.default_test);
        for (const [name, expected] of Object.entries(golden.results)) {
          const label = `${golden.column} ${name}`;
          const outcome = getTest(name).run(
            samples(wineCase.reference, wineCase.current, golden),
            getTest(name).defaultThreshold,
          );
          if (expected.statistic_infinite) expect(outcome.statistic, label).toBe(Number.MAX_VALUE);
          else expectAgrees(outcome.statistic, expected.statistic!, `${label} statistic`, tracker);
          if (expected.p_value !== null) expectAgrees(outcome.p_value!, expected.p_value, `${label} p-value`, tracker);
          expect(outcome.drifted, label).toBe(expected.drifted);
        }
      }
    });
  }
});
