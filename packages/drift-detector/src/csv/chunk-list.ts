const CHUNK_LENGTH = 1 << 16;

/** An append-only list of numbers in fixed typed-array chunks: no copying while it grows. */
export class ChunkList<T extends Int32Array | Float64Array> {
  private readonly full: T[] = [];
  private fullLength = 0;
  private current: T;
  private used = 0;

  /** `chunks`: values already filled (e.g. handed over from another thread), kept as they are. */
  constructor(
    private readonly create: (length: number) => T,
    chunks: readonly T[] = [],
  ) {
    this.current = create(CHUNK_LENGTH);
    for (const chunk of chunks) {
      this.full.push(chunk);
      this.fullLength += chunk.length;
    }
  }

  get length(): number {
    return this.fullLength + this.used;
  }

  push(value: number): void {
    if (this.used === CHUNK_LENGTH) {
      this.full.push(this.current);
      this.fullLength += CHUNK_LENGTH;
      this.current = this.create(CHUNK_LENGTH);
      this.used = 0;
    }
    this.current[this.used++] = value;
  }

  /** The filled part of every chunk, in order (views: writing to them changes the list). */
  *chunks(): Generator<T> {
    yield* this.full;
    yield this.current.subarray(0, this.used) as T;
  }

  *values(): Generator<number> {
    for (const chunk of this.chunks()) yield* chunk;
  }
}
