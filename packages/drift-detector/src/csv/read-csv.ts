import { once } from "node:events";
import { CsvError, parse } from "csv-parse";
import { decodeText } from "./decode-text.js";
import { CsvFormatError } from "./errors.js";
import type { CsvLimits } from "./limits.js";
import { laterSpillThreshold, type NumberSpill } from "./number-spill.js";
import { PlainLineReader } from "./plain-lines.js";
import { QuotedRowNumbers } from "./quoted-row-numbers.js";
import { boundRecordLength } from "./record-length.js";
import { type Delimiter, sniffDelimiter } from "./sniff.js";
import { type CsvTable, TableBuilder } from "./table-builder.js";
import { WholeLines } from "./whole-lines.js";

export type { CsvTable } from "./table-builder.js";

const SAMPLE_CHARS = 64 * 1024;

/**
 * Reads a CSV stream (a file, an S3 object) into compact columns without holding its text: header row, delimiter
 * sniffed among , ; tab |, blank lines skipped, CRLF and a UTF-8 BOM accepted. Rows are line numbers (1 = first line).
 *
 * Two parsers share the work. Lines without a double quote — nearly every line of a numeric export — are split by
 * PlainLineReader straight into the column accumulators. From the first data line holding a quote to the end,
 * csv-parse reads the rest, so quoted cells (delimiters, quotes and newlines inside) keep its full correctness.
 * Why: on the benchmark's 1M-row, 83 MiB file csv-parse alone takes ~6.9 s just to produce the records, and ~9 s
 * with the cells read into columns; the fast path reads the whole file into columns in ~0.6 s (docs/benchmarks.md,
 * "Drift speed and memory").
 */
export async function readCsvTable(
  source: AsyncIterable<Uint8Array | string>,
  file: string,
  limits: CsvLimits,
  spill?: NumberSpill,
): Promise<CsvTable> {
  const texts = decodeText(source, file, limits.fileBytes);
  try {
    return await readTexts(texts, file, limits, spill);
  } finally {
    // Stops reading the source when a bad row ends the work early.
    await texts.return(undefined);
  }
}

async function readTexts(
  sampled: AsyncGenerator<string>,
  file: string,
  limits: CsvLimits,
  spill: NumberSpill | undefined,
): Promise<CsvTable> {
  const sample = await readSample(sampled);
  const delimiter = sniffDelimiter(sample);
  rejectNonCsv(sample, delimiter, file);
  const table = new TableBuilder(file, limits);
  const texts = spill ? spillingBetween(sampled, table, spill) : sampled;
  const lines = new PlainLineReader(table, delimiter, limits.recordChars);
  const wholeLines = new WholeLines(limits.recordChars, file, () => lines.lineNumber + 1);
  let chunk = sample;
  let final = false;
  for (;;) {
    // Whole lines only, and at the end the last line, which has no line break.
    const text = final ? wholeLines.rest() : wholeLines.push(chunk);
    const { position, quoted } = lines.read(text, 0, final);
    if (quoted) {
      const rest = restOf([text.slice(position), wholeLines.rest()], texts);
      const records = boundRecordLength(rest, limits.recordChars, file, lines.lineNumber);
      await readQuoted(records, delimiter, table, lines.lineNumber, file);
      break;
    }
    if (final) break;
    const next = await texts.next();
    if (next.done) final = true;
    else chunk = next.value;
  }
  return table.finish(delimiter);
}

/** The texts, and between two of them, the table's numbers handed to `spill` when they pass its threshold. */
async function* spillingBetween(texts: AsyncGenerator<string>, table: TableBuilder, spill: NumberSpill): AsyncGenerator<string> {
  let threshold = spill.thresholdBytes;
  for await (const text of texts) {
    yield text;
    if (table.numberBytes() > threshold) {
      spill.take(table.drainNumbers());
      threshold = laterSpillThreshold(spill);
    }
  }
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

async function* restOf(read: string[], texts: AsyncGenerator<string>): AsyncGenerator<string> {
  for (const text of read) if (text !== "") yield text;
  yield* texts;
}

async function readQuoted(
  texts: AsyncIterable<string>,
  delimiter: Delimiter,
  table: TableBuilder,
  linesBefore: number,
  file: string,
): Promise<void> {
  const rows = new QuotedRowNumbers(linesBefore);
  const parser = parse({
    delimiter,
    skip_empty_lines: true,
    relax_column_count: true,
    record_delimiter: ["\r\n", "\n"],
    on_record: (record, info) => Object.assign(record, { row: rows.recordRow(record, info) }),
  });
  const feeding = (async () => {
    for await (const text of texts) if (!parser.write(text)) await once(parser, "drain");
    parser.end();
  })();
  feeding.catch((error: unknown) => parser.destroy(error as Error));
  try {
    for await (const record of parser as AsyncIterable<RowRecord>) {
      if (record.length === 1 && (record[0] as string).trim() === "") continue;
      if (table.hasHeader) table.addRecord(record, record.row);
      else table.setHeader(record, record.row);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      // csv-parse's own "at line N" counts from where it took over: dropped, the file's row is named instead.
      const detail = `not valid CSV: ${error.message.replace(/ (at|on) line \d+/g, "")}`;
      throw new CsvFormatError(file, detail, { row: rows.errorRow(error) });
    }
    throw error;
  } finally {
    parser.destroy();
  }
}

/** A record's cells, and the row it starts on. */
type RowRecord = string[] & { row: number };
