import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ColumnValues } from "./column-accumulator.js";
import { CsvFormatError } from "./errors.js";
import { type CsvLimitName, csvLimits } from "./limits.js";
import { NumberColumn } from "./number-column.js";
import { type CsvTable, readCsvTable } from "./read-csv.js";

const WINE = new URL("../../test/fixtures/winequality-red.csv", import.meta.url);

/** A stream of `content` cut into chunks of `chunkSize` bytes, to cross every boundary a real stream may have. */
function streamOf(content: string | Buffer, chunkSize = 1 << 16): Readable {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

/** Each limit at its default unless given, raised by an option named after it. */
const limitsOf = (values: Partial<Record<CsvLimitName, number>> = {}) => csvLimits(values, (name) => `--${name}`);
const LIMITS = limitsOf();

async function read(content: string | Buffer, chunkSize?: number): Promise<CsvTable> {
  return readCsvTable(streamOf(content, chunkSize), "data.csv", LIMITS);
}

/** A numeric column's values, in file order. */
function numbers(table: CsvTable, column: string): number[] {
  const values = table.columns.get(column) as ColumnValues;
  if (values.kind !== "numbers") throw new Error(`${column} is not numeric`);
  return [...values.numbers.values()];
}

function labels(table: CsvTable, column: string): Record<string, number> {
  const values = table.columns.get(column) as ColumnValues;
  if (values.kind !== "labels") throw new Error(`${column} is not labels`);
  return Object.fromEntries(values.counts);
}

async function formatError(content: string | Buffer): Promise<CsvFormatError> {
  const error = await read(content).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CsvFormatError);
  return error as CsvFormatError;
}

describe("readCsvTable: formats", () => {
  it.each([
    [",", "a,b\n1,2\n3,4\n"],
    [";", "a;b\n1;2\n3;4\n"],
    ["\t", "a\tb\n1\t2\n3\t4\n"],
    ["|", "a|b\n1|2\n3|4\n"],
  ])("sniffs the delimiter %j", async (delimiter, text) => {
    const table = await read(text);
    expect(table.delimiter).toBe(delimiter);
    expect(numbers(table, "a")).toEqual([1, 3]);
    expect(numbers(table, "b")).toEqual([2, 4]);
  });

  it("prefers the delimiter that splits every line alike over one that only fills the header", async () => {
    const table = await read("x,y;z\n1;2\n3;4\n");
    expect(table.delimiter).toBe(";");
    expect([...table.columns.keys()]).toEqual(["x,y", "z"]);
  });

  it("reads quoted headers as the UCI wine files write them, on the fast path", async () => {
    const table = await read('"fixed acidity";"volatile acidity";"quality"\n7.4;0.7;5\n7.8;0.88;6\n');
    expect([...table.columns.keys()]).toEqual(["fixed acidity", "volatile acidity", "quality"]);
    expect(numbers(table, "volatile acidity")).toEqual([0.7, 0.88]);
  });

  it("reads quoted cells holding delimiters, escaped quotes and newlines", async () => {
    const table = await read('id,comment\n1,plain\n2,"with, comma"\n3,"say ""hi"""\n4,"two\nlines"\n5,plain\n');
    expect(labels(table, "comment")).toEqual({ plain: 2, "with, comma": 1, 'say "hi"': 1, "two\nlines": 1 });
    expect(numbers(table, "id")).toEqual([1, 2, 3, 4, 5]);
    expect(table.rows).toBe(5);
  });

  it("accepts CRLF, a UTF-8 BOM and blank lines anywhere", async () => {
    const table = await read("\uFEFFa,b\r\n\r\n1,x\r\n   \r\n2,y\r\n\r\n");
    expect([...table.columns.keys()]).toEqual(["a", "b"]);
    expect(numbers(table, "a")).toEqual([1, 2]);
    expect(labels(table, "b")).toEqual({ x: 1, y: 1 });
    expect(table.rows).toBe(2);
  });

  it("accepts CRLF inside quoted input", async () => {
    const table = await read('a,b\r\n1,"x"\r\n2,"y, z"\r\n');
    expect(labels(table, "b")).toEqual({ x: 1, "y, z": 1 });
  });

  it("reads a last line without a newline", async () => {
    expect(numbers(await read("a\n1\n2"), "a")).toEqual([1, 2]);
  });

  it("gives the same table whatever the chunk boundaries, multi-byte characters included", async () => {
    const text = 'größe;"farbe"\n1,5e3;"grün"\n-2.25;blau\n0.1;"rot; hell"\n\n7;grün\n';
    const whole = await read(text);
    for (const chunkSize of [1, 2, 3, 5, 7]) {
      const cut = await read(text, chunkSize);
      expect(cut.columns).toEqual(whole.columns);
    }
    expect(labels(whole, "farbe")).toEqual({ grün: 2, blau: 1, "rot; hell": 1 });
  });

  it("counts missing values per column and never turns them into 0", async () => {
    const table = await read("a,b\n1,x\n,NA\nNaN,null\nNone,\ninf,y\n-Infinity,N/A\n2,x\n");
    const a = table.columns.get("a") as ColumnValues;
    const b = table.columns.get("b") as ColumnValues;
    expect(a).toMatchObject({ kind: "numbers", missing: 5 });
    expect(numbers(table, "a")).toEqual([1, 2]);
    expect(b).toMatchObject({ kind: "labels", missing: 4 });
    expect(labels(table, "b")).toEqual({ x: 2, y: 1 });
    expect(table.rows).toBe(7);
  });

  it("parses numbers exactly as Number() does, on the fast path and off it", async () => {
    const cells = [
      "0.1",
      "-0.7",
      "123456789012345",
      "1234567890123456789",
      "1e-7",
      " 2.5 ",
      "+3",
      ".5",
      "5.",
      "0.30000000000000004",
    ];
    const table = await read(`v\n${cells.join("\n")}\n`);
    expect(numbers(table, "v")).toEqual(cells.map((cell) => Number(cell)));
  });

  it("tells integer columns from decimal ones (typing needs it)", async () => {
    const table = await read("i,f,e\n1,1.0,1e2\n-2,2,3\n");
    expect(table.columns.get("i")).toMatchObject({ integerOnly: true });
    expect(table.columns.get("f")).toMatchObject({ integerOnly: false });
    expect(table.columns.get("e")).toMatchObject({ integerOnly: false });
  });

  it("switches a column to labels at its first non-numeric cell, keeping the earlier cells", async () => {
    const table = await read("code\n1\n2.50\nA7\n1\n");
    expect(labels(table, "code")).toEqual({ "1": 2, "2.5": 1, A7: 1 });
  });

  it("reads the real wine data: 1599 rows, 12 numeric columns, no missing values", async () => {
    const table = await readCsvTable(createReadStream(WINE), "winequality-red.csv", LIMITS);
    expect(table.rows).toBe(1599);
    expect(table.columns.size).toBe(12);
    expect(table.columns.get("quality")).toMatchObject({ kind: "numbers", integerOnly: true, missing: 0 });
    expect(numbers(table, "alcohol").slice(0, 3)).toEqual([9.4, 9.8, 9.8]);
  });
});

