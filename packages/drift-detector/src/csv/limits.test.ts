import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CsvLimitError, type CsvLimitName, csvLimits } from "./limits.js";
import { readCsvTable } from "./read-csv.js";
import { WholeLines } from "./whole-lines.js";

const limitsOf = (values: Partial<Record<CsvLimitName, number>>) => csvLimits(values, (name) => `--max-${name}`);

/** Reads `chunks` as they are, counting how many the reader pulled. */
async function readChunks(chunks: Iterable<string>, values: Partial<Record<CsvLimitName, number>>) {
  let pulled = 0;
  const counted = (function* () {
    for (const chunk of chunks) {
      pulled++;
      yield Buffer.from(chunk);
    }
  })();
  const outcome = await readCsvTable(Readable.from(counted), "crafted.csv", limitsOf(values)).catch((error: unknown) => error);
  return { outcome, pulled };
}

async function limitError(text: string, values: Partial<Record<CsvLimitName, number>>, chunkSize = 1 << 12) {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunkSize) chunks.push(text.slice(i, i + chunkSize));
  const { outcome } = await readChunks(chunks, values);
  expect(outcome).toBeInstanceOf(CsvLimitError);
  return outcome as CsvLimitError;
}

const numbersLine = (cells: number) => Array.from({ length: cells }, (_, i) => i % 10).join(",");

describe("CSV limits: record length", () => {
  it("accepts a line of exactly the limit, LF or CRLF, and refuses one character more, naming row, limit and setting", async () => {
    const header = "a,b";
    for (const newline of ["\n", "\r\n"]) {
      const exact = `${header}${newline}1,${"2".repeat(98)}${newline}`;
      const { outcome } = await readChunks([exact], { recordChars: 100 });
      expect(outcome).toMatchObject({ rows: 1 });
      const error = await limitError(`${header}${newline}1,2${newline}1,${"2".repeat(99)}${newline}`, { recordChars: 100 });
      expect(error.message).toBe(
        "crafted.csv (row 3): line too long: more than the limit of 100 characters in one record (raise it with --max-recordChars)",
      );
      expect(error).toMatchObject({ limit: "recordChars", limitValue: 100, setting: "--max-recordChars", row: 3 });
    }
  });

  it("refuses a line without end after reading little more than the limit, whatever the file holds after it", async () => {
    const chunk = "1".repeat(64 * 1024);
    const endless = (function* () {
      yield "a\n1\n";
      for (;;) yield chunk;
    })();
    const { outcome, pulled } = await readChunks(endless, { recordChars: 1024 * 1024 });
    expect(outcome).toMatchObject({ limit: "recordChars", row: 3 });
    // 1 MiB of line in 64 KiB chunks: 17 chunks, then the refusal.
    expect(pulled).toBeLessThanOrEqual(20);
  });

  it("refuses a quoted record whose line breaks are inside quotes, named by the row it starts on", async () => {
    const multiline = `"${"x\n".repeat(40)}"`;
    const text = `a,b\n1,"quoted"\n2,${multiline}\n`;
    const error = await limitError(text, { recordChars: 50 }, 7);
    expect(error).toMatchObject({ limit: "recordChars", row: 3 });
    expect(error.message).toMatch(/^crafted\.csv \(row 3\): record too long: more than the limit of 50 characters/);
  });

  it("refuses a quoted-path line of empty cells (which csv-parse's own cap would not count)", async () => {
    const error = await limitError(`a,b\n1,"q"\n${",".repeat(10_000)}\n`, { recordChars: 1000 });
    expect(error).toMatchObject({ limit: "recordChars", row: 3 });
  });

  it("counts each character a bounded number of times however a long line is cut (linear time)", () => {
    const lines = new WholeLines({ value: 10_000_000, setting: "x" }, "long.csv", () => 1);
    const total = 2_000_000;
    let out = "";
    for (let i = 0; i < total; i += 1000) out += lines.push(`${"7".repeat(999)},`);
    out += lines.push("\n");
    expect(out.length).toBe(total + 1);
    // Quadratic re-scanning would count ~total²/2/1000 = 2·10⁹ here.
    expect(lines.scanned).toBeLessThanOrEqual(2 * (total + 1));
  });

  it("gives the same table however the file is cut into chunks", async () => {
    const text = 'a,b\r\n1,2\r\n"3",x\r\n4,"y\r\nz"\r\n5,6';
    const expected = await readCsvTable(Readable.from([text]), "f.csv", limitsOf({}));
    for (const size of [1, 2, 3, 5, 8]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      const table = await readCsvTable(Readable.from(chunks), "f.csv", limitsOf({}));
      expect(table.rows).toBe(expected.rows);
      expect(table.columns).toEqual(expected.columns);
    }
  });
});

describe("CSV limits: columns, labels, bytes", () => {
  it("refuses a header wider than the column limit, quoted or not", async () => {
    const header = Array.from({ length: 11 }, (_, i) => `c${i}`).join(",");
    const error = await limitError(`${header}\n${numbersLine(11)}\n`, { columns: 10 });
    expect(error.message).toBe(
      "crafted.csv (row 1): header has 11 columns: more than the limit of 10 columns (raise it with --max-columns)",
    );
    const quoted = Array.from({ length: 11 }, (_, i) => `"c${i}"`).join(",");
    expect(await limitError(`${quoted}\n${numbersLine(11)}\n`, { columns: 10 })).toMatchObject({ limit: "columns", row: 1 });
    expect(await readChunks([`${quoted}\n${numbersLine(11)}\n`], { columns: 11 })).toMatchObject({ outcome: { rows: 1 } });
  });

  it("refuses a column with more distinct labels than the limit, naming row and column, on both parsers", async () => {
    const labels = Array.from({ length: 6 }, (_, i) => `n,id-${i}`).join("\n");
    const error = await limitError(`n,id\n${labels}\n`, { distinctLabels: 5 });
    expect(error.message).toBe(
      'crafted.csv (row 7, column "id"): too many distinct labels (an identifier or timestamp column?): more than the limit of 5 distinct labels in one column (raise it with --max-distinctLabels)',
    );
    const quoted = Array.from({ length: 6 }, (_, i) => `1,"id-${i}"`).join("\n");
    expect(await limitError(`n,id\n${quoted}\n`, { distinctLabels: 5 })).toMatchObject({ row: 7, column: "id" });
    // Repeats of known labels are fine: 5 distinct over many rows.
    const repeats = Array.from({ length: 50 }, (_, i) => `1,id-${i % 5}`).join("\n");
    expect(await readChunks([`n,id\n${repeats}\n`], { distinctLabels: 5 })).toMatchObject({ outcome: { rows: 50 } });
  });

  it("counts the numbers read so far when a column turns to labels", async () => {
    const rows = [...Array.from({ length: 6 }, (_, i) => `${i}`), "text"].join("\n");
    expect(await limitError(`x\n${rows}\n`, { distinctLabels: 5 })).toMatchObject({
      limit: "distinctLabels",
      row: 8,
      column: "x",
    });
  });

  it("refuses a stream longer than the byte limit while reading", async () => {
    const text = `a,b\n${"1,2\n".repeat(1000)}`;
    expect(await readChunks([text], { fileBytes: text.length })).toMatchObject({ outcome: { rows: 1000 } });
    const error = await limitError(text, { fileBytes: text.length - 1 });
    expect(error.message).toBe(
      `crafted.csv: file too large: more than the limit of ${(text.length - 1).toLocaleString("en-US")} bytes (raise it with --max-fileBytes)`,
    );
  });
});
