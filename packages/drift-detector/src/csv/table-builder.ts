import { ColumnAccumulator, type ColumnValues } from "./column-accumulator.js";
import { CsvFormatError } from "./errors.js";
import { CsvLimitError, type CsvLimits } from "./limits.js";
import { type NumberColumnState, stateArrays } from "./number-column.js";

const MAX_EXACT_DIGITS = 15;

/** One file read into columns: the header order is kept. */
export interface CsvTable {
  file: string;
  delimiter: string;
  /** Data rows (blank lines not counted). */
  rows: number;
  columns: Map<string, ColumnValues>;
  /** Columns present but not to be tested, with the reason (a Parquet date-time column). */
  untestable?: Map<string, string>;
}

/** Part of one column's numbers, handed over to be spilled. */
export interface NumberPart {
  column: string;
  state: NumberColumnState;
}

/** Receives the header and the records of one file, checks their shape and feeds the column accumulators. */
export class TableBuilder {
  private accumulators: ColumnAccumulator[] = [];
  private names: string[] = [];
  private headerRow = 0;
  private rows = 0;

  constructor(
    readonly file: string,
    private readonly limits: CsvLimits,
  ) {}

  get hasHeader(): boolean {
    return this.names.length > 0;
  }

  setHeader(cells: readonly string[], row: number): void {
    const maxColumns = this.limits.columns;
    if (cells.length > maxColumns.value) {
      throw new CsvLimitError(this.file, "columns", maxColumns, `header has ${cells.length} columns`, { row });
    }
    const names = cells.map((cell) => cell.trim());
    const seen = new Set<string>();
    names.forEach((name, index) => {
      if (name === "") throw new CsvFormatError(this.file, `header: column ${index + 1} has an empty name`, { row });
      if (seen.has(name)) throw new CsvFormatError(this.file, "header: duplicate column name", { row, column: name });
      seen.add(name);
    });
    this.names = names;
    this.headerRow = row;
    this.accumulators = names.map((name) => new ColumnAccumulator(name, this.limits.distinctLabels.value));
  }

  /** A record split by the CSV parser. */
  addRecord(cells: readonly string[], row: number): void {
    if (cells.length !== this.accumulators.length) this.throwRagged(cells.length, row);
    for (let i = 0; i < cells.length; i++) {
      if (!(this.accumulators[i] as ColumnAccumulator).addText(cells[i] as string)) this.throwTooManyLabels(i, row);
    }
    this.rows++;
  }

  /**
   * A line without quotes, `line[start, end)`, split here in one pass: each cell is read as a short plain decimal
   * while looking for the delimiter, so numbers never become strings (about 4× faster than split-then-parse): as a
   * mantissa < 10^15 and a count of decimals, which NumberColumn turns into exactly the double `Number()` would
   * give. Any other cell (exponent, spaces, text, more digits) is cut out and read by `addText`.
   */
  addPlainLine(line: string, start: number, end: number, delimiterCode: number, row: number): void {
    const accumulators = this.accumulators;
    let column = 0;
    let i = start;
    for (;;) {
      const accumulator = accumulators[column];
      if (accumulator === undefined) this.throwRagged(countCells(line, start, end, delimiterCode), row);
      const cellStart = i;
      let c = i < end ? line.charCodeAt(i) : -1;
      const negative = c === 45;
      if (negative || c === 43) c = ++i < end ? line.charCodeAt(i) : -1;
      let mantissa = 0;
      let digits = 0;
      let fractionDigits = 0;
      let point = false;
      for (;;) {
        if (c >= 48 && c <= 57) {
          mantissa = mantissa * 10 + (c - 48);
          digits++;
          if (point) fractionDigits++;
        } else if (c === 46 && !point) {
          point = true;
        } else {
          break;
        }
        c = ++i < end ? line.charCodeAt(i) : -1;
      }
      if ((c === delimiterCode || c === -1) && digits > 0 && digits <= MAX_EXACT_DIGITS && accumulator.numeric) {
        accumulator.addDecimal(mantissa, fractionDigits, negative, !point);
      } else {
        while (i < end && line.charCodeAt(i) !== delimiterCode) i++;
        if (!accumulator.addText(line.slice(cellStart, i))) this.throwTooManyLabels(column, row);
      }
      column++;
      if (i >= end) break;
      i++;
    }
    if (column !== accumulators.length) this.throwRagged(column, row);
    this.rows++;
  }

  /** Bytes of numbers the columns hold in memory. */
  numberBytes(): number {
    let bytes = 0;
    for (const accumulator of this.accumulators) bytes += accumulator.numberBytes;
    return bytes;
  }

  /** Hands over the numbers every column holds so far (to be spilled); the columns keep reading. */
  drainNumbers(): NumberPart[] {
    return this.accumulators.flatMap((accumulator) => {
      const state = accumulator.drainNumbers();
      return state && stateArrays(state).length > 0 ? [{ column: accumulator.name, state }] : [];
    });
  }

  finish(delimiter: string): CsvTable {
    if (!this.hasHeader) throw new CsvFormatError(this.file, "empty file: no header row");
    if (this.rows === 0) throw new CsvFormatError(this.file, "no data rows after the header", { row: this.headerRow });
    const columns = new Map<string, ColumnValues>();
    for (const accumulator of this.accumulators) columns.set(accumulator.name, accumulator.finish());
    return { file: this.file, delimiter, rows: this.rows, columns };
  }

  private throwTooManyLabels(column: number, row: number): never {
    const limit = this.limits.distinctLabels;
    throw new CsvLimitError(this.file, "distinctLabels", limit, "too many distinct labels (an identifier or timestamp column?)", {
      row,
      column: this.names[column] as string,
    });
  }

  private throwRagged(cells: number, row: number): never {
    const expected = this.names.length;
    const column = cells < expected ? this.names[cells] : this.names[expected - 1];
    const what = cells < expected ? "this column and those after it are missing" : "extra cells after this last column";
    throw new CsvFormatError(
      this.file,
      `ragged row: ${cells} ${cells === 1 ? "cell" : "cells"} where the header has ${expected} (${what})`,
      {
        row,
        ...(column !== undefined && { column }),
      },
    );
  }
}

function countCells(line: string, start: number, end: number, delimiterCode: number): number {
  let cells = 1;
  for (let i = start; i < end; i++) if (line.charCodeAt(i) === delimiterCode) cells++;
  return cells;
}
