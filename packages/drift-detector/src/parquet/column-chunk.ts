import type { ColumnMetaData, Compressors, DataReader, PageHeader } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage } from "hyparquet/src/datapage.js";
import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import { readVarInt } from "hyparquet/src/thrift.js";
import {
  asDictionary,
  countDictionaryIndices,
  type Dictionary,
  type PageValues,
  readDictionaryIndices,
  readOtherValues,
  readPlainValues,
  readRleBooleans,
  type ValueCodec,
} from "./page-values.js";

/** One data page decoded: its row count, which of its rows are null (none when `present` is undefined), and its values. */
export interface DecodedPage {
  rows: number;
  /** 1 for a row with a value, 0 for a null; undefined when every row has a value. */
  present: Uint8Array | undefined;
  /** Rows without a value. */
  nulls: number;
  values: PageValues;
}

/** Where a column chunk's values go: its data pages one by one, and the counts of its dictionary-encoded numbers. */
export interface ColumnChunkSink {
  /** The page's arrays may view memory that the next page's decompression reuses: consumed here, never kept. */
  add(page: DecodedPage): void;
  /** `counts[k]` times the dictionary's `values[k]`: every dictionary-encoded number of the chunk, once it is read. */
  addCounted(values: Float64Array, counts: Uint32Array): void;
}

/** Where a column chunk lies in the file: from its dictionary page (if any) to the end of its last data page. */
export function columnChunkRange(meta: ColumnMetaData): { start: number; end: number } {
  const dictionary = meta.dictionary_page_offset;
  // Some writers leave the dictionary offset at 0 when there is none; the chunk then starts at its data.
  const start = Number(
    dictionary !== undefined && dictionary > 0n && dictionary < meta.data_page_offset ? dictionary : meta.data_page_offset,
  );
  return { start, end: start + Number(meta.total_compressed_size) };
}

/**
 * Decodes the pages of one flat column chunk, one after the other, handing each data page to `sink`: data pages v1
 * and v2; PLAIN, PLAIN_DICTIONARY and RLE_DICTIONARY values (and RLE booleans) decoded here into typed arrays, the
 * DELTA and BYTE_STREAM_SPLIT encodings by hyparquet's decoders; definition levels (0 or 1: a flat column) from the
 * RLE/bit-packed hybrid; pages decompressed by `compressors` (snappy, gzip, zstd, brotli, lz4). Dictionary-encoded
 * numbers are never looked up one by one: their indices are counted per dictionary entry over the whole chunk and
 * handed over with the dictionary once its pages are read (their order does not matter: numbers are only ever
 * sorted). Any inconsistency (a page past the chunk's end, fewer values than the metadata says) throws.
 */
export function readColumnChunk(
  bytes: Uint8Array,
  meta: ColumnMetaData,
  codec: ValueCodec,
  optional: boolean,
  compressors: Compressors,
  sink: ColumnChunkSink,
  maxPageBytes: number,
): void {
  const reader: DataReader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const expected = Number(meta.num_values);
  const chunk: ChunkContext = { meta, codec, optional, compressors, dictionary: undefined, indexCounts: undefined };
  // Bounds what a page header may make a decompressor allocate (the chunk's size includes its page headers).
  const maxPageSize = Number(meta.total_uncompressed_size);
  let seen = 0;
  while (seen < expected) {
    if (reader.offset >= bytes.length) throw new Error(`the column chunk ends after ${seen} of its ${expected} values`);
    const header = parquetHeader(reader);
    const size = header.compressed_page_size;
    if (!(size >= 0) || reader.offset + size > bytes.length) {
      throw new Error(`a page of ${size} bytes runs past the end of the column chunk`);
    }
    const uncompressed = header.uncompressed_page_size;
    if (!(uncompressed >= 0 && uncompressed <= maxPageSize)) {
      throw new Error(`a page of ${uncompressed} bytes uncompressed, where the whole column chunk holds ${maxPageSize}`);
    }
    if (uncompressed > maxPageBytes) {
      throw new Error(
        `a page of ${uncompressed} bytes uncompressed, more than a reading thread's share of the memory budget (${maxPageBytes} bytes)`,
      );
    }
    const body = bytes.subarray(reader.offset, reader.offset + size);
    reader.offset += size;
    if (header.type === "DICTIONARY_PAGE") {
      const count = header.dictionary_page_header?.num_values ?? 0;
      // A copy: the dictionary is kept for the chunk's pages, while the decompressor may reuse its output's memory.
      const page = decompressPage(body, uncompressed, meta.codec, compressors).slice();
      handCounted(chunk, sink);
      chunk.dictionary = asDictionary(readPlainValues(readerOf(page), count, codec));
      chunk.indexCounts = chunk.dictionary.kind === "numbers" ? new Uint32Array(chunk.dictionary.numbers.length) : undefined;
    } else if (header.type === "DATA_PAGE" || header.type === "DATA_PAGE_V2") {
      const page = header.type === "DATA_PAGE" ? dataPageV1(body, header, chunk) : dataPageV2(body, header, chunk);
      seen += page.rows;
      sink.add(page);
    }
  }
  if (seen !== expected) throw new Error(`the column chunk holds ${seen} values where its metadata says ${expected}`);
  handCounted(chunk, sink);
}

/** The numbers counted per entry of the chunk's dictionary so far, handed to `sink` (and the counters let go). */
function handCounted(chunk: ChunkContext, sink: ColumnChunkSink): void {
  const { dictionary, indexCounts } = chunk;
  if (dictionary?.kind === "numbers" && indexCounts) sink.addCounted(dictionary.numbers, indexCounts);
  chunk.indexCounts = undefined;
}