describe("readCsvTable: errors name the file, row and column", () => {
  it("refuses binary data", async () => {
    const error = await formatError(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x2c, 0x0a]));
    expect(error.message).toBe("data.csv: not a text file: it contains NUL bytes (binary data?)");
  });

  it("refuses text that is not UTF-8", async () => {
    const error = await formatError(Buffer.from("name\nM\xfcller\n", "latin1"));
    expect(error.message).toMatch(/^data\.csv: not UTF-8 text near byte 0: a binary file, or text in another encoding/);
  });

  it("refuses JSON and HTML", async () => {
    expect((await formatError('{"a": 1}\n')).message).toBe("data.csv (row 1): not a CSV file: it looks like JSON");
    expect((await formatError("<html><body>x</body></html>\n")).message).toBe(
      "data.csv (row 1): not a CSV file: it looks like HTML or XML",
    );
  });

  it("refuses an unclosed quote, naming the row its record starts on, with csv-parse's explanation", async () => {
    expect((await formatError('a,b\n1,2\n3,"open\n')).message).toBe(
      "data.csv (row 3): not valid CSV: Quote Not Closed: the parsing is finished with an opening quote",
    );
    const afterQuotedLines = 'a,b\r\n1,"x"\r\n2,"two\r\nlines"\r\n\r\n\r\n3,"open\r\n\r\nx\r\n';
    expect((await formatError(afterQuotedLines)).row).toBe(7);
  });

  it("counts rows as lines after quoted cells holding CRLF, LF or a lone CR", async () => {
    const ragged = "3,4,5";
    // Lines: 1 header, 2, 3–4 (two-line cell), 5 the ragged row.
    for (const newline of ["\r\n", "\n"]) {
      const text = ["a,b", '1,"x"', `2,"two${newline}lines"`, ragged, ""].join(newline);
      expect((await formatError(text)).row, JSON.stringify(newline)).toBe(5);
    }
    // A lone CR inside a cell does not end a line (as on the fast path).
    expect((await formatError(`a,b\n1,"x"\n2,"two\rlines"\n${ragged}\n`)).row).toBe(4);
    // Blank lines around and inside a quoted CRLF cell: 1 header, 2, 3 blank, 4–6 cell, 7 blank, 8 ragged.
    expect((await formatError(`a,b\r\n1,"x"\r\n\r\n2,"two\r\n\r\nlines"\r\n\r\n${ragged}\r\n`)).row).toBe(8);
    // A ragged record spanning lines is named by its first line.
    expect((await formatError('a,b\r\n1,"x"\r\n2,"two\r\nlines",3\r\n')).row).toBe(3);
  });

  it("names the row and the first missing column of a short row", async () => {
    const error = await formatError("a,b,c\n1,2,3\n\n4,5\n");
    expect(error.message).toBe(
      'data.csv (row 4, column "c"): ragged row: 2 cells where the header has 3 (this column and those after it are missing)',
    );
    expect(error).toMatchObject({ file: "data.csv", row: 4, column: "c" });
  });

  it("names the row of a long row, quoted or not", async () => {
    expect((await formatError("a,b\n1,2\n3,4,5\n")).message).toBe(
      'data.csv (row 3, column "b"): ragged row: 3 cells where the header has 2 (extra cells after this last column)',
    );
    expect((await formatError('a,b\n1,"x"\n3,"y",5\n')).message).toBe(
      'data.csv (row 3, column "b"): ragged row: 3 cells where the header has 2 (extra cells after this last column)',
    );
  });

  it("refuses duplicate and empty header names", async () => {
    expect((await formatError("a,b,a\n1,2,3\n")).message).toBe('data.csv (row 1, column "a"): header: duplicate column name');
    expect((await formatError("a,,c\n1,2,3\n")).message).toBe("data.csv (row 1): header: column 2 has an empty name");
  });

  it("refuses a file without rows", async () => {
    expect((await formatError("")).message).toBe("data.csv: empty file: no header row");
    expect((await formatError("\n\n")).message).toBe("data.csv: empty file: no header row");
    expect((await formatError("a,b\n\n")).message).toBe("data.csv (row 1): no data rows after the header");
    expect((await formatError("\n\na,b\n")).message).toBe("data.csv (row 3): no data rows after the header");
  });

  it("stops reading the source at the first error", async () => {
    let pulled = 0;
    async function* endless() {
      yield "a,b\n1,2\n1\n";
      for (;;) {
        pulled++;
        yield "1,2\n";
      }
    }
    await expect(readCsvTable(endless(), "endless.csv", LIMITS)).rejects.toThrow(/ragged row/);
    expect(pulled).toBeLessThan(20_000);
  });
});

