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

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_DIGITS = 15;

/**
 * Parses `text[start, end)` when it is a short plain decimal ("-12.5", "3"), giving exactly what `Number()` gives;
 * NaN when it is anything else (exponent, spaces, > 15 digits, text), so the caller takes the general path.
 * Exact by Clinger's fast path: an integer mantissa < 2^53 divided by 10^k, k ≤ 22, is one correctly rounded
 * IEEE division (Clinger 1990, "How to read floating point numbers accurately", PLDI).
 */
export function parsePlainDecimal(text: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  const first = text.charCodeAt(i);
  if (first === 45) {
    negative = true;
    i++;
  } else if (first === 43) {
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let seenPoint = false;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (seenPoint) fractionDigits++;
    } else if (c === 46 && !seenPoint) {
      seenPoint = true;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0 || digits > MAX_EXACT_DIGITS) return Number.NaN;
  const value = mantissa / (POWERS_OF_TEN[fractionDigits] as number);
  return negative ? -value : value;
}
