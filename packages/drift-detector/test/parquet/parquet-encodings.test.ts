// Every page type, encoding and codec the Parquet reader decodes itself, each read from files written by independent
// writers (DuckDB; hyparquet-writer for data pages v2), and checked value by value against the same data read from
// CSV, or against the values written.
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempScratchSpace } from "../../src/adapters/scratch/temp-scratch-space.js";
import type { ColumnValues } from "../../src/csv/column-accumulator.js";
import { CsvFormatError } from "../../src/csv/errors.js";
import { csvLimits } from "../../src/csv/limits.js";
import { readCsvTable } from "../../src/csv/read-csv.js";
import type { CsvTable } from "../../src/csv/table-builder.js";
import { detectDrift } from "../../src/drift/detect-drift.js";
import { driftOptionsSchema } from "../../src/drift/options.js";
import { readParquetInput } from "../../src/parquet/parquet-input.js";
import { readParquetTable } from "../../src/parquet/read-parquet.js";
import { duckdb, sqlPath } from "../support/duckdb-parquet.js";

const work = mkdtempSync(join(tmpdir(), "clarus-drift-parquet-encodings-"));
const at = (name: string) => join(work, name);
const limits = csvLimits({}, (name) => `the ${name} limit`);

/**
 * Columns of each physical type and the common logical types, with nulls, NaN and infinities (missing, as in a CSV),
 * integers past 2^31 and 2^53, decimals stored as INT32, INT64 and FIXED_LEN_BYTE_ARRAY, and text both
 * dictionary-encoded and free. Written by DuckDB in pages of a few hundred rows and several row groups.
 */
const TYPES = `
  SELECT
    CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 37) % 1000 END::INTEGER AS small,
    (i * 7919 - 5000000)::BIGINT AS big,
    (9007199254740993 + i * 1000003)::BIGINT AS huge,
    (4000000000 - i * 3)::UINTEGER AS unsigned32,
    (i % 250)::UTINYINT AS tiny,
    CASE WHEN i % 29 = 0 THEN 'NaN'::DOUBLE WHEN i % 31 = 0 THEN 'inf'::DOUBLE ELSE ((i * 31) % 1000) / 8.0 END AS ratio,
    (i * 0.001 + 1 / 3)::DOUBLE AS thirds,
    (((i * 13) % 10000) / 100.0 - 20)::DECIMAL(9, 2) AS price,
    ((i * 104729) / 10000.0)::DECIMAL(18, 4) AS amount,
    ((i * 1000003)::HUGEINT * 100000000000000 + 7)::DECIMAL(38, 4) AS wide,
    (i % 3 = 0) AS flag,
    CASE WHEN i % 11 = 0 THEN NULL ELSE ['red', 'white', 'rosé'][1 + (i * 7) % 3] END AS colour,
    'batch ' || (i % 997) AS batch
  FROM range(6000) t(i)`;

/** The same table as pandas writes it to CSV: booleans True/False, nulls and NaN empty. */
const AS_CSV = `SELECT * REPLACE (CASE WHEN flag THEN 'True' ELSE 'False' END AS flag, CASE WHEN isnan(ratio) THEN NULL ELSE ratio END AS ratio) FROM (${TYPES})`;

const CODECS = ["uncompressed", "snappy", "gzip", "zstd", "brotli", "lz4_raw"] as const;

