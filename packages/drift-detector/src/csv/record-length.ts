import { type CsvLimit, CsvLimitError } from "./limits.js";

/**
 * Passes text chunks on to csv-parse unchanged, refusing a record longer than the cap before csv-parse buffers it:
 * a record is the text between line breaks outside quotes, so a quoted cell's line breaks count towards it.
 * (csv-parse's own `max_record_size` counts only cell contents, so a line of a billion empty cells would pass.)
 * `linesBefore`: lines read before these chunks, so that rows are the file's line numbers.
 */
export async function* boundRecordLength(
  texts: AsyncIterable<string>,
  maxChars: CsvLimit,
  file: string,
  linesBefore: number,
): AsyncGenerator<string> {
  let quoted = false;
  let recordChars = 0;
  let line = linesBefore + 1;
  let recordRow = line;
  // One more for the CR of a CRLF line end, which is not part of the record.
  const allowed = maxChars.value + 1;
  for await (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) quoted = !quoted;
      else if (c === 10) {
        line++;
        if (!quoted) {
          recordChars = 0;
          recordRow = line;
          continue;
        }
      }
      if (++recordChars > allowed) {
        throw new CsvLimitError(file, "recordChars", maxChars, "record too long", { row: recordRow });
      }
    }
    yield text;
  }
}
