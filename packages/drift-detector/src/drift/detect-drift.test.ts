import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { expectAgrees, newTracker } from "../../test/stats/golden/compare.js";
import { loadWine, viewColumn, type WineView } from "../../test/stats/golden/wine.js";
import { TempScratchSpace } from "../adapters/scratch/temp-scratch-space.js";
import { CsvFormatError } from "../csv/errors.js";
import { detectDrift } from "./detect-drift.js";
import { type DriftOptionsInput, driftOptionsSchema } from "./options.js";
import { DriftOptionsError } from "./options-error.js";
import type { DriftResult } from "./result.js";

const fixtures = new URL("../../test/fixtures/", import.meta.url);
const WINE_TEXT = readFileSync(new URL("winequality-red.csv", fixtures), "utf8");
const [WINE_HEADER = "", ...WINE_LINES] = WINE_TEXT.trimEnd().split("\n");

/** The golden cases of scripts/golden/make_golden.py: splits and shifted copies of the wine data, scipy's results. */
interface GoldenOutcome {
  /** Null with `statistic_infinite` where scipy's statistic is infinite (the stats report Number.MAX_VALUE). */
  statistic: number | null;
  statistic_infinite?: boolean;
  p_value: number | null;
  drifted: boolean;
}
interface GoldenCase {
  name: string;
  reference: WineView;
  current: WineView;
  columns: Array<{
    column: string;
    type: string;
    default_test: string;
    missing_reference: number;
    missing_current: number;
    results: Record<string, GoldenOutcome>;
  }>;
}
const GOLDEN = JSON.parse(readFileSync(new URL("golden/wine.json", fixtures), "utf8")) as { cases: GoldenCase[] };
const WINE = loadWine();

/** A golden view of the wine data as CSV text: String() writes each double back exactly; missing cells are empty. */
function wineCsv(view: WineView): string {
  const columns = WINE.columns.map((column) => viewColumn(WINE, view, column));
  const cell = (value: number) => (Number.isNaN(value) ? "" : String(value));
  const lines = (columns[0] ?? []).map((_, row) => columns.map((values) => cell(values[row] as number)).join(","));
  return `${WINE.columns.join(",")}\n${lines.join("\n")}\n`;
}

function source(name: string, text: string) {
  return { name, stream: Readable.from([Buffer.from(text)]) };
}

const SCRATCH = mkdtempSync(join(tmpdir(), "clarus-drift-golden-"));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

/** detectDrift with a 4 KiB memory budget over text read in 1 KiB pieces: the readers spill after every piece. */
async function spilling(reference: string, current: string): Promise<DriftResult> {
  const pieces = (name: string, text: string) => {
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 1024) }, (_, k) => bytes.subarray(k * 1024, (k + 1) * 1024));
    return { name, stream: Readable.from(chunks) };
  };
  return detectDrift(pieces("ref.csv", reference), pieces("cur.csv", current), driftOptionsSchema.parse({}), undefined, {
    memoryBudgetBytes: 4096,
    scratchSpace: () => new TempScratchSpace(SCRATCH),
  });
}

async function drift(reference: string, current: string, options: DriftOptionsInput = {}): Promise<DriftResult> {
  return detectDrift(source("ref.csv", reference), source("cur.csv", current), driftOptionsSchema.parse(options));
}

// The issue's tolerance, as for the statistics alone: within 1e-9 absolute and 1e-6 relative of scipy.
const tracker = newTracker();

