import { describe, expect, it } from "vitest";
import { DEFAULT_CSV_LIMITS } from "../csv/limits.js";
import { parseCommandLine } from "./command-line.js";
import { UsageError } from "./usage-error.js";

describe("parseCommandLine", () => {
  it("takes each CSV limit from its option, the others at their defaults, each naming its option", () => {
    const { limits, files } = parseCommandLine(["a.csv", "b.csv", "--max-columns", "20", "--max-record-chars", "5000"]);
    expect(files).toEqual(["a.csv", "b.csv"]);
    expect(limits).toEqual({
      fileBytes: { value: DEFAULT_CSV_LIMITS.fileBytes, setting: "--max-file-bytes" },
      recordChars: { value: 5000, setting: "--max-record-chars" },
      columns: { value: 20, setting: "--max-columns" },
      distinctLabels: { value: DEFAULT_CSV_LIMITS.distinctLabels, setting: "--max-distinct-labels" },
    });
  });

  it.each(["0", "1e3", "1.5", "", "9007199254740993"])("refuses --max-distinct-labels %j", (text) => {
    const error = (() => {
      try {
        parseCommandLine(["a.csv", "b.csv", "--max-distinct-labels", text]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^--max-distinct-labels: must be a whole number of at least 1, got /);
  });

  it("refuses unknown options and a wrong number of files, with the usage", () => {
    expect(() => parseCommandLine(["a.csv", "b.csv", "--max-rows", "3"])).toThrow(/^unknown option --max-rows\nusage:/);
    expect(() => parseCommandLine(["a.csv"])).toThrow(/^expected 2 files \(reference and current\), got 1\nusage:/);
    expect(parseCommandLine(["--help"]).help).toBe(true);
  });
});
