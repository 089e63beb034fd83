import { sortFloat64Chunks } from "./sort-float64.js";

const CHUNK_SHIFT = 16;
const CHUNK_LENGTH = 1 << CHUNK_SHIFT;

/** An append-only list of doubles in fixed Float64Array chunks: no copying while growing, 8 bytes per value. */
export class NumberChunks {
  private readonly full: Float64Array[] = [];
  private current = new Float64Array(CHUNK_LENGTH);
  private used = 0;

  get length(): number {
    return this.full.length * CHUNK_LENGTH + this.used;
  }

  push(value: number): void {
    if (this.used === CHUNK_LENGTH) {
      this.full.push(this.current);
      this.current = new Float64Array(CHUNK_LENGTH);
      this.used = 0;
    }
    this.current[this.used++] = value;
  }

  *values(): Generator<number> {
    for (const chunk of this.full) yield* chunk;
    for (let i = 0; i < this.used; i++) yield this.current[i] as number;
  }

  /**
   * All values in one ascending array (order carries no information for a drift test, and every test needs them
   * sorted). The chunks are released: call once, when the column is complete.
   */
  drainSorted(): Float64Array {
    const chunks = [...this.full, this.current];
    const total = this.length;
    this.full.length = 0;
    this.current = new Float64Array(0);
    this.used = 0;
    return sortFloat64Chunks(chunks, CHUNK_SHIFT, total);
  }
}
