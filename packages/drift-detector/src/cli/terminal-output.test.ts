import { describe, expect, it } from "vitest";
import { CsvFormatError } from "../csv/errors.js";
import { DriftOptionsError } from "../drift/options-error.js";
import { describeError, jsonForTerminal } from "./terminal-output.js";
import { UsageError } from "./usage-error.js";

describe("terminal output", () => {
  it("escapes the controls a file may carry in every error message, keeping a CSV error on one line", () => {
    const csv = new CsvFormatError("x\u001b[2J.csv", "ragged row", { row: 3, column: "a\nb\u009b" });
    expect(describeError(csv)).toBe('x\\x1B[2J.csv (row 3, column "a\\x0Ab\\x9B"): ragged row');
    expect(describeError(new UsageError("bad \u001b]0;t\u0007\nusage: x"))).toBe("bad \\x1B]0;t\\x07\nusage: x");
    expect(describeError(new DriftOptionsError('column "\u202e"'))).toBe('drift options: column "\\u202E"');
    expect(describeError(new Error("boom"))).toMatch(/^internal error: Error: boom\n/);
  });

  it("writes JSON with DEL, C1 and bidi controls escaped, and reads back the same", () => {
    const value = { column: "\u007f\u009b\u202egrade\u001b" };
    const text = jsonForTerminal(value);
    expect(text).toBe('{\n  "column": "\\u007f\\u009b\\u202egrade\\u001b"\n}');
    expect(JSON.parse(text)).toEqual(value);
  });
});
