import { parse as parseSync } from "csv-parse/sync";
import { type CsvLimit, CsvLimitError } from "./limits.js";
import type { Delimiter } from "./sniff.js";
import type { TableBuilder } from "./table-builder.js";

/**
 * The fast path of the reader: takes text chunk by chunk and feeds every line without a double quote straight to
 * the table. It stops at the first data line holding a quote, which csv-parse then reads with the rest. A quoted
 * header on one line (the UCI wine files: "fixed acidity";…) is parsed by csv-parse without leaving the fast path.
 * Synchronous on purpose: the hot loop optimises far better outside an async function (2× on the benchmark).
 */
export class PlainLineReader {
  /** Lines seen so far, blank ones included: the row numbers of error messages. */
  lineNumber = 0;
  private readonly delimiterCode: number;

  constructor(
    private readonly table: TableBuilder,
    private readonly delimiter: Delimiter,
    private readonly maxChars: CsvLimit,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
  }

  /**
   * Reads the complete lines of `text` from `position`, and the unterminated last one when `final`. Returns where
   * it stopped: after the last line read, or at the start of a line that needs csv-parse (`quoted`).
   */
  read(text: string, position: number, final: boolean): { position: number; quoted: boolean } {
    const table = this.table;
    let quoteAt = text.indexOf('"', position);
    while (position < text.length) {
      const newline = text.indexOf("\n", position);
      if (newline === -1 && !final) break;
      const lineEnd = newline === -1 ? text.length : newline;
      const end = text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      this.lineNumber++;
      if (end - position > this.maxChars.value) {
        throw new CsvLimitError(this.table.file, "recordChars", this.maxChars, "line too long", { row: this.lineNumber });
      }
      if (quoteAt !== -1 && quoteAt < end) {
        if (table.hasHeader || !quotesClose(text, position, end)) {
          this.lineNumber--;
          return { position, quoted: true };
        }
        table.setHeader(parseSync(text.slice(position, end), { delimiter: this.delimiter })[0] as string[], this.lineNumber);
        quoteAt = text.indexOf('"', lineEnd);
      } else if (!isBlank(text, position, end)) {
        if (table.hasHeader) table.addPlainLine(text, position, end, this.delimiterCode, this.lineNumber);
        else table.setHeader(text.slice(position, end).split(this.delimiter), this.lineNumber);
      }
      position = lineEnd + 1;
    }
    return { position: Math.min(position, text.length), quoted: false };
  }
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** A header whose quotes all close on its own line can be parsed alone. */
function quotesClose(text: string, start: number, end: number): boolean {
  let quotes = 0;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 34) quotes++;
  return quotes % 2 === 0;
}
