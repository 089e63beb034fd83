import type { AsyncBuffer, ColumnMetaData } from "hyparquet";
// The footer reader alone: hyparquet's index also loads its row assembly and queries, which this reader does not use.
import { parquetMetadataAsync, parquetSchema } from "hyparquet/src/metadata.js";
import type { ColumnValues } from "../csv/column-accumulator.js";
import { CsvFormatError } from "../csv/errors.js";
import { CsvLimitError, type CsvLimits } from "../csv/limits.js";
import { NumberColumn } from "../csv/number-column.js";
import { laterSpillThreshold, type NumberSpill } from "../csv/number-spill.js";
import type { CsvTable } from "../csv/table-builder.js";
import { type ColumnChunkSink, columnChunkRange, type DecodedPage, readColumnChunk } from "./column-chunk.js";
import { decompressorsFor } from "./page-decompressors.js";
import { type ValueCodec, valueCodec } from "./page-values.js";
import { type ParquetColumn, parquetColumns } from "./parquet-columns.js";

/** The largest page a tiny memory budget still allows (see `maxPageBytes`). */
const MIN_PAGE_BYTES_CAP = 64 * 1024 ** 2;
const DATETIME_REASON = "date-time column: Evidently leaves date-time columns out of drift detection";

/**
 * Reads a Parquet file into the same compact columns as a CSV: row group by row group and column by column, so only
 * one column chunk is decoded at a time (the next one's bytes read meanwhile), whatever the file's size; past `spill`'s threshold, after a row
 * group, the numbers held are handed to it. Pages are decoded here (column-chunk.ts) straight into typed arrays; hyparquet
 * reads the footer and page headers, and decodes the rarer encodings. The CSV limits apply: columns, distinct labels
 * of a text column, and characters of one text cell (the record limit). A file that cannot be decoded, a nested
 * schema or an unsupported column type is refused, naming the file and, where it is one column's fault, the column.
 */
export async function readParquetTable(
  file: AsyncBuffer,
  name: string,
  limits: CsvLimits,
  spill?: NumberSpill,
  readChunk: ChunkReader = sliceChunks(file),
): Promise<CsvTable> {
  const metadata = await parquetMetadataAsync(file).catch((error: unknown) => {
    throw new CsvFormatError(name, `not a readable Parquet file: ${messageOf(error)}`);
  });
  const columns = parquetColumns(parquetSchema(metadata), name);
  if (columns.length > limits.columns.value) {
    throw new CsvLimitError(name, "columns", limits.columns, `the schema has ${columns.length} columns`);
  }
  if (columns.length === 0) throw new CsvFormatError(name, "empty schema: no columns");
  const rows = Number(metadata.num_rows);
  if (rows === 0) throw new CsvFormatError(name, "no data rows");
  const builders = columns.map((column) => new ParquetColumnBuilder(column, name, limits));
  // Every column chunk to decode, in file order; each one's bytes are read while the one before is decoded.
  const reads: ChunkRead[] = metadata.row_groups.flatMap((group, groupIndex) =>
    builders.flatMap((builder, index) =>
      builder.column.kind === "datetime" ? [] : [{ groupIndex, builder, chunk: group.columns[index]?.meta_data }],
    ),
  );
  const compressors = await decompressorsFor(reads.flatMap((read) => (read.chunk ? [read.chunk.codec] : [])));
  let groupStart = 0;
  let spillThreshold = spill?.thresholdBytes ?? Number.POSITIVE_INFINITY;
  // No page may be larger than what this thread may hold before spilling (or 64 MiB, for a tiny budget): a crafted
  // header (a gzip or zstd bomb, a size the footer vouches for) would otherwise have the decompressor allocate what
  // the budget does not allow. Writers' pages are ~1 MiB (pyarrow, parquet-mr, DuckDB).
  const maxPageBytes = Math.max(spillThreshold, MIN_PAGE_BYTES_CAP);
  let next = 0;
  let ahead: Promise<Uint8Array> | undefined;
  // Chunks are read into two buffers taking turns: one decoded while the next chunk is read into the other.
  let chunksRead = 0;
  const fetchChunk = (chunk: ColumnMetaData) => chunkBytes(file.byteLength, chunk, readChunk, (chunksRead++ % 2) as 0 | 1);
  for (const [groupIndex, group] of metadata.row_groups.entries()) {
    for (; next < reads.length && reads[next]?.groupIndex === groupIndex; next++) {
      const read = reads[next];
      if (!matches(read)) {
        throw new CsvFormatError(name, "not a readable Parquet file: a row group lacks this column", {
          column: read?.builder.column.name,
        });
      }
      const { builder, chunk } = read;
      try {
        const bytes = await (ahead ?? fetchChunk(chunk));
        const following = reads[next + 1];
        ahead = matches(following) ? fetchChunk(following.chunk) : undefined;
        readColumnChunk(bytes, chunk, builder.codec, builder.column.optional, compressors, builder, maxPageBytes);
      } catch (error) {
        if (error instanceof CsvLimitError) throw error;
        throw new CsvFormatError(name, `cannot read this column: ${messageOf(error)}`, { column: builder.column.name });
      }
    }
    groupStart += Number(group.num_rows);
    if (spill && builders.reduce((bytes, builder) => bytes + builder.numbers.byteLength, 0) > spillThreshold) {
      spill.take(builders.map((builder) => ({ column: builder.column.name, state: builder.numbers.drain() })));
      spillThreshold = laterSpillThreshold(spill);
    }
  }
  if (groupStart !== rows)
    throw new CsvFormatError(
      name,
      `not a readable Parquet file: its row groups hold ${groupStart} rows, its footer says ${rows}`,
    );
  const values = new Map<string, ColumnValues>();
  const untestable = new Map<string, string>();
  for (const builder of builders) {
    values.set(builder.column.name, builder.finish(rows));
    if (builder.column.kind === "datetime") untestable.set(builder.column.name, DATETIME_REASON);
  }
  return { file: name, delimiter: "", rows, columns: values, ...(untestable.size > 0 && { untestable }) };
}