describe("readCsvTable: spilling", () => {
  it("hands the numbers over once they pass the threshold, then every eighth of it, losing none", async () => {
    const lines = ["a,b", ...Array.from({ length: 20_000 }, (_, i) => `${i % 97},${(i * 7) % 1000}`)];
    const text = `${lines.join("\n")}\n`;
    const pieces = Array.from({ length: Math.ceil(text.length / 1000) }, (_, k) => text.slice(k * 1000, (k + 1) * 1000));
    const takes: number[] = [];
    const spilled: number[] = [];
    const table = await readCsvTable(
      Readable.from(pieces),
      "big.csv",
      csvLimits({}, (name) => name),
      {
        thresholdBytes: 64_000,
        take: (parts) => {
          let bytes = 0;
          for (const part of parts) {
            const column = NumberColumn.fromState(part.state);
            bytes += column.byteLength;
            if (part.column === "a") spilled.push(...column.values());
          }
          takes.push(bytes);
        },
      },
    );
    // The first check comes after the first 64 KiB of text (the delimiter sample), then after every piece read.
    expect(takes[0]).toBeGreaterThan(64_000);
    expect(takes.slice(1).every((bytes) => bytes > 8_000 && bytes < 10_000)).toBe(true);
    expect(takes.length).toBeGreaterThan(8);
    const held = table.columns.get("a");
    const rest = held?.kind === "numbers" ? [...held.numbers.values()] : [];
    expect(spilled.length + rest.length).toBe(20_000);
    expect(spilled.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
  });
});
