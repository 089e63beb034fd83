// Parquet read as pandas and Evidently see it, the same verdicts as the same data in CSV, and bad files refused by
// name. The files are written by DuckDB, not by the reader under test.
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CsvFormatError } from "../../src/csv/errors.js";
import { CsvLimitError, csvLimits } from "../../src/csv/limits.js";
import { detectDrift } from "../../src/drift/detect-drift.js";
import { driftOptionsSchema } from "../../src/drift/options.js";
import type { DriftResult } from "../../src/drift/result.js";
import { readParquetInput } from "../../src/parquet/parquet-input.js";
import { buildPackage, PACKAGE_DIR } from "../support/build-package.js";
import { duckdb, sqlPath } from "../support/duckdb-parquet.js";

const work = mkdtempSync(join(tmpdir(), "clarus-drift-parquet-"));
const at = (name: string) => join(work, name);
const WINE = join(PACKAGE_DIR, "test/fixtures/winequality-red.csv");
const limits = csvLimits({}, (name) => `the ${name} limit`);

/** The shifted wine batch: alcohol +0.5 and pH +0.1 (two of twelve columns drift). */
const SHIFTED = `SELECT * REPLACE ("alcohol" + 0.5 AS "alcohol", "pH" + 0.1 AS "pH") FROM read_csv(${sqlPath(WINE)})`;

/** A table of every supported type, with nulls, several row groups and dictionary-encoded text. */
const TYPED = (seed: number) => `
  SELECT
    CASE WHEN i % 17 = 0 THEN NULL ELSE (i * ${seed}) % 1000 END::INTEGER AS int_nulls,
    ((i * 7919 + ${seed}) % 100000)::BIGINT AS big,
    ((i * ${seed}) % 9)::SMALLINT AS grade,
    ((i * 31 + ${seed}) % 1000) / 8.0 AS ratio,
    (((i * 13 + ${seed}) % 10000) / 100.0)::DECIMAL(10, 2) AS price,
    (i + ${seed}) % 3 = 0 AS flag,
    CASE WHEN i % 11 = 0 THEN NULL ELSE ['red', 'white', 'rosé'][1 + (i * 7 + ${seed}) % 3] END AS colour,
    DATE '2024-01-01' + (i % 365)::INTEGER AS day,
    TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) MINUTE AS moment
  FROM range(5000) t(i)`;

async function drift(reference: string, current: string): Promise<DriftResult> {
  const source = (path: string, name: string) => ({ name, stream: createReadStream(path) });
  return detectDrift(source(reference, "reference"), source(current, "current"), driftOptionsSchema.parse({}), limits);
}

