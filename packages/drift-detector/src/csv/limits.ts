import { CsvFormatError } from "./errors.js";

/** One cap on what a CSV may hold: its value and the setting that raises it (an env variable, a CLI option). */
export interface CsvLimit {
  value: number;
  setting: string;
}

/**
 * What the reader accepts from one file. Each cap stops a file that is small in bytes but huge in one dimension
 * before it costs unbounded time or memory; the defaults (docs/drift-detector.md, "CSV input limits") are far above honest plant data.
 */
export interface CsvLimits {
  /** Bytes of the file (checked from its size before reading when known, and counted while reading). */
  fileBytes: CsvLimit;
  /** Characters of one record: a line, or the lines of a record whose quoted cells hold line breaks. */
  recordChars: CsvLimit;
  /** Columns of the header. */
  columns: CsvLimit;
  /** Distinct labels of one text column. */
  distinctLabels: CsvLimit;
}

export type CsvLimitName = keyof CsvLimits;

/** The default of each cap; the adapters name the setting. */
export const DEFAULT_CSV_LIMITS: Readonly<Record<CsvLimitName, number>> = {
  fileBytes: 4 * 1024 ** 3,
  recordChars: 1024 ** 2,
  columns: 10_000,
  distinctLabels: 1_000_000,
};

const UNITS: Record<CsvLimitName, string> = {
  fileBytes: "bytes",
  recordChars: "characters in one record",
  columns: "columns",
  distinctLabels: "distinct labels in one column",
};

/** Every limit at its default, each raised by the setting `settingOf` names. */
export function csvLimits(values: Partial<Record<CsvLimitName, number>>, settingOf: (name: CsvLimitName) => string): CsvLimits {
  const limit = (name: CsvLimitName): CsvLimit => ({ value: values[name] ?? DEFAULT_CSV_LIMITS[name], setting: settingOf(name) });
  return {
    fileBytes: limit("fileBytes"),
    recordChars: limit("recordChars"),
    columns: limit("columns"),
    distinctLabels: limit("distinctLabels"),
  };
}

/** A file beyond one of the reader's caps: says what, where, the cap and the setting that raises it. */
export class CsvLimitError extends CsvFormatError {
  readonly limit: CsvLimitName;
  readonly limitValue: number;
  readonly setting: string;
  /** What is too large, e.g. "line too long". */
  readonly what: string;

  constructor(file: string, limit: CsvLimitName, cap: CsvLimit, what: string, where: { row?: number; column?: string } = {}) {
    super(
      file,
      `${what}: more than the limit of ${cap.value.toLocaleString("en-US")} ${UNITS[limit]} (raise it with ${cap.setting})`,
      where,
    );
    this.name = "CsvLimitError";
    this.limit = limit;
    this.limitValue = cap.value;
    this.setting = cap.setting;
    this.what = what;
  }
}
