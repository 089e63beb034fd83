// Dictionary-encoded numbers are counted per dictionary entry, never decoded one by one: checked on column chunks
// in which a dictionary's pages are followed by PLAIN pages (what writers do when a dictionary grows too large) and
// then by dictionary pages again, written by hyparquet-writer and joined here page by page, and on damaged indices.
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FileMetaData, parquetMetadata } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { ByteWriter, type ColumnSource, parquetWriteBuffer } from "hyparquet-writer";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { afterAll, describe, expect, it } from "vitest";
import { TempScratchSpace } from "../../src/adapters/scratch/temp-scratch-space.js";
import { CsvFormatError } from "../../src/csv/errors.js";
import { csvLimits } from "../../src/csv/limits.js";
import { detectDrift } from "../../src/drift/detect-drift.js";
import { driftOptionsSchema } from "../../src/drift/options.js";
import { readParquetInput } from "../../src/parquet/parquet-input.js";

const limits = csvLimits({}, (name) => `the ${name} limit`);
const work = await mkdtemp(join(tmpdir(), "clarus-drift-parquet-counts-"));
afterAll(() => rm(work, { recursive: true, force: true }));

type Column = Omit<ColumnSource, "name">;

/** One column `x` written alone, in one row group, uncompressed or snappy. */
function written(column: Column, codec: "UNCOMPRESSED" | "SNAPPY"): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({ codec, pageSize: 512, rowGroupSize: 1 << 20, columnData: [{ name: "x", ...column }] }),
  );
}

/** Where the column chunk of a one-column file lies, and its metadata. */
function chunkOf(file: Uint8Array) {
  const metadata = parquetMetadata(file.buffer as ArrayBuffer);
  const meta = metadata.row_groups[0]?.columns[0]?.meta_data;
  if (!meta) throw new Error("a one-column file without its column chunk");
  const data = Number(meta.data_page_offset);
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  return { metadata, meta, start, data, end: start + Number(meta.total_compressed_size) };
}

/**
 * One file whose single column chunk is `dictionary`'s dictionary page and pages, then `plain`'s PLAIN pages, then
 * `dictionary`'s pages once more (the same dictionary), with the footer of `dictionary` made to say so.
 */
function joined(dictionary: Uint8Array, plain: Uint8Array): Uint8Array {
  const first = chunkOf(dictionary);
  const second = chunkOf(plain);
  if (first.start === first.data || second.start !== second.data) throw new Error("a dictionary chunk, then a plain one");
  const parts = [
    dictionary.subarray(first.start, first.end),
    plain.subarray(second.start, second.end),
    dictionary.subarray(first.data, first.end),
  ];
  const writer = new ByteWriter();
  writer.appendUint32(0x31524150);
  for (const part of parts) writer.appendBytes(part);
  const rows = 2 * Number(first.metadata.num_rows) + Number(second.metadata.num_rows);
  const compressed = parts.reduce((total, part) => total + part.length, 0);
  const dictionaryPage = { view: new DataView(dictionary.buffer, dictionary.byteOffset), offset: first.start };
  const dictionaryPageSize = parquetHeader(dictionaryPage).uncompressed_page_size + dictionaryPage.offset - first.start;
  const uncompressed = BigInt(
    2 * Number(first.meta.total_uncompressed_size) + Number(second.meta.total_uncompressed_size) - dictionaryPageSize,
  );
  const group = first.metadata.row_groups[0] as FileMetaData["row_groups"][number];
  const metadata: FileMetaData = {
    ...first.metadata,
    num_rows: BigInt(rows),
    row_groups: [
      {
        ...group,
        num_rows: BigInt(rows),
        total_byte_size: uncompressed,
        total_compressed_size: BigInt(compressed),
        file_offset: 4n,
        columns: [
          {
            file_offset: 4n,
            meta_data: {
              ...first.meta,
              encodings: ["PLAIN", "RLE_DICTIONARY"],
              num_values: BigInt(rows),
              total_compressed_size: BigInt(compressed),
              total_uncompressed_size: uncompressed,
              dictionary_page_offset: 4n,
              data_page_offset: BigInt(4 + first.data - first.start),
              statistics: undefined,
              encoding_stats: undefined,
            },
          },
        ],
      },
    ],
  };
  // hyparquet-writer's own hyparquet may be an older version, whose FileMetaData type differs in unused members.
  writeMetadata(writer, metadata as Parameters<typeof writeMetadata>[1]);
  writer.appendUint32(0x31524150);
  return new Uint8Array(writer.getBuffer());
}

