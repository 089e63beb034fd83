import type { CsvError, InfoRecord } from "csv-parse";

/**
 * Row numbers (LF-terminated lines, 1 = the file's first line, as on the fast path) for the records csv-parse reads.
 * Its own `lines` count a line at every CR and at every LF inside a cell, so a quoted CRLF counts twice; the CRs seen
 * in cells so far are taken off. Fed synchronously from csv-parse's `on_record`, so that an error is placed after
 * exactly the records parsed before it.
 */
export class QuotedRowNumbers {
  private carriageReturns = 0;
  private nextRecordFrom: number;
  private emptyLinesBefore = 0;

  /** `linesBefore`: the lines the fast path read before csv-parse took over. */
  constructor(private readonly linesBefore: number) {
    this.nextRecordFrom = linesBefore + 1;
  }

  /** The row a record starts on (a record spanning lines is named by its first). */
  recordRow(record: readonly string[], info: InfoRecord): number {
    let lineFeeds = 0;
    for (const cell of record) {
      for (let at = cell.indexOf("\r"); at !== -1; at = cell.indexOf("\r", at + 1)) this.carriageReturns++;
      for (let at = cell.indexOf("\n"); at !== -1; at = cell.indexOf("\n", at + 1)) lineFeeds++;
    }
    const lastLine = this.linesBefore + info.lines - this.carriageReturns;
    this.nextRecordFrom = lastLine + 1;
    this.emptyLinesBefore = info.empty_lines;
    return lastLine - lineFeeds;
  }

  /**
   * The row the record with a parse error starts on, like a ragged record's: where to look (an unclosed quote is only
   * found at the end of the file), and the lines csv-parse counted in a partial record are not known to be right.
   */
  errorRow(error: CsvError): number {
    return this.nextRecordFrom + (error.empty_lines as number) - this.emptyLinesBefore;
  }
}
