import { once } from "node:events";
import { CsvError, parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { decodeText } from "./decode-text.js";
import { CsvFormatError } from "./errors.js";
import { type Delimiter, sniffDelimiter } from "./sniff.js";
import { type CsvTable, TableBuilder } from "./table-builder.js";

export type { CsvTable } from "./table-builder.js";

const SAMPLE_CHARS = 64 * 1024;

/**
 * Reads a CSV stream (a file, an S3 object) into compact columns without holding its text: header row, delimiter
 * sniffed among , ; tab |, blank lines skipped, CRLF and a UTF-8 BOM accepted. Rows are line numbers (1 = first line).
 *
 * Two parsers share the work. Lines without a double quote — nearly every line of a numeric export — are split
 * here, straight into the column accumulators; csv-parse alone took ~80% of the benchmark's time (README,
 * "drift-detector core and CLI"). From the first data line holding a quote to the end, csv-parse reads the rest,
 * so quoted cells (delimiters, quotes and newlines inside) keep its full correctness. A quoted header on one
 * line (the UCI wine files: "fixed acidity";…) is parsed by csv-parse without leaving the fast path.
 */
export async function readCsvTable(source: AsyncIterable<Uint8Array | string>, file: string): Promise<CsvTable> {
  const texts = decodeText(source, file);
  try {
    return await readTexts(texts, file);
  } finally {
    // Stops reading the source when a bad row ends the work early.
    await texts.return(undefined);
  }
}

async function readTexts(texts: AsyncGenerator<string>, file: string): Promise<CsvTable> {
  let pending = await readSample(texts);
  const delimiter = sniffDelimiter(pending);
  rejectNonCsv(pending, delimiter, file);
  const delimiterCode = delimiter.charCodeAt(0);
  const table = new TableBuilder(file);
  let position = 0;
  let lineNumber = 0;
  let quoteAt = pending.indexOf('"');
  for (;;) {
    const newline = pending.indexOf("\n", position);
    if (newline === -1) {
      const next = await texts.next();
      if (!next.done) {
        pending = pending.slice(position) + next.value;
        position = 0;
        quoteAt = pending.indexOf('"');
        continue;
      }
      if (position >= pending.length) break;
    }
    const lineEnd = newline === -1 ? pending.length : newline;
    const end = pending.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    lineNumber++;
    if (quoteAt !== -1 && quoteAt < end) {
      if (table.hasHeader || !isOneLineHeader(pending, position, end)) {
        await readQuoted(restOf(pending, position, texts), delimiter, table, lineNumber - 1, file);
        return table.finish(delimiter);
      }
      table.setHeader(parseSync(pending.slice(position, end), { delimiter })[0] as string[], lineNumber);
      quoteAt = pending.indexOf('"', lineEnd);
    } else if (!isBlank(pending, position, end)) {
      if (table.hasHeader) table.addPlainLine(pending, position, end, delimiterCode, lineNumber);
      else table.setHeader(pending.slice(position, end).split(delimiter), lineNumber);
    }
    if (newline === -1) break;
    position = newline + 1;
  }
  return table.finish(delimiter);
}

/** The first text chunks, enough lines to sniff the delimiter. */
async function readSample(texts: AsyncGenerator<string>): Promise<string> {
  let sample = "";
  while (sample.length < SAMPLE_CHARS) {
    const next = await texts.next();
    if (next.done) break;
    sample += next.value;
  }
  return sample;
}

function rejectNonCsv(sample: string, delimiter: Delimiter, file: string): void {
  const firstLine = sample.trimStart().split("\n", 1)[0] ?? "";
  if (firstLine.includes(delimiter)) return;
  const looksLike = { "{": "JSON", "[": "JSON", "<": "HTML or XML" }[firstLine.charAt(0)];
  if (looksLike) throw new CsvFormatError(file, `not a CSV file: it looks like ${looksLike}`, { row: 1 });
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** A header whose quotes all close on its own line can be parsed alone. */
function isOneLineHeader(text: string, start: number, end: number): boolean {
  let quotes = 0;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 34) quotes++;
  return quotes % 2 === 0;
}

async function* restOf(pending: string, position: number, texts: AsyncGenerator<string>): AsyncGenerator<string> {
  yield pending.slice(position);
  yield* texts;
}

async function readQuoted(
  texts: AsyncGenerator<string>,
  delimiter: Delimiter,
  table: TableBuilder,
  linesBefore: number,
  file: string,
): Promise<void> {
  const parser = parse({
    delimiter,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    record_delimiter: ["\r\n", "\n"],
  });
  const feeding = (async () => {
    for await (const text of texts) if (!parser.write(text)) await once(parser, "drain");
    parser.end();
  })();
  feeding.catch((error: unknown) => parser.destroy(error as Error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const row = linesBefore + info.lines;
      if (record.length === 1 && (record[0] as string).trim() === "") continue;
      if (table.hasHeader) table.addRecord(record, row);
      else table.setHeader(record, row);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new CsvFormatError(file, `not valid CSV: ${error.message}`, { row: linesBefore + (error.lines as number) });
    }
    throw error;
  } finally {
    parser.destroy();
  }
}