beforeAll(async () => {
  buildPackage();
  const copy = (query: string, file: string, options: string) => `COPY (${query}) TO ${sqlPath(at(file))} (${options})`;
  await duckdb(
    copy(`SELECT * FROM read_csv(${sqlPath(WINE)})`, "wine.parquet", "FORMAT parquet, ROW_GROUP_SIZE 400"),
    copy(SHIFTED, "shifted.parquet", "FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 300"),
    copy(SHIFTED, "shifted-zstd.parquet", "FORMAT parquet, COMPRESSION zstd"),
    copy(SHIFTED, "shifted.csv", "FORMAT csv, HEADER true"),
    copy(TYPED(3), "typed-reference.parquet", "FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1024"),
    copy(TYPED(5), "typed-current.parquet", "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048"),
    // The same tables as a pandas pipeline writes them to CSV: booleans True/False, nulls empty, no date-times.
    ...[3, 5].map((seed) =>
      copy(
        `SELECT * EXCLUDE (day, moment) REPLACE (CASE WHEN flag THEN 'True' ELSE 'False' END AS flag) FROM (${TYPED(seed)})`,
        `typed-${seed}.csv`,
        "FORMAT csv, HEADER true",
      ),
    ),
    copy("SELECT 1 AS a, {'x': 1, 'y': 2} AS point FROM range(3)", "nested.parquet", "FORMAT parquet"),
    copy("SELECT 1 AS a, [1, 2] AS list FROM range(3)", "list.parquet", "FORMAT parquet"),
    copy("SELECT 1 AS a, uuid() AS id FROM range(3)", "uuid.parquet", "FORMAT parquet"),
    copy("SELECT 'label ' || i AS name FROM range(50) t(i)", "labels.parquet", "FORMAT parquet"),
  );
  const whole = readFileSync(at("wine.parquet"));
  writeFileSync(at("truncated.parquet"), whole.subarray(0, Math.floor(whole.length * 0.6)));
  // The footer intact, a column chunk overwritten: the file opens, one column cannot be decoded.
  const damaged = Buffer.from(whole);
  damaged.fill(0xff, 200, 4000);
  writeFileSync(at("damaged.parquet"), damaged);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("Parquet datasets", () => {
  it("gives the same result as the same data in CSV, for any mix of formats, codecs and row groups", async () => {
    const fromCsv = await drift(WINE, at("shifted.csv"));
    expect(fromCsv.columns.filter((column) => column.drifted).map((column) => column.column)).toEqual(["pH", "alcohol"]);
    for (const [reference, current] of [
      [at("wine.parquet"), at("shifted.parquet")],
      [at("wine.parquet"), at("shifted-zstd.parquet")],
      [WINE, at("shifted.parquet")],
      [at("wine.parquet"), at("shifted.csv")],
    ] as const) {
      expect(await drift(reference, current)).toEqual(fromCsv);
    }
  });

  it("is told from CSV by its first bytes, not its name", async () => {
    const renamed = at("wine-parquet.csv");
    writeFileSync(renamed, readFileSync(at("wine.parquet")));
    expect(await drift(renamed, at("shifted.parquet"))).toEqual(await drift(WINE, at("shifted.csv")));
  });

  it("maps each type as pandas and Evidently see it: numbers, categories, nulls missing, date-times untested", async () => {
    const table = await readParquetInput({ path: at("typed-reference.parquet") }, "typed.parquet", limits);
    expect(table.rows).toBe(5000);
    const column = (name: string) => table.columns.get(name);
    expect(column("int_nulls")).toMatchObject({ kind: "numbers", integerOnly: true, missing: 295 });
    expect(column("big")).toMatchObject({ kind: "numbers", integerOnly: true, missing: 0 });
    expect(column("ratio")).toMatchObject({ kind: "numbers", integerOnly: false, missing: 0 });
    expect(column("price")).toMatchObject({ kind: "numbers", integerOnly: false, missing: 0 });
    const flag = column("flag");
    expect(flag?.kind === "labels" && Object.fromEntries(flag.counts)).toEqual({ True: 1667, False: 3333 });
    const colour = column("colour");
    expect(colour?.kind === "labels" && [...colour.counts.keys()].sort()).toEqual(["red", "rosé", "white"]);
    expect(colour?.missing).toBe(455);
    expect(Object.fromEntries(table.untestable ?? [])).toEqual({
      day: expect.stringContaining("date-time column"),
      moment: expect.stringContaining("date-time column"),
    });
    const price = column("price");
    const prices = price?.kind === "numbers" ? [...price.numbers.values()] : [];
    expect(prices.slice(0, 3)).toEqual([0.03, 0.16, 0.29]);
  });

  it("tests typed columns as it does the same data in CSV (date-times listed as untested)", async () => {
    const fromParquet = await drift(at("typed-reference.parquet"), at("typed-current.parquet"));
    const fromCsv = await drift(at("typed-3.csv"), at("typed-5.csv"));
    expect(fromParquet.columns).toEqual(fromCsv.columns);
    expect(fromParquet.columns.map((column) => [column.column, column.type])).toEqual([
      ["int_nulls", "numerical"],
      ["big", "numerical"],
      ["grade", "categorical"],
      ["ratio", "numerical"],
      ["price", "numerical"],
      ["flag", "categorical"],
      ["colour", "categorical"],
    ]);
    expect(fromParquet.untested_columns.map((column) => column.column)).toEqual(["day", "moment"]);
  });

  it.each([
    ["truncated.parquet", /^reference: not a readable Parquet file/, undefined],
    ["damaged.parquet", /^reference \(column "[^"]+"\): cannot read this column/, "column"],
    ["nested.parquet", /nested schema: this column is a group/, "point"],
    ["list.parquet", /nested schema: this column is a LIST/, "list"],
    ["uuid.parquet", /unsupported column type FIXED_LEN_BYTE_ARRAY UUID/, "id"],
  ])("refuses %s naming the file and the column", async (file, message, column) => {
    const error = await drift(at(file), at("wine.parquet")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as Error).message).toMatch(message);
    expect((error as CsvFormatError).file).toBe("reference");
    if (column === undefined) expect((error as CsvFormatError).column).toBeUndefined();
    else if (column !== "column") expect((error as CsvFormatError).column).toBe(column);
    else expect((error as CsvFormatError).column).toBeDefined();
  });

  it("holds Parquet to the CSV limits: columns, distinct labels, characters of one cell", async () => {
    const read = (file: string, values: Parameters<typeof csvLimits>[0]) =>
      readParquetInput(
        { path: at(file) },
        file,
        csvLimits(values, (name) => `--${name}`),
      );
    await expect(read("typed-reference.parquet", { columns: 8 })).rejects.toThrow(
      /the schema has 9 columns: more than the limit of 8 columns \(raise it with --columns\)/,
    );
    const labels = await read("labels.parquet", { distinctLabels: 10 }).catch((error: unknown) => error);
    expect(labels).toBeInstanceOf(CsvLimitError);
    expect(labels).toMatchObject({ limit: "distinctLabels", column: "name", row: 11 });
    await expect(read("labels.parquet", { recordChars: 7 })).rejects.toThrow(/a text cell of 8 characters/);
    expect(statSync(at("labels.parquet")).size).toBeGreaterThan(0);
  });

  it("clarus-drift reads Parquet files, and exits 2 on a bad one without writing the report", () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(PACKAGE_DIR, "dist/cli.js"), ...args], { encoding: "utf8" });
    const good = cli(at("wine.parquet"), at("shifted.parquet"), "--json");
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ number_of_drifted_columns: 2, rows_reference: 1599 });
    const report = at("report.html");
    const bad = cli(at("wine.parquet"), at("nested.parquet"), "--report", report);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${at("nested.parquet")} (column "point"): nested schema`);
    expect(existsSync(report)).toBe(false);
  });
});