/** The page types and encodings of a one-column file's chunk, in order. */
function pagesOf(file: Uint8Array): string[] {
  const { start, end } = chunkOf(file);
  const reader = { view: new DataView(file.buffer, file.byteOffset, file.byteLength), offset: start };
  const pages: string[] = [];
  while (reader.offset < end) {
    const header = parquetHeader(reader);
    pages.push(header.type === "DICTIONARY_PAGE" ? "DICTIONARY" : String(header.data_page_header_v2?.encoding));
    reader.offset += header.compressed_page_size;
  }
  return pages;
}

async function numbersOf(file: Uint8Array, name = "joined.parquet") {
  const table = await readParquetInput({ bytes: file.slice().buffer as ArrayBuffer }, name, limits);
  const values = table.columns.get("x");
  if (values?.kind !== "numbers") throw new Error("x read as labels");
  return { sorted: [...values.numbers.sorted()], missing: values.missing, storage: values.numbers.storage };
}

/** Finite values ascending, −0 as 0 (the same to every test), and how many are null or not finite. */
function expected(values: ReadonlyArray<number | null>): { sorted: number[]; missing: number } {
  const finite = values.filter((value): value is number => value !== null && Number.isFinite(value));
  return { sorted: finite.map((value) => value + 0).sort((a, b) => a - b), missing: values.length - finite.length };
}