describe("detectDrift on the real wine data agrees with scipy (golden cases)", () => {
  it.each(GOLDEN.cases.map((golden) => [golden.name, golden] as const))("%s", async (_, golden) => {
    const result = await drift(wineCsv(golden.reference), wineCsv(golden.current));
    // Spilling every few hundred values to a scratch folder changes nothing, to the bit; the folder is removed.
    expect(await spilling(wineCsv(golden.reference), wineCsv(golden.current))).toEqual(result);
    expect(readdirSync(SCRATCH)).toEqual([]);
    expect(result.columns.map((column) => column.column)).toEqual(golden.columns.map((column) => column.column));
    for (const expected of golden.columns) {
      const actual = result.columns.find((column) => column.column === expected.column);
      const outcome = expected.results[expected.default_test] as GoldenOutcome;
      expect(actual).toMatchObject({
        column: expected.column,
        type: expected.type,
        test: expected.default_test,
        drifted: outcome.drifted,
        missing_reference: expected.missing_reference,
        missing_current: expected.missing_current,
      });
      const label = `${golden.name}: ${expected.column}`;
      const statistic = outcome.statistic_infinite ? Number.MAX_VALUE : (outcome.statistic as number);
      expectAgrees(actual?.statistic as number, statistic, `${label} statistic`, tracker);
      if (outcome.p_value === null) expect(actual?.p_value, label).toBeNull();
      else expectAgrees(actual?.p_value as number, outcome.p_value, `${label} p-value`, tracker);
    }
    const drifted = golden.columns.filter((column) => column.results[column.default_test]?.drifted).length;
    expect(result.number_of_drifted_columns).toBe(drifted);
    expect(result.drift_share).toBe(drifted / golden.columns.length);
    expect(result.drift_detected).toBe(drifted / golden.columns.length >= 0.5);
  });

  it("types the wine quality grade as categorical and every measurement as numerical", async () => {
    const result = await drift(WINE_TEXT, WINE_TEXT);
    const types = Object.fromEntries(result.columns.map((column) => [column.column, column.type]));
    expect(types.quality).toBe("categorical");
    expect(Object.entries(types).filter(([, type]) => type === "numerical")).toHaveLength(11);
  });

  it("gives what a report needs: shared bins, summaries, effect sizes, counts", async () => {
    const result = await drift(WINE_TEXT, wineCsv({ rows: [0, 1599], shift: { alcohol: 0.5 } }));
    const alcohol = result.columns.find((column) => column.column === "alcohol");
    expect(alcohol?.distribution.kind).toBe("histogram");
    if (alcohol?.distribution.kind !== "histogram") return;
    const { edges, reference, current } = alcohol.distribution;
    expect(edges).toHaveLength(reference.length + 1);
    expect(reference.reduce((a, b) => a + b)).toBe(1599);
    expect(current.reduce((a, b) => a + b)).toBe(1599);
    expect(alcohol.summary?.reference.min).toBe(8.4);
    expect(alcohol.summary?.current.min).toBeCloseTo(8.9, 12);
    expect(alcohol.effect_size).toBeGreaterThan(0.1);
    const quality = result.columns.find((column) => column.column === "quality");
    expect(quality?.distribution).toEqual({
      kind: "categories",
      categories: ["3", "4", "5", "6", "7", "8"],
      reference: [10, 53, 681, 638, 199, 18],
      current: [10, 53, 681, 638, 199, 18],
    });
    expect(quality?.summary).toBeUndefined();
    expect(quality?.effect_size).toBe(0);
    expect(result).toMatchObject({ rows_reference: 1599, rows_current: 1599 });
  });
});

