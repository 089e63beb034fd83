const CHUNK_LENGTH = 1 << 16;

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

  /** All values in one array. The chunks are released: call once, when the column is complete. */
  drain(): Float64Array {
    const all = new Float64Array(this.length);
    let offset = 0;
    for (const chunk of this.full) {
      all.set(chunk, offset);
      offset += CHUNK_LENGTH;
    }
    all.set(this.current.subarray(0, this.used), offset);
    this.full.length = 0;
    this.current = new Float64Array(0);
    this.used = 0;
    return all;
  }
}