describe("dictionary-encoded numbers counted per entry", () => {
  it.each([
    ["UNCOMPRESSED", "the same scale and range"],
    ["SNAPPY", "PLAIN pages of finer decimals outside the dictionary's range"],
  ] as const)("%s: a dictionary's pages, PLAIN pages, then its pages again give every value (%s)", async (codec, kind) => {
    const counted = Array.from({ length: 6000 }, (_, i) =>
      i % 13 === 0 ? null : i % 97 === 0 ? Number.NaN : i % 89 === 0 ? -0 : ((i * 37) % 400) / 10,
    );
    const plain = Array.from({ length: 2000 }, (_, i) =>
      i % 7 === 0 ? null : kind.startsWith("the same") ? ((i * 11) % 400) / 10 : (((i * 13) % 500) - 1000) / 100,
    );
    const file = joined(
      written({ data: counted, type: "DOUBLE", encoding: "RLE_DICTIONARY" }, codec),
      written({ data: plain, type: "DOUBLE", encoding: "PLAIN" }, codec),
    );
    const pages = pagesOf(file);
    expect(pages[0]).toBe("DICTIONARY");
    const firstPlain = pages.indexOf("PLAIN");
    expect(firstPlain).toBeGreaterThan(1);
    expect(pages.slice(1, firstPlain).every((page) => page === "RLE_DICTIONARY")).toBe(true);
    expect(pages.at(-1)).toBe("RLE_DICTIONARY");
    const read = await numbersOf(file);
    expect({ sorted: read.sorted.map((value) => value + 0), missing: read.missing }).toEqual(
      expected([...counted, ...plain, ...counted]),
    );
    // Counted, not held one by one: a few thousand counters for 15 000 values.
    expect(read.storage).toBe("counts");
  });

  it("counts integer and decimal dictionaries too, and turns to doubles for an entry no scale fits", async () => {
    const cases: Column[] = [
      { data: Int32Array.from({ length: 900 }, (_, i) => (i * 7) % 50), type: "INT32" },
      { data: Array.from({ length: 900 }, (_, i) => BigInt(((i * 7) % 50) * 3_000_000_000)), type: "INT64" },
      { data: Array.from({ length: 900 }, (_, i) => (i % 5 === 0 ? 0.1 + 0.2 : (i % 40) / 4)), type: "DOUBLE" },
      { data: Array.from({ length: 900 }, (_, i) => (i % 3 === 0 ? Number.POSITIVE_INFINITY : i % 30)), type: "DOUBLE" },
    ];
    const doubles = [false, true, true, false];
    for (const [index, column] of cases.entries()) {
      const file = written({ ...column, encoding: "RLE_DICTIONARY", nullable: false }, "SNAPPY");
      expect(pagesOf(file)).toContain("RLE_DICTIONARY");
      const values = Array.from(column.data as ArrayLike<number | bigint>, Number);
      const read = await numbersOf(file);
      expect({ sorted: read.sorted, missing: read.missing }).toEqual(expected(values));
      expect({ index, doubles: read.storage === "float64" }).toEqual({ index, doubles: doubles[index] });
    }
  });

  it("gives the same drift result from a joined file spilled row group by row group as held, and as CSV", async () => {
    const values = (shift: number) =>
      Array.from({ length: 4000 }, (_, i) => (i % 11 === 0 ? null : ((i * 37) % 400) / 8 + shift));
    const pair = async (name: string, shift: number) => {
      const file = joined(
        written({ data: values(shift), type: "DOUBLE", encoding: "RLE_DICTIONARY" }, "SNAPPY"),
        written({ data: values(shift + 0.125), type: "DOUBLE", encoding: "PLAIN" }, "SNAPPY"),
      );
      await writeFile(join(work, `${name}.parquet`), file);
      const rows = [...values(shift), ...values(shift + 0.125), ...values(shift)];
      // Nulls as "NA": a one-column CSV's empty cell would be a blank line, which readers skip.
      await writeFile(join(work, `${name}.csv`), `x\n${rows.map((value) => (value === null ? "NA" : value)).join("\n")}\n`);
    };
    await pair("reference", 0);
    await pair("current", 1.5);
    const run = (extension: string, engine: Parameters<typeof detectDrift>[4]) =>
      detectDrift(
        { name: `reference.${extension}`, stream: createReadStream(join(work, `reference.${extension}`)) },
        { name: `current.${extension}`, stream: createReadStream(join(work, `current.${extension}`)) },
        driftOptionsSchema.parse({}),
        limits,
        engine,
      );
    const held = await run("parquet", { workers: 1 });
    const spilled = await run("parquet", {
      workers: 1,
      memoryBudgetBytes: 1024,
      scratchSpace: () => new TempScratchSpace(work),
    });
    const fromCsv = await run("csv", { workers: 1 });
    expect(spilled).toEqual(held);
    expect(held.columns).toEqual(fromCsv.columns);
    expect(held.columns).toHaveLength(1);
    expect(held.number_of_drifted_columns).toBe(1);
  });

  it.each([
    ["a run of an index outside the dictionary", [8, 100, 255], /dictionary index 255 outside a dictionary of 10/],
    ["a bit-packed index outside the dictionary", [4, 15, ...Array(25).fill(0xff)], /dictionary index 15 outside/],
    ["a bit-packed run past the page's end", [32, 15], /the dictionary indices end after 0 of 50 values/],
    ["empty runs up to the page's end", [4], /the dictionary indices end after 0 of 50 values/],
    ["a run header of more than 32 bits", [4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], /a run header longer than 5 bytes/],
  ])("refuses %s, naming the file and the column", async (_, bytes, message) => {
    const file = written(
      { data: Array.from({ length: 50 }, (_, i) => i % 10), type: "DOUBLE", encoding: "RLE_DICTIONARY", nullable: false },
      "UNCOMPRESSED",
    );
    const { data } = chunkOf(file);
    const reader = { view: new DataView(file.buffer, file.byteOffset, file.byteLength), offset: data };
    const header = parquetHeader(reader);
    expect(header.data_page_header_v2?.encoding).toBe("RLE_DICTIONARY");
    const damaged = file.slice();
    const valuesEnd = reader.offset + header.compressed_page_size;
    damaged.fill(0, reader.offset, valuesEnd);
    damaged.set(bytes.slice(0, valuesEnd - reader.offset), reader.offset);
    const error = await numbersOf(damaged, "damaged.parquet").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect(error).toMatchObject({ file: "damaged.parquet", column: "x" });
    expect((error as Error).message).toMatch(/cannot read this column/);
    expect((error as Error).message).toMatch(message);
  });
});