describe("detectDrift: columns, missing values, verdicts", () => {
  const reference = "a,b,only_ref,c\n1.5,x,1,\n2.5,y,2,\n3.5,x,3,\n4.5,y,4,\n5.5,x,5,\n6.5,y,6,\n";

  it("lists columns found in one file only, and untestable columns with the reason", async () => {
    const current = "b,a,c,only_cur\nx,1.5,,9\ny,2.5,,9\nx,3.5,,9\ny,4.5,,9\nx,,,9\ny,6.5,,9\n";
    const result = await drift(reference, current);
    expect(result.columns.map((column) => column.column)).toEqual(["a", "b"]);
    expect(result.columns_only_in_reference).toEqual(["only_ref"]);
    expect(result.columns_only_in_current).toEqual(["only_cur"]);
    expect(result.untested_columns).toEqual([{ column: "c", reason: "no values in ref.csv: every cell is missing" }]);
    const a = result.columns[0];
    expect(a).toMatchObject({ rows_reference: 6, rows_current: 6, missing_reference: 0, missing_current: 1 });
  });

  it("does not test free text as a category, unless told to", async () => {
    const text = (prefix: string) => `id,v\n${[1, 2, 3, 4].map((i) => `${prefix}${i},${i}.5`).join("\n")}\n`;
    const result = await drift(text("a"), text("b"));
    expect(result.untested_columns).toEqual([
      {
        column: "id",
        reason:
          "free text: 8 distinct values among 8 (more than 50%), so not tested as a category (list it in categorical_columns to test it anyway)",
      },
    ]);
    const forced = await drift(text("a"), text("b"), { categorical_columns: ["id"] });
    expect(forced.columns.find((column) => column.column === "id")).toMatchObject({ type: "categorical", test: "chisquare" });
  });

  it("tests small integer columns as categories and larger ones as numbers; declared types win", async () => {
    const csv = (values: number[]) => `grade,count\n${values.map((v, i) => `${v},${i}`).join("\n")}\n`;
    const values = Array.from({ length: 40 }, (_, i) => i % 4);
    const result = await drift(csv(values), csv(values));
    expect(result.columns.map((column) => [column.column, column.type, column.test])).toEqual([
      ["grade", "categorical", "chisquare"],
      ["count", "numerical", "ks"],
    ]);
    const declared = await drift(csv(values), csv(values), { numerical_columns: ["grade"], categorical_columns: ["count"] });
    expect(declared.columns.map((column) => column.type)).toEqual(["numerical", "categorical"]);
    const withMissing = await drift(csv(values), `grade,count\n${values.map((v, i) => `${i === 0 ? "" : v},${i}`).join("\n")}\n`);
    // pandas reads an integer column with a gap as float64, so Evidently (and we) test it as numerical.
    expect(withMissing.columns[0]).toMatchObject({ column: "grade", type: "numerical", missing_current: 1 });
  });

  it("marks a column declared numerical that holds text as untested", async () => {
    const result = await drift("v\n1\n2\nthree\n", "v\n1\n2\n3\n", { numerical_columns: ["v"] });
    expect(result.untested_columns).toEqual([
      { column: "v", reason: 'declared numerical, but ref.csv holds values that are not numbers, e.g. "1"' },
    ]);
  });

  it("reaches the dataset verdict when the drifted share equals drift_share", async () => {
    const ref = `a,b\n${Array.from({ length: 50 }, (_, i) => `${i},${i}`).join("\n")}\n`;
    const cur = `a,b\n${Array.from({ length: 50 }, (_, i) => `${i + 100},${i}`).join("\n")}\n`;
    const half = await drift(ref, cur);
    expect(half).toMatchObject({ drift_share: 0.5, number_of_drifted_columns: 1, drift_detected: true });
    expect((await drift(ref, cur, { drift_share: 0.51 })).drift_detected).toBe(false);
  });

  it("does not depend on row order", async () => {
    const lines = WINE_LINES.slice(0, 900);
    const shuffled = lines.map((line, i) => [(i * 7919) % lines.length, line] as const).sort((x, y) => x[0] - y[0]);
    const inOrder = await drift(WINE_TEXT, `${WINE_HEADER}\n${lines.join("\n")}\n`);
    const reordered = await drift(WINE_TEXT, `${WINE_HEADER}\n${shuffled.map(([, line]) => line).join("\n")}\n`);
    expect(reordered).toEqual(inOrder);
  });

  it("applies overrides with Evidently's precedence: per column, per type, global, automatic", async () => {
    const options: DriftOptionsInput = {
      stattest: "psi",
      num_stattest: "ks",
      per_column_stattest: { alcohol: "wasserstein" },
      stattest_threshold: 0.2,
      num_stattest_threshold: 0.01,
      per_column_stattest_threshold: { pH: 0.5 },
    };
    const result = await drift(WINE_TEXT, WINE_TEXT, options);
    const chosen = Object.fromEntries(result.columns.map((column) => [column.column, [column.test, column.threshold]]));
    expect(chosen.alcohol).toEqual(["wasserstein", 0.01]);
    expect(chosen.pH).toEqual(["ks", 0.5]);
    expect(chosen.density).toEqual(["ks", 0.01]);
    expect(chosen.quality).toEqual(["psi", 0.2]);
    const automatic = await drift(WINE_TEXT, WINE_TEXT, { cat_stattest_threshold: 0.3 });
    expect(automatic.columns.find((column) => column.column === "quality")).toMatchObject({
      test: "jensenshannon",
      threshold: 0.3,
    });
  });

  it("tests only the columns asked for", async () => {
    const result = await drift(WINE_TEXT, WINE_TEXT, { columns: ["pH", "quality"] });
    expect(result.columns.map((column) => column.column)).toEqual(["pH", "quality"]);
    expect(result.number_of_columns).toBe(2);
  });
});

