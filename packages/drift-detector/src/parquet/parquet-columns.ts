import type { ParquetType, SchemaElement, SchemaTree } from "hyparquet";
import { CsvFormatError } from "../csv/errors.js";

/**
 * How a Parquet column is read, as pandas (`read_parquet`) and then Evidently see it:
 * - `integer`: INT32/INT64 (pandas int64; with a null, float64), typed as integers are in a CSV;
 * - `float`: FLOAT/DOUBLE (float64);
 * - `decimal`: DECIMAL of any physical type, read as the float64 a pipeline casts it to (`scale` digits);
 * - `boolean`: categories "True" and "False", as pandas writes a bool column to CSV;
 * - `string`: UTF-8 text (categories, or free text);
 * - `datetime`: DATE, TIMESTAMP, INT96: listed as untested, as Evidently leaves date-time columns out of drift.
 */
export type ParquetColumnKind = "integer" | "float" | "decimal" | "boolean" | "string" | "datetime";

export interface ParquetColumn {
  name: string;
  kind: ParquetColumnKind;
  /** Decimal digits after the point (decimal columns). */
  scale: number;
  /** How the values are stored. */
  physicalType: ParquetType;
  /** Bytes of one value of a FIXED_LEN_BYTE_ARRAY column. */
  typeLength: number | undefined;
  /** An unsigned integer column (UINT_32, UINT_64, or INTEGER not signed). */
  unsigned: boolean;
  /** A column that may hold nulls (OPTIONAL): its pages carry definition levels. */
  optional: boolean;
}

const DATETIME_CONVERTED = new Set(["DATE", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "TIME_MILLIS", "TIME_MICROS"]);
const INTEGER_CONVERTED = new Set(["INT_8", "INT_16", "INT_32", "INT_64", "UINT_8", "UINT_16", "UINT_32", "UINT_64"]);

/** The columns of a flat schema, each with how it is read; a nested or unsupported column is refused by name. */
export function parquetColumns(schema: SchemaTree, file: string): ParquetColumn[] {
  return schema.children.map((child) => {
    const { element } = child;
    if (child.children.length > 0 || element.repetition_type === "REPEATED") {
      const shape = element.converted_type ?? element.logical_type?.type ?? (child.children.length > 0 ? "group" : "repeated");
      throw new CsvFormatError(
        file,
        `nested schema: this column is a ${shape}; only flat tables (one value per row and column) can be compared`,
        { column: element.name },
      );
    }
    const logical = element.logical_type;
    return {
      name: element.name,
      kind: columnKind(element, file),
      scale: element.scale ?? 0,
      physicalType: element.type as ParquetType,
      typeLength: element.type_length,
      unsigned:
        element.converted_type === "UINT_32" ||
        element.converted_type === "UINT_64" ||
        (logical?.type === "INTEGER" && !logical.isSigned),
      optional: element.repetition_type !== "REQUIRED",
    };
  });
}

function columnKind(element: SchemaElement, file: string): ParquetColumnKind {
  const converted = element.converted_type;
  const logical = element.logical_type?.type;
  if (converted === "DECIMAL" || logical === "DECIMAL") return "decimal";
  if (
    (converted && DATETIME_CONVERTED.has(converted)) ||
    logical === "DATE" ||
    logical === "TIMESTAMP" ||
    logical === "TIME" ||
    element.type === "INT96"
  ) {
    return "datetime";
  }
  const plain = converted === undefined && logical === undefined;
  switch (element.type) {
    case "BOOLEAN":
      return "boolean";
    case "INT32":
    case "INT64":
      if (plain || (converted && INTEGER_CONVERTED.has(converted)) || logical === "INTEGER") return "integer";
      break;
    case "FLOAT":
    case "DOUBLE":
      if (plain) return "float";
      break;
    case "BYTE_ARRAY":
      if (plain || converted === "UTF8" || converted === "ENUM" || logical === "STRING" || logical === "ENUM") return "string";
      break;
  }
  const type = [element.type, converted ?? logical].filter(Boolean).join(" ");
  throw new CsvFormatError(
    file,
    `unsupported column type ${type}: columns are read as numbers (integer, float, decimal), booleans, text or date-times`,
    { column: element.name },
  );
}
