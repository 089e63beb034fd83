/** A decimal literal as pandas reads it: optional sign, digits with an optional point, optional exponent. */
const DECIMAL_LITERAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_LITERAL = /^[+-]?\d+$/;

/** The number a trimmed cell text spells, or undefined when it is not a plain decimal literal (hex, "1_000", text). */
export function parseNumberText(text: string): number | undefined {
  return DECIMAL_LITERAL.test(text) ? Number(text) : undefined;
}

/** Whether a numeric cell was written as an integer; pandas types such a column `int64`, which typing cares about. */
export function isIntegerText(text: string): boolean {
  return INTEGER_LITERAL.test(text);
}
