import { CsvFormatError } from "../csv/errors.js";
import { visibleControlCharacters } from "../drift/format-text.js";
import { DriftOptionsError } from "../drift/options-error.js";
import { UsageError } from "./usage-error.js";

/** The result as JSON, with the controls JSON leaves as they are (DEL, C1, bidi overrides) escaped too. */
export function jsonForTerminal(result: unknown): string {
  return JSON.stringify(result, null, 2).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** An error as the lines to print; what came from a file (names, cells) has its control characters escaped. */
export function describeError(error: unknown): string {
  // A CSV error is one line, even when a name in it holds a line break.
  if (error instanceof CsvFormatError) return visibleControlCharacters(error.message);
  const text =
    error instanceof UsageError
      ? error.message
      : error instanceof DriftOptionsError
        ? `drift options: ${error.message}`
        : `internal error: ${(error as Error).stack ?? String(error)}`;
  return text.split("\n").map(visibleControlCharacters).join("\n");
}
