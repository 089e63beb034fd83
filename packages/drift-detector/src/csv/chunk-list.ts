/** The first chunk is small, so that a file of many short columns stays small; chunks double up to the largest. */
const FIRST_CHUNK_LENGTH = 1 << 10;
const LARGEST_CHUNK_LENGTH = 1 << 16;

/** An append-only list of numbers in typed-array chunks: no copying while it grows. */
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
    this.current = create(FIRST_CHUNK_LENGTH);
    for (const chunk of chunks) {
      this.full.push(chunk);
      this.fullLength += chunk.length;
    }
  }

  get length(): number {
    return this.fullLength + this.used;
  }

  push(value: number): void {
    const current = this.current;
    if (this.used === current.length) {
      this.full.push(current);
      this.fullLength += current.length;
      this.current = this.create(Math.min(current.length * 2, LARGEST_CHUNK_LENGTH));
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
