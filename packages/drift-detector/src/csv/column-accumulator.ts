import { isMissingToken } from "./missing.js";
import { NumberChunks } from "./number-chunks.js";
import { isIntegerText, parseNumberText, parsePlainDecimal } from "./number-text.js";

/** What one column of one file holds once read: its non-missing values, compactly, and how many were missing. */
export type ColumnValues =
  | { kind: "numbers"; values: Float64Array; integerOnly: boolean; missing: number }
  | { kind: "labels"; counts: Map<string, number>; missing: number };

/**
 * Collects one column while the file streams by. Numbers go into Float64Array chunks; the first cell that is
 * neither missing nor a number turns the column into labels with counts (the numbers seen so far become labels
 * in JavaScript's shortest spelling, e.g. "1.50" → "1.5"). Missing cells are counted, never stored.
 */
export class ColumnAccumulator {
  private numbers: NumberChunks | undefined = new NumberChunks();
  private labels: Map<string, number> | undefined;
  private integerOnly = true;
  private missing = 0;

  constructor(readonly name: string) {}

  /** A cell as text (any spelling; surrounding spaces are ignored). */
  addText(cell: string): void {
    const text = cell.trim();
    if (isMissingToken(text)) {
      this.missing++;
      return;
    }
    if (this.numbers) {
      const value = parseNumberText(text);
      if (value !== undefined) {
        this.addNumber(value, isIntegerText(text));
        return;
      }
      this.switchToLabels();
    }
    this.countLabel(text);
  }

  /** A cell given as `line[start, end)`: plain decimals skip the string allocation, the rest goes through addText. */
  addRange(line: string, start: number, end: number): void {
    if (this.numbers) {
      const value = parsePlainDecimal(line, start, end);
      if (!Number.isNaN(value)) {
        this.numbers.push(value);
        if (this.integerOnly && hasPoint(line, start, end)) this.integerOnly = false;
        return;
      }
    }
    this.addText(line.slice(start, end));
  }

  finish(): ColumnValues {
    if (this.numbers) {
      return { kind: "numbers", values: this.numbers.drain(), integerOnly: this.integerOnly, missing: this.missing };
    }
    return { kind: "labels", counts: this.labels ?? new Map(), missing: this.missing };
  }

  private addNumber(value: number, integer: boolean): void {
    // An overflowing literal ("1e999") reads as infinity, which no test can use: missing, like "inf".
    if (!Number.isFinite(value)) {
      this.missing++;
      return;
    }
    if (!integer) this.integerOnly = false;
    this.numbers?.push(value);
  }

  private switchToLabels(): void {
    const numbers = this.numbers;
    this.numbers = undefined;
    this.labels = new Map();
    if (numbers) for (const value of numbers.values()) this.countLabel(String(value));
  }

  private countLabel(label: string): void {
    const labels = this.labels as Map<string, number>;
    labels.set(label, (labels.get(label) ?? 0) + 1);
  }
}

function hasPoint(line: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (line.charCodeAt(i) === 46) return true;
  return false;
}