describe("detectDrift: multiple-testing correction", () => {
  // KS p-values on 60 rows: a shifted by 40 (tiny p), b by 17 (p ≈ 0.016), c not at all (p = 1); e is a chi-square
  // column (p ≈ 0.47); d is shifted by 16 but judged by a distance, which no correction touches.
  const rows = Array.from({ length: 60 }, (_, i) => i);
  const grades = (x: number, y: number) => [...Array(x).fill("x"), ...Array(y).fill("y"), ...Array(60 - x - y).fill("z")];
  const table = (shift: Record<string, number>, e: string[]) =>
    `a,b,c,d,e\n${rows.map((i) => [i + (shift.a ?? 0), i + (shift.b ?? 0), i, i + (shift.d ?? 0), e[i]].join(",")).join("\n")}\n`;
  const reference = table({}, grades(30, 20));
  const current = table({ a: 40, b: 17, d: 16 }, grades(24, 24));
  const options: DriftOptionsInput = { per_column_stattest: { d: "wasserstein" } };
  const byName = (result: DriftResult) => Object.fromEntries(result.columns.map((column) => [column.column, column]));

  it("is off by default, as in Evidently: verdicts judge the test's own p-value", async () => {
    const result = await drift(reference, current, options);
    expect(result.p_value_correction).toBe("none");
    const { a, b, c, d, e } = byName(result);
    expect([a, b, c, d, e].map((column) => column?.drifted)).toEqual([true, true, false, true, false]);
    expect(b?.p_value).toBeCloseTo(0.015787628382725075, 12); // scipy ks_2samp(range(60), range(17, 77))
    expect(result.columns.every((column) => !("adjusted_p_value" in column))).toBe(true);
  });

  it("Bonferroni multiplies by the number of p-value tests and judges the adjusted p-value", async () => {
    const result = await drift(reference, current, { ...options, p_value_correction: "bonferroni" });
    expect(result.p_value_correction).toBe("bonferroni");
    const { a, b, c, d, e } = byName(result);
    for (const column of [a, b, c, e]) expect(column?.adjusted_p_value).toBe(Math.min(1, 4 * (column?.p_value as number)));
    expect(d).toMatchObject({ test: "wasserstein", p_value: null, adjusted_p_value: null, drifted: true });
    expect([a, b, c, d, e].map((column) => column?.drifted)).toEqual([true, false, false, true, false]);
    expect(result).toMatchObject({ number_of_drifted_columns: 2, drift_share: 0.4, drift_detected: false });
  });

  it("Benjamini–Hochberg gives step-up adjusted p-values, milder than Bonferroni", async () => {
    const result = await drift(reference, current, { ...options, p_value_correction: "benjamini-hochberg" });
    const { a, b, c, e } = byName(result);
    // b has the 2nd smallest of 4 p-values: 4·p/2, below a and e's adjusted values.
    expect(b?.adjusted_p_value).toBeCloseTo((4 * (b?.p_value as number)) / 2, 15);
    expect(c?.adjusted_p_value).toBe(1);
    expect([a, b, c, e].map((column) => column?.drifted)).toEqual([true, true, false, false]);
  });

  it("keeps each test's rule at its threshold: ks drifts at adjusted p ≤ threshold, chisquare only below", async () => {
    const first = byName(await drift(reference, current, { ...options, p_value_correction: "bonferroni" }));
    const atThreshold = { b: first.b?.adjusted_p_value as number, e: first.e?.adjusted_p_value as number };
    const result = byName(
      await drift(reference, current, {
        ...options,
        p_value_correction: "bonferroni",
        per_column_stattest_threshold: atThreshold,
      }),
    );
    expect(result.b).toMatchObject({ test: "ks", threshold: atThreshold.b, drifted: true });
    expect(result.e).toMatchObject({ test: "chisquare", threshold: atThreshold.e, drifted: false });
  });

  it("refuses an unknown correction", () => {
    const parsed = driftOptionsSchema.safeParse({ p_value_correction: "holm" });
    expect(parsed.error?.issues.map((issue) => issue.path.join("."))).toEqual(["p_value_correction"]);
  });
});

describe("detectDrift: errors", () => {
  it("refuses two files without a column in common, naming them", async () => {
    const error = await drift("a\n1\n", "b\n1\n").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as Error).message).toBe("cur.csv (row 1): no column in common with ref.csv");
  });

  it("refuses options naming a column not in both files, or a test the column's type cannot take", async () => {
    await expect(drift(WINE_TEXT, WINE_TEXT, { per_column_stattest: { alcool: "ks" } })).rejects.toThrow(
      new DriftOptionsError('per_column_stattest names column "alcool", which is not in both files'),
    );
    await expect(drift(WINE_TEXT, WINE_TEXT, { per_column_stattest: { quality: "ks" } })).rejects.toThrow(
      new DriftOptionsError(
        'test "ks" cannot compare column "quality", which is categorical (it takes numerical columns; list it in numerical_columns to test it as one)',
      ),
    );
  });

  it("rejects malformed options at parse time", () => {
    const parsed = driftOptionsSchema.safeParse({
      drift_share: 0,
      stattest: "t-test",
      extra: 1,
      numerical_columns: ["a"],
      categorical_columns: ["a"],
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((issue) => issue.path.join(".") || issue.code);
    expect(paths).toEqual(expect.arrayContaining(["drift_share", "stattest", "unrecognized_keys"]));
  });

  it("names the file of a malformed CSV", async () => {
    await expect(drift(WINE_TEXT, "a,b\n1,2,3\n")).rejects.toThrow(/^cur\.csv \(row 2, column "b"\): ragged row/);
  });
});