beforeAll(async () => {
  const copy = (query: string, file: string, options: string) => `COPY (${query}) TO ${sqlPath(at(file))} (${options})`;
  await duckdb(
    copy(AS_CSV, "types.csv", "FORMAT csv, HEADER true"),
    ...CODECS.map((codec) => copy(TYPES, `types-${codec}.parquet`, `FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048`)),
    // Format version 2: DELTA_BINARY_PACKED integers, DELTA_LENGTH_BYTE_ARRAY text, RLE_DICTIONARY.
    copy(TYPES, "types-v2.parquet", "FORMAT parquet, PARQUET_VERSION v2, COMPRESSION zstd, ROW_GROUP_SIZE 2048"),
  );
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function parquetTable(file: string): Promise<CsvTable> {
  return readParquetInput({ path: at(file) }, file, limits);
}

/** A column as plain data: numbers sorted, labels with their counts in order of first appearance. */
function contents(values: ColumnValues | undefined): unknown {
  if (values === undefined) return undefined;
  if (values.kind === "labels") return { labels: [...values.counts], missing: values.missing };
  return { numbers: [...values.numbers.sorted()], integerOnly: values.integerOnly, missing: values.missing };
}

/** The encodings and page types each column chunk of a file is written in, read from its page headers. */
async function pagesOf(file: string): Promise<Set<string>> {
  const input = await asyncBufferFromFile(at(file));
  const metadata = await parquetMetadataAsync(input);
  const seen = new Set<string>();
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const bytes = await input.slice(start, start + Number(meta.total_compressed_size));
      const reader = { view: new DataView(bytes), offset: 0 };
      while (reader.offset < bytes.byteLength) {
        const header = parquetHeader(reader);
        const encoding = header.data_page_header?.encoding ?? header.data_page_header_v2?.encoding;
        seen.add(encoding ? `${header.type} ${encoding}` : header.type);
        seen.add(meta.codec);
        reader.offset += header.compressed_page_size;
      }
    }
  }
  return seen;
}

