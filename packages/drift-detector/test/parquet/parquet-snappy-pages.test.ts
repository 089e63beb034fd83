// Snappy pages as DuckDB writes them, decompressed by our WebAssembly decoder into memory reused page after page:
// damaged pages and page headers claiming more than their column chunk are refused, naming the file and the column.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ColumnMetaData, FileMetaData } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { parquetMetadata } from "hyparquet/src/metadata.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CsvFormatError } from "../../src/csv/errors.js";
import { csvLimits } from "../../src/csv/limits.js";
import { columnChunkRange, readColumnChunk } from "../../src/parquet/column-chunk.js";
import { decompressorsFor } from "../../src/parquet/page-decompressors.js";
import { readOtherValues, type ValueCodec } from "../../src/parquet/page-values.js";
import { readParquetInput } from "../../src/parquet/parquet-input.js";
import { duckdb, sqlPath } from "../support/duckdb-parquet.js";

const work = mkdtempSync(join(tmpdir(), "clarus-drift-parquet-snappy-"));
const file = join(work, "snappy.parquet");
const limits = csvLimits({}, (name) => `the ${name} limit`);
const DOUBLE: ValueCodec = { type: "DOUBLE", typeLength: undefined, unsigned: false, decimalScale: undefined, labels: false };
let whole: Buffer;
let metadata: FileMetaData;

beforeAll(async () => {
  // "ratio" is dictionary-encoded (a dictionary page of doubles, then pages of indices), "noise" PLAIN doubles.
  await duckdb(
    `COPY (SELECT (i % 50) / 4.0 AS ratio, sin(i) * 1000 AS noise FROM range(50000) t(i))
      TO ${sqlPath(file)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 20000)`,
  );
  whole = readFileSync(file);
  metadata = parquetMetadata(new Uint8Array(whole).buffer);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function chunkOf(column: string, group = 0): ColumnMetaData {
  const chunk = metadata.row_groups[group]?.columns.find((candidate) => candidate.meta_data?.path_in_schema[0] === column);
  if (!chunk?.meta_data) throw new Error(`no column ${column}`);
  return chunk.meta_data;
}

/** Where the compressed body of the chunk's first page starts in the file. */
function firstPageBody(chunk: ColumnMetaData): number {
  const reader = { view: new DataView(whole.buffer, whole.byteOffset, whole.byteLength), offset: columnChunkRange(chunk).start };
  parquetHeader(reader);
  return reader.offset;
}

async function readDamaged(damage: (bytes: Buffer) => void): Promise<unknown> {
  const damaged = Buffer.from(whole);
  damage(damaged);
  return readParquetInput({ bytes: new Uint8Array(damaged).buffer }, "damaged.parquet", limits).catch(
    (caught: unknown) => caught,
  );
}

describe("snappy Parquet pages", () => {
  it("are read from reused memory: a dictionary of doubles stays right across its chunk's pages, and PLAIN pages too", async () => {
    const table = await readParquetInput({ path: file }, "snappy.parquet", limits);
    const ratio = table.columns.get("ratio");
    const noise = table.columns.get("noise");
    if (ratio?.kind !== "numbers" || noise?.kind !== "numbers") throw new Error("numbers expected");
    const expectedRatio = Float64Array.from({ length: 50_000 }, (_, i) => (i % 50) / 4).sort();
    const expectedNoise = Float64Array.from({ length: 50_000 }, (_, i) => Math.sin(i) * 1000).sort();
    expect(ratio.numbers.sorted()).toEqual(expectedRatio);
    const noiseSorted = noise.numbers.sorted();
    for (let i = 0; i < expectedNoise.length; i += 997) expect(noiseSorted[i]).toBeCloseTo(expectedNoise[i] as number, 9);
  });

  it.each([
    ["a dictionary page's length preamble changed", "ratio", /its length preamble disagrees with the page header/],
    ["a data page's length preamble changed", "noise", /its length preamble disagrees with the page header/],
  ])("refuse %s, naming the file and the column", async (_, column, message) => {
    const body = firstPageBody(chunkOf(column, 1));
    const error = await readDamaged((bytes) => {
      bytes[body] = ((bytes[body] as number) & 0x80) | (((bytes[body] as number) + 1) & 0x7f);
    });
    expect(error).toBeInstanceOf(CsvFormatError);
    expect(error).toMatchObject({ file: "damaged.parquet", column });
    expect((error as Error).message).toMatch(/cannot read this column: corrupt snappy page: /);
    expect((error as Error).message).toMatch(message);
  });

  it("refuse a page whose elements were overwritten, naming the file and the column", async () => {
    const body = firstPageBody(chunkOf("noise"));
    const error = await readDamaged((bytes) => bytes.fill(0xff, body + 4, body + 40));
    expect(error).toMatchObject({ file: "damaged.parquet", column: "noise" });
    expect((error as Error).message).toMatch(/cannot read this column: corrupt snappy page: /);
  });

  it("refuse a page header claiming more uncompressed bytes than its whole column chunk", async () => {
    const chunk = chunkOf("noise");
    const { start, end } = columnChunkRange(chunk);
    const bytes = new Uint8Array(whole.buffer, whole.byteOffset + start, end - start);
    const compressors = await decompressorsFor(["SNAPPY"]);
    const sink = { add: () => undefined, addCounted: () => undefined };
    const unbounded = Number.POSITIVE_INFINITY;
    expect(() => readColumnChunk(bytes, chunk, DOUBLE, true, compressors, sink, unbounded)).not.toThrow();
    const small = { ...chunk, total_uncompressed_size: 1000n };
    expect(() => readColumnChunk(bytes, small, DOUBLE, true, compressors, sink, unbounded)).toThrow(
      /a page of \d+ bytes uncompressed, where the whole column chunk holds 1000/,
    );
    expect(() => readColumnChunk(bytes, chunk, DOUBLE, true, compressors, sink, 1000)).toThrow(
      /a page of \d+ bytes uncompressed, more than a reading thread's share of the memory budget \(1000 bytes\)/,
    );
  });

  it("refuse text values running past the page's end into the rest of a reused buffer (DELTA_LENGTH_BYTE_ARRAY)", () => {
    // One value of 10 bytes (a DELTA_BINARY_PACKED header: block 128, 4 miniblocks, 1 value, first 10) with 3 in the page.
    const buffer = new Uint8Array(64).fill(0x61);
    buffer.set([0x80, 0x01, 0x04, 0x01, 0x14, 0x62, 0x63, 0x64]);
    const page = { view: new DataView(buffer.buffer, 0, 8), offset: 0 };
    const text: ValueCodec = {
      type: "BYTE_ARRAY",
      typeLength: undefined,
      unsigned: false,
      decimalScale: undefined,
      labels: true,
    };
    expect(() => readOtherValues(page, 1, text, "DELTA_LENGTH_BYTE_ARRAY")).toThrow(/the page ends 7 bytes before its values do/);
  });
});
