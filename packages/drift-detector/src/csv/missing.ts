/**
 * Cell texts that mean "no value". pandas' default `na_values` (so a file reads the same as with
 * `pandas.read_csv`), plus ±infinity, which Evidently drops before every test (research notes).
 */
const MISSING_TOKENS = new Set([
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "None",
  "n/a",
  "nan",
  "null",
]);

const INFINITY = /^[+-]?(inf|infinity)$/i;

/** True when a trimmed cell text stands for a missing value (or an infinity, which no test can use). */
export function isMissingToken(text: string): boolean {
  return MISSING_TOKENS.has(text) || INFINITY.test(text);
}