describe("Parquet pages decoded into typed columns", () => {
  it.each(CODECS)("%s: every column equals the same data read from CSV", async (codec) => {
    const file = `types-${codec}.parquet`;
    const fromCsv = await readCsvTable(createReadStream(at("types.csv")), "types.csv", limits);
    const fromParquet = await parquetTable(file);
    expect(fromParquet.rows).toBe(6000);
    for (const [column, values] of fromCsv.columns) {
      expect({ column, ...(contents(fromParquet.columns.get(column)) as object) }).toEqual({
        column,
        ...(contents(values) as object),
      });
    }
    const pages = await pagesOf(file);
    expect(pages).toContain(codec === "uncompressed" ? "UNCOMPRESSED" : codec.toUpperCase());
    expect(pages).toContain("DICTIONARY_PAGE");
    expect(pages).toContain("DATA_PAGE PLAIN_DICTIONARY");
    expect(pages).toContain("DATA_PAGE PLAIN");
  });

  it("format version 2 (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, RLE_DICTIONARY): the same columns", async () => {
    const reference = await parquetTable("types-snappy.parquet");
    const v2 = await parquetTable("types-v2.parquet");
    for (const [column, values] of reference.columns) {
      expect({ column, ...(contents(v2.columns.get(column)) as object) }).toEqual({ column, ...(contents(values) as object) });
    }
    const pages = await pagesOf("types-v2.parquet");
    for (const page of ["DATA_PAGE DELTA_BINARY_PACKED", "DATA_PAGE DELTA_LENGTH_BYTE_ARRAY", "DATA_PAGE RLE_DICTIONARY"]) {
      expect(pages).toContain(page);
    }
  });

  it("reads integers past 2^53, unsigned 32-bit integers and 38-digit decimals as a CSV reader reads their text", async () => {
    const table = await parquetTable("types-zstd.parquet");
    const numbers = (column: string) => {
      const values = table.columns.get(column);
      return values?.kind === "numbers" ? [...values.numbers.sorted()] : [];
    };
    expect(numbers("huge")[0]).toBe(Number("9007199254740993"));
    expect(numbers("unsigned32").at(-1)).toBe(4_000_000_000);
    expect(numbers("wide")[3]).toBe(Number("300000900000000000000.0007"));
    expect(numbers("price")[0]).toBe(-20);
    expect(numbers("price")).toEqual(expect.arrayContaining([-19.87, -19.74]));
    // NaN on the 207 rows i % 29 = 0, infinity on the 194 rows i % 31 = 0 but 7 of those are NaN already.
    expect(table.columns.get("ratio")?.missing).toBe(207 + 194 - 7);
  });

  it("data pages v2: levels outside the values, RLE booleans, dictionaries, PLAIN and BYTE_STREAM_SPLIT floats, DELTA_BYTE_ARRAY, DELTA_BINARY_PACKED", async () => {
    const rows = 5000;
    const doubles = Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : ((i * 37) % 400) / 8));
    const texts = Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : `c${(i * 3) % 4}`));
    const flags = Array.from({ length: rows }, (_, i) => (i % 9 === 0 ? null : i % 3 === 0));
    const counts = Array.from({ length: rows }, (_, i) => (i * 7) % 1000);
    const textBytes = texts.map((text) => (text === null ? null : new TextEncoder().encode(text)));
    const floats = Array.from({ length: rows }, (_, i) => Math.fround(((i * 13) % 300) / 7));
    const bigCounts = counts.map((count, i) => (i % 4 === 0 ? null : BigInt(count) * 10_000_000_000n - 3n));
    const buffer = parquetWriteBuffer({
      codec: "SNAPPY",
      pageSize: 2048,
      rowGroupSize: 2000,
      columnData: [
        { name: "dictionary", data: doubles, type: "DOUBLE" },
        { name: "plain", data: doubles, type: "DOUBLE", encoding: "PLAIN" },
        { name: "text", data: texts, type: "STRING" },
        { name: "flag", data: flags, type: "BOOLEAN" },
        { name: "count", data: counts, type: "INT32", nullable: false, encoding: "PLAIN" },
        { name: "split", data: doubles, type: "DOUBLE", encoding: "BYTE_STREAM_SPLIT" },
        { name: "split32", data: floats, type: "FLOAT", encoding: "BYTE_STREAM_SPLIT" },
        { name: "plain32", data: floats, type: "FLOAT", encoding: "PLAIN" },
        { name: "prefixed", data: textBytes, type: "BYTE_ARRAY", encoding: "DELTA_BYTE_ARRAY" },
        { name: "delta64", data: bigCounts, type: "INT64", encoding: "DELTA_BINARY_PACKED" },
      ],
    });
    writeFileSync(at("v2-pages.parquet"), new Uint8Array(buffer));
    const pages = await pagesOf("v2-pages.parquet");
    for (const page of [
      "DATA_PAGE_V2 RLE_DICTIONARY",
      "DATA_PAGE_V2 PLAIN",
      "DATA_PAGE_V2 RLE",
      "DICTIONARY_PAGE",
      "DATA_PAGE_V2 BYTE_STREAM_SPLIT",
      "DATA_PAGE_V2 DELTA_BYTE_ARRAY",
      "DATA_PAGE_V2 DELTA_BINARY_PACKED",
    ]) {
      expect(pages).toContain(page);
    }
    const table = await parquetTable("v2-pages.parquet");
    const written = doubles.filter((value): value is number => value !== null).sort((a, b) => a - b);
    for (const column of ["dictionary", "plain", "split"]) {
      expect(contents(table.columns.get(column))).toEqual({
        numbers: written,
        integerOnly: false,
        missing: rows - written.length,
      });
    }
    const labels = (values: Array<string | null>) => {
      const tally = new Map<string, number>();
      for (const value of values) if (value !== null) tally.set(value, (tally.get(value) ?? 0) + 1);
      return [...tally];
    };
    expect(contents(table.columns.get("text"))).toEqual({ labels: labels(texts), missing: rows / 5 });
    expect(contents(table.columns.get("prefixed"))).toEqual({ labels: labels(texts), missing: rows / 5 });
    for (const column of ["split32", "plain32"]) {
      expect(contents(table.columns.get(column))).toEqual({
        numbers: [...floats].sort((a, b) => a - b),
        integerOnly: false,
        missing: 0,
      });
    }
    const big = bigCounts.filter((value): value is bigint => value !== null).map(Number);
    expect(contents(table.columns.get("delta64"))).toEqual({
      numbers: big.sort((a, b) => a - b),
      integerOnly: true,
      missing: rows / 4,
    });
    const flagLabels = flags.map((flag) => (flag === null ? null : flag ? "True" : "False"));
    expect(contents(table.columns.get("flag"))).toEqual({ labels: labels(flagLabels), missing: Math.ceil(rows / 9) });
    expect(contents(table.columns.get("count"))).toEqual({
      numbers: [...counts].sort((a, b) => a - b),
      integerOnly: true,
      missing: 0,
    });
  });

  it("gives the same drift result spilling row group by row group as holding everything", async () => {
    const source = (file: string) => ({ name: file, stream: createReadStream(at(file)) });
    const run = (engine: Parameters<typeof detectDrift>[4]) =>
      detectDrift(source("types-snappy.parquet"), source("types-v2.parquet"), driftOptionsSchema.parse({}), limits, engine);
    const held = await run({ workers: 1 });
    const spilled = await run({ workers: 1, memoryBudgetBytes: 64 * 1024, scratchSpace: () => new TempScratchSpace(work) });
    expect(spilled).toEqual(held);
    expect(held.number_of_columns).toBe(13);
  });

  it("refuses a column chunk that cannot be read, naming its column, whether read ahead or when a decoding fails first", async () => {
    const whole = readFileSync(at("types-uncompressed.parquet"));
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(at("types-uncompressed.parquet")));
    const startOf = (column: string) => {
      const chunk = metadata.row_groups[1]?.columns.find((candidate) => candidate.meta_data?.path_in_schema[0] === column);
      return Number(chunk?.meta_data?.dictionary_page_offset || chunk?.meta_data?.data_page_offset);
    };
    const failing = (start: number, bytes: Uint8Array = whole) => ({
      byteLength: bytes.length,
      slice: async (from: number, to?: number) => {
        if (from === start) throw new Error("the disk is gone");
        return bytes.buffer.slice(bytes.byteOffset + from, bytes.byteOffset + (to ?? bytes.length)) as ArrayBuffer;
      },
    });
    const read = (file: ReturnType<typeof failing>) =>
      readParquetTable(file, "flaky.parquet", limits).catch((caught: unknown) => caught);
    // The chunk of "big" in the second row group is read while "small" is decoded.
    expect(await read(failing(startOf("big")))).toMatchObject({
      file: "flaky.parquet",
      column: "big",
      message: expect.stringMatching(/cannot read this column: the disk is gone/),
    });
    // "small" cannot be decoded while "big" fails to read: the first failure is the one reported.
    const damaged = Buffer.from(whole);
    damaged.fill(0xff, startOf("small"), startOf("small") + 12);
    expect(await read(failing(startOf("big"), damaged))).toMatchObject({ column: "small" });
  });

  it.each([
    ["a page header overwritten", "small", "header"],
    ["a page's levels and values overwritten", "small", "body"],
    ["a page's values overwritten", "colour", "body"],
  ] as const)("refuses %s, naming the file and the column", async (_, column, where) => {
    const whole = readFileSync(at("types-uncompressed.parquet"));
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(at("types-uncompressed.parquet")));
    const chunk = metadata.row_groups[0]?.columns.find(
      (candidate) => candidate.meta_data?.path_in_schema[0] === column,
    )?.meta_data;
    const page = Number(chunk?.data_page_offset);
    const reader = { view: new DataView(whole.buffer, whole.byteOffset, whole.byteLength), offset: page };
    parquetHeader(reader);
    const damaged = Buffer.from(whole);
    if (where === "header") damaged.fill(0xff, page, page + 12);
    else damaged.fill(0xff, reader.offset, reader.offset + 40);
    const error = await readParquetInput({ bytes: new Uint8Array(damaged).buffer }, "damaged.parquet", limits).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CsvFormatError);
    expect(error).toMatchObject({ file: "damaged.parquet", column });
    expect((error as Error).message).toMatch(/cannot read this column/);
  });
});