/** What every page of a column chunk is decoded with; the dictionary once its page has been read. */
interface ChunkContext {
  meta: ColumnMetaData;
  codec: ValueCodec;
  optional: boolean;
  compressors: Compressors;
  dictionary: Dictionary | undefined;
  /** For a dictionary of numbers: how many values of the pages read so far point at each entry. */
  indexCounts: Uint32Array | undefined;
}

function dataPageV1(body: Uint8Array, header: PageHeader, chunk: ChunkContext): DecodedPage {
  const pageHeader = header.data_page_header;
  if (!pageHeader) throw new Error("a data page without its header");
  const page = readerOf(decompressPage(body, header.uncompressed_page_size, chunk.meta.codec, chunk.compressors));
  const rows = pageHeader.num_values;
  let levels: DefinitionLevels = NO_NULLS;
  if (chunk.optional) {
    if (pageHeader.definition_level_encoding !== "RLE") {
      throw new Error(`definition levels in ${pageHeader.definition_level_encoding} encoding cannot be read`);
    }
    if (page.offset + 4 > page.view.byteLength) throw new Error("the page ends before its definition levels");
    const length = page.view.getUint32(page.offset, true);
    page.offset += 4;
    levels = definitionLevels(page, rows, length);
  }
  return decodedPage(page, rows, levels, pageHeader.encoding, chunk);
}

function dataPageV2(body: Uint8Array, header: PageHeader, chunk: ChunkContext): DecodedPage {
  const pageHeader = header.data_page_header_v2;
  if (!pageHeader) throw new Error("a data page v2 without its header");
  const rows = pageHeader.num_values;
  const levelBytes = pageHeader.repetition_levels_byte_length + pageHeader.definition_levels_byte_length;
  if (levelBytes > body.length) throw new Error("the page's levels run past its end");
  let levels: DefinitionLevels = NO_NULLS;
  if (chunk.optional) {
    const levelReader = readerOf(body.subarray(pageHeader.repetition_levels_byte_length, levelBytes));
    levels = definitionLevels(levelReader, rows, pageHeader.definition_levels_byte_length);
  }
  const compressed = body.subarray(levelBytes);
  const valuesSize = header.uncompressed_page_size - levelBytes;
  const values = pageHeader.is_compressed
    ? decompressPage(compressed, valuesSize, chunk.meta.codec, chunk.compressors)
    : compressed;
  return decodedPage(readerOf(values), rows, levels, pageHeader.encoding, chunk);
}

type DefinitionLevels = { present: Uint8Array | undefined; nulls: number };
const NO_NULLS: DefinitionLevels = { present: undefined, nulls: 0 };

/**
 * The definition levels of a flat column's page (bit width 1: 1 a value, 0 a null), `length` bytes of the
 * RLE/bit-packed hybrid. Its runs are counted first: a page without nulls (a run of ones, the usual case) needs
 * no array of levels.
 */
function definitionLevels(reader: DataReader, rows: number, length: number): DefinitionLevels {
  const { view } = reader;
  const start = reader.offset;
  const end = start + length;
  if (end > view.byteLength) throw new Error("the definition levels run past the end of the page");
  let nulls = 0;
  let seen = 0;
  while (seen < rows) {
    if (reader.offset >= end) throw new Error(`the definition levels end after ${seen} of ${rows} rows`);
    const header = readVarInt(reader);
    if (header & 1) {
      const count = (header >>> 1) * 8;
      if (reader.offset + count / 8 > end) throw new Error("the definition levels run past their length");
      for (let k = 0; k < count && seen + k < rows; k++) {
        if (((view.getUint8(reader.offset + (k >> 3)) >> (k & 7)) & 1) === 0) nulls++;
      }
      reader.offset += count / 8;
      seen += count;
    } else {
      const count = header >>> 1;
      if (reader.offset >= end) throw new Error("the definition levels run past their length");
      if (view.getUint8(reader.offset++) === 0) nulls += Math.min(count, rows - seen);
      seen += count;
    }
  }
  reader.offset = end;
  if (nulls === 0) return NO_NULLS;
  const present = new Uint8Array(rows);
  readRleBitPackedHybrid({ view, offset: start }, 1, present, length);
  return { present, nulls };
}

function decodedPage(
  reader: DataReader,
  rows: number,
  { present, nulls }: DefinitionLevels,
  encoding: string,
  { codec, dictionary, indexCounts }: ChunkContext,
): DecodedPage {
  const count = rows - nulls;
  let values: PageValues;
  if (encoding === "PLAIN") values = readPlainValues(reader, count, codec);
  else if (encoding === "PLAIN_DICTIONARY" || encoding === "RLE_DICTIONARY") {
    if (!dictionary) throw new Error("a dictionary-encoded page without a dictionary page before it");
    if (dictionary.kind === "labels") {
      const codes = readDictionaryIndices(reader, count, dictionary.labels.length);
      values = { kind: "codes", codes, labels: dictionary.labels };
    } else {
      countDictionaryIndices(reader, count, indexCounts as Uint32Array);
      values = { kind: "counted" };
    }
  } else if (encoding === "RLE" && codec.type === "BOOLEAN") values = readRleBooleans(reader, count);
  else values = readOtherValues(reader, count, codec, encoding);
  return { rows, present, nulls, values };
}

function readerOf(bytes: Uint8Array): DataReader {
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
}
