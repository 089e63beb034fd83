import { isMissingToken } from "./missing.js";
import { NumberColumn, type NumberColumnState } from "./number-column.js";
import { isIntegerText, parseNumberText } from "./number-text.js";

/** What one column of one file holds once read: its non-missing values, compactly, and how many were missing. */
export type ColumnValues =
  | { kind: "numbers"; numbers: NumberColumn; integerOnly: boolean; missing: number }
  | { kind: "labels"; counts: Map<string, number>; missing: number };

/**
 * Collects one column while the file streams by. Numbers go into a compact NumberColumn; the first cell that is
 * neither missing nor a number turns the column into labels with counts (the numbers seen so far become labels
 * in JavaScript's shortest spelling, e.g. "1.50" → "1.5"). Missing cells are counted, never stored.
 */
export class ColumnAccumulator {
  private numbers: NumberColumn | undefined = new NumberColumn();
  private labels: Map<string, number> | undefined;
  private integerOnly = true;
  private missing = 0;

  /** `maxLabels`: distinct labels beyond which `addText` refuses a cell. */
  constructor(
    readonly name: string,
    private readonly maxLabels: number,
  ) {}

  /**
   * A cell as text (any spelling; surrounding spaces are ignored). False when it would make the column hold more
   * than `maxLabels` distinct labels: the cell is then not counted, and the caller refuses the file.
   */
  addText(cell: string): boolean {
    const text = cell.trim();
    if (isMissingToken(text)) {
      this.missing++;
      return true;
    }
    if (this.numbers) {
      const value = parseNumberText(text);
      if (value !== undefined) {
        this.addNumber(value, isIntegerText(text));
        return true;
      }
      if (!this.switchToLabels()) return false;
    }
    return this.countLabel(text);
  }

  /** The column once every cell is read (its numbers compacted where they allow). */
  finish(): ColumnValues {
    if (this.numbers) {
      this.numbers.compact();
      return { kind: "numbers", numbers: this.numbers, integerOnly: this.integerOnly, missing: this.missing };
    }
    return { kind: "labels", counts: this.labels ?? new Map(), missing: this.missing };
  }

  /** Bytes of numbers held in memory (0 once the column is labels). */
  get numberBytes(): number {
    return this.numbers?.byteLength ?? 0;
  }

  /** The numbers held so far, handed over to be spilled (the column keeps reading); undefined for labels. */
  drainNumbers(): NumberColumnState | undefined {
    return this.numbers?.drain();
  }

  /** Still reading numbers (no text cell yet). */
  get numeric(): boolean {
    return this.numbers !== undefined;
  }

  /** ±mantissa / 10^fractionDigits, read by the fast path from a plain decimal cell; `integer` without a point. */
  addDecimal(mantissa: number, fractionDigits: number, negative: boolean, integer: boolean): void {
    if (!integer) this.integerOnly = false;
    this.numbers?.addDecimal(mantissa, fractionDigits, negative);
  }

  private addNumber(value: number, integer: boolean): void {
    // An overflowing literal ("1e999") reads as infinity, which no test can use: missing, like "inf".
    if (!Number.isFinite(value)) {
      this.missing++;
      return;
    }
    if (!integer) this.integerOnly = false;
    this.numbers?.addDouble(value);
  }

  private switchToLabels(): boolean {
    const numbers = this.numbers;
    this.numbers = undefined;
    this.labels = new Map();
    if (numbers) for (const value of numbers.values()) if (!this.countLabel(String(value))) return false;
    return true;
  }

  private countLabel(label: string): boolean {
    const labels = this.labels as Map<string, number>;
    const count = labels.get(label);
    if (count !== undefined) labels.set(label, count + 1);
    else if (labels.size < this.maxLabels) labels.set(label, 1);
    else return false;
    return true;
  }
}
