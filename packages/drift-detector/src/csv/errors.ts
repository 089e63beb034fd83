/** A CSV that cannot be read as a table; names the file and, where known, the row and column. */
export class CsvFormatError extends Error {
  readonly file: string;
  readonly row: number | undefined;
  readonly column: string | undefined;
  /** The message without the file and place, e.g. "ragged row: …". */
  readonly detail: string;

  constructor(file: string, message: string, where: { row?: number; column?: string } = {}) {
    const place = [
      where.row !== undefined ? `row ${where.row}` : "",
      where.column !== undefined ? `column "${where.column}"` : "",
    ]
      .filter(Boolean)
      .join(", ");
    super(`${file}${place ? ` (${place})` : ""}: ${message}`);
    this.name = "CsvFormatError";
    this.file = file;
    this.row = where.row;
    this.column = where.column;
    this.detail = message;
  }
}