/** A column chunk of a row group to decode into its column's builder. */
interface ChunkRead {
  groupIndex: number;
  builder: ParquetColumnBuilder;
  chunk: ColumnMetaData | undefined;
}

/** True when the chunk is there and is the builder's column. */
function matches(read: ChunkRead | undefined): read is ChunkRead & { chunk: ColumnMetaData } {
  return read?.chunk !== undefined && read.chunk.path_in_schema.join(".") === read.builder.column.name;
}

/**
 * Reads a column chunk's bytes, from `start` to `end`, into turn `slot` of the reader's buffers: they stay valid
 * until that slot is read into again (nothing decoded from a chunk refers to its bytes once the chunk is decoded).
 */
export type ChunkReader = (start: number, end: number, slot: 0 | 1) => Promise<Uint8Array>;

/** Each chunk into a buffer of its own, as `file.slice` gives it. */
function sliceChunks(file: AsyncBuffer): ChunkReader {
  return async (start, end) => new Uint8Array(await file.slice(start, end));
}

/**
 * The bytes of a column chunk, being read. A failed read is reported where the bytes are awaited (never as an
 * unhandled rejection, if reading stops before).
 */
function chunkBytes(fileLength: number, chunk: ColumnMetaData, readChunk: ChunkReader, slot: 0 | 1): Promise<Uint8Array> {
  const { start, end } = columnChunkRange(chunk);
  const bytes =
    start < 0 || end > fileLength
      ? Promise.reject(new Error("the column chunk lies outside the file"))
      : readChunk(start, end, slot);
  bytes.catch(() => undefined);
  return bytes;
}

/** One column's values as its pages are decoded, group by group. */
class ParquetColumnBuilder implements ColumnChunkSink {
  readonly numbers = new NumberColumn();
  readonly codec: ValueCodec;
  private readonly labels = new Map<string, number>();
  private missing = 0;
  /** Rows of this column decoded so far: the next page's first row. */
  private rowsRead = 0;

  constructor(
    readonly column: ParquetColumn,
    private readonly file: string,
    private readonly limits: CsvLimits,
  ) {
    this.codec = valueCodec(column);
  }

  add(page: DecodedPage): void {
    const { values } = page;
    if (values.kind === "numbers") this.missing += this.numbers.addNumbers(values.numbers);
    else if (values.kind === "codes") this.addCodes(values.codes, values.labels, page.present);
    else if (values.kind === "texts") this.addTexts(values.texts, page.present);
    this.missing += page.nulls;
    this.rowsRead += page.rows;
  }

  finish(rows: number): ColumnValues {
    if (this.column.kind === "datetime") return { kind: "labels", counts: new Map(), missing: rows };
    if (this.codec.labels) return { kind: "labels", counts: this.labels, missing: this.missing };
    const integerOnly = this.column.kind === "integer" || (this.column.kind === "decimal" && this.column.scale === 0);
    this.numbers.compact();
    return { kind: "numbers", numbers: this.numbers, integerOnly, missing: this.missing };
  }

  /**
   * Dictionary-encoded numbers, as a count per entry. Here and in `add`, NaN and ±infinity are missing, as in a CSV;
   * the rest are stored as compactly as they allow (NumberColumn).
   */
  addCounted(values: Float64Array, counts: Uint32Array): void {
    this.missing += this.numbers.addCounted(values, counts);
  }

  /**
   * Dictionary codes (or booleans): counted per code, each label entered in the counts when it first appears, so
   * the labels keep the order of their first appearance, as when read one by one.
   */
  private addCodes(codes: Int32Array, labels: readonly string[], present: Uint8Array | undefined): void {
    const counts = new Uint32Array(labels.length);
    let value = 0;
    const rows = present?.length ?? codes.length;
    for (let row = 0; row < rows; row++) {
      if (present && present[row] === 0) continue;
      const code = codes[value++] as number;
      if (counts[code] === 0) this.enterLabel(labels[code] as string, this.rowsRead + row);
      counts[code]!++;
    }
    for (let code = 0; code < labels.length; code++) {
      const count = counts[code] as number;
      if (count > 0) this.labels.set(labels[code] as string, (this.labels.get(labels[code] as string) as number) + count);
    }
  }

  private addTexts(texts: readonly string[], present: Uint8Array | undefined): void {
    let value = 0;
    const rows = present?.length ?? texts.length;
    for (let row = 0; row < rows; row++) {
      if (present && present[row] === 0) continue;
      const label = texts[value++] as string;
      this.enterLabel(label, this.rowsRead + row);
      this.labels.set(label, (this.labels.get(label) as number) + 1);
    }
  }

  /** A label seen for the first time here: checked against the limits and entered at count 0. */
  private enterLabel(label: string, row: number): void {
    if (this.labels.has(label)) return;
    if (label.length > this.limits.recordChars.value) {
      throw new CsvLimitError(this.file, "recordChars", this.limits.recordChars, `a text cell of ${label.length} characters`, {
        row: row + 1,
        column: this.column.name,
      });
    }
    if (this.labels.size >= this.limits.distinctLabels.value) {
      throw new CsvLimitError(this.file, "distinctLabels", this.limits.distinctLabels, "too many distinct labels", {
        row: row + 1,
        column: this.column.name,
      });
    }
    this.labels.set(label, 0);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
