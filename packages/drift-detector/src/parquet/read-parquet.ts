import { type AsyncBuffer, type DecodedArray, parquetMetadataAsync, parquetScan, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { ColumnValues } from "../csv/column-accumulator.js";
import { CsvFormatError } from "../csv/errors.js";
import { CsvLimitError, type CsvLimits } from "../csv/limits.js";
import { NumberColumn } from "../csv/number-column.js";
import type { NumberSpill } from "../csv/read-csv.js";
import type { CsvTable } from "../csv/table-builder.js";
import { type ParquetColumn, parquetColumns } from "./parquet-columns.js";

/** The four bytes a Parquet file starts (and ends) with. */
export const PARQUET_MAGIC = "PAR1";
const DATETIME_REASON = "date-time column: Evidently leaves date-time columns out of drift detection";
/** Decimals up to this scale keep an exact power-of-ten divisor, so the scaled integer gives back the same double. */
const MAX_EXACT_SCALE = 22;

/** True when the bytes start as a Parquet file does. */
export function isParquet(head: Uint8Array): boolean {
  return head.length >= 4 && String.fromCharCode(head[0] ?? 0, head[1] ?? 0, head[2] ?? 0, head[3] ?? 0) === PARQUET_MAGIC;
}

/**
 * Reads a Parquet file into the same compact columns as a CSV: row group by row group and column by column, so only
 * one column chunk is decoded at a time, whatever the file's size; past `spill`'s threshold, after a row group, the
 * numbers held are handed to it. The CSV limits apply: columns, distinct labels of
 * a text column, and characters of one text cell (the record limit). A file hyparquet cannot decode, a nested
 * schema or an unsupported column type is refused, naming the file and, where it is one column's fault, the column.
 */
export async function readParquetTable(
  file: AsyncBuffer,
  name: string,
  limits: CsvLimits,
  spill?: NumberSpill,
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
  const scan = await parquetScan({ file, metadata, compressors }).catch((error: unknown) => {
    throw new CsvFormatError(name, `not a readable Parquet file: ${messageOf(error)}`);
  });
  for (const range of scan.ranges) {
    for (const builder of builders) {
      if (builder.column.kind === "datetime") continue;
      let data: DecodedArray;
      try {
        data = await scan.readColumn({ column: builder.column.name, rowStart: range.rowStart, rowEnd: range.rowEnd });
      } catch (error) {
        throw new CsvFormatError(name, `cannot read this column: ${messageOf(error)}`, { column: builder.column.name });
      }
      builder.add(data, range.rowStart);
    }
    if (spill && builders.reduce((bytes, builder) => bytes + builder.numbers.byteLength, 0) > spill.thresholdBytes) {
      spill.take(builders.map((builder) => ({ column: builder.column.name, state: builder.numbers.drain() })));
    }
  }
  const values = new Map<string, ColumnValues>();
  const untestable = new Map<string, string>();
  for (const builder of builders) {
    values.set(builder.column.name, builder.finish(rows));
    if (builder.column.kind === "datetime") untestable.set(builder.column.name, DATETIME_REASON);
  }
  return { file: name, delimiter: "", rows, columns: values, ...(untestable.size > 0 && { untestable }) };
}

/** One column's values as they are decoded, group by group. */
class ParquetColumnBuilder {
  readonly numbers = new NumberColumn();
  private readonly labels = new Map<string, number>();
  private missing = 0;
  private readonly divisor: number;

  constructor(
    readonly column: ParquetColumn,
    private readonly file: string,
    private readonly limits: CsvLimits,
  ) {
    this.divisor = 10 ** column.scale;
  }

  add(data: DecodedArray, firstRow: number): void {
    switch (this.column.kind) {
      case "integer":
      case "float":
      case "decimal":
        for (let i = 0; i < data.length; i++) this.addNumber(data[i]);
        return;
      case "boolean":
        for (let i = 0; i < data.length; i++) {
          const value = data[i];
          if (value === null || value === undefined) this.missing++;
          else this.addLabel(value ? "True" : "False", firstRow + i);
        }
        return;
      default:
        for (let i = 0; i < data.length; i++) {
          const value = data[i];
          if (value === null || value === undefined) this.missing++;
          else this.addLabel(String(value), firstRow + i);
        }
    }
  }

  finish(rows: number): ColumnValues {
    if (this.column.kind === "datetime") return { kind: "labels", counts: new Map(), missing: rows };
    if (this.column.kind === "boolean" || this.column.kind === "string") {
      return { kind: "labels", counts: this.labels, missing: this.missing };
    }
    const integerOnly = this.column.kind === "integer" || (this.column.kind === "decimal" && this.column.scale === 0);
    return { kind: "numbers", numbers: this.numbers, integerOnly, missing: this.missing };
  }

  /**
   * Null, NaN and ±infinity are missing, as in a CSV. Integers and decimals are stored as scaled integers where they
   * fit (4 bytes a value, and the counting sort), which gives back exactly the same doubles.
   */
  private addNumber(raw: unknown): void {
    if (raw === null || raw === undefined) {
      this.missing++;
      return;
    }
    const value = typeof raw === "bigint" ? Number(raw) : (raw as number);
    if (!Number.isFinite(value)) {
      this.missing++;
      return;
    }
    const kind = this.column.kind;
    if (kind === "float") {
      this.numbers.addDouble(value);
      return;
    }
    const scaled = kind === "decimal" ? Math.round(value * this.divisor) : value;
    if (Number.isSafeInteger(scaled) && this.column.scale <= MAX_EXACT_SCALE && scaled / this.divisor === value) {
      this.numbers.addDecimal(Math.abs(scaled), kind === "decimal" ? this.column.scale : 0, scaled < 0);
    } else {
      this.numbers.addDouble(value);
    }
  }

  private addLabel(label: string, row: number): void {
    if (label.length > this.limits.recordChars.value) {
      throw new CsvLimitError(this.file, "recordChars", this.limits.recordChars, `a text cell of ${label.length} characters`, {
        row: row + 1,
        column: this.column.name,
      });
    }
    const count = this.labels.get(label);
    if (count !== undefined) this.labels.set(label, count + 1);
    else if (this.labels.size < this.limits.distinctLabels.value) this.labels.set(label, 1);
    else {
      throw new CsvLimitError(this.file, "distinctLabels", this.limits.distinctLabels, "too many distinct labels", {
        row: row + 1,
        column: this.column.name,
      });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
