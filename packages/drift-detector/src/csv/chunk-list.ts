/**
 * Chunks start small and double up to the largest: a column is allocated only as its values arrive, so a file of
 * very many short columns stays small, while a long column ends in few chunks. The largest (4 MiB of int32) is well
 * above the allocator's threshold for mapping memory of its own, so a long column's chunks are given back to the
 * system when freed (once compacted or sorted): chunks of 256 KiB were carved from the threads' heaps instead,
 * which kept ~50 MiB of freed chunks resident through a 1 M-row run (measured peak 295 → 255 MiB).
 */
const FIRST_CHUNK_LENGTH = 1 << 4;
const LARGEST_CHUNK_LENGTH = 1 << 20;

/** An append-only list of numbers in typed-array chunks: no copying while it grows, nothing allocated while empty. */
export class ChunkList<T extends Int32Array | Float64Array> {
  private readonly full: T[] = [];
  private fullLength = 0;
  private current: T | undefined;
  private used = 0;

  /** `chunks`: values already filled (e.g. handed over from another thread), kept as they are. */
  constructor(
    private readonly create: (length: number) => T,
    chunks: readonly T[] = [],
  ) {
    for (const chunk of chunks) {
      this.full.push(chunk);
      this.fullLength += chunk.length;
    }
  }

  get length(): number {
    return this.fullLength + this.used;
  }

  push(value: number): void {
    let current = this.current;
    if (current === undefined || this.used === current.length) current = this.grow(current);
    current[this.used++] = value;
  }

  /** Every value of `values`, in order: block copies into the chunks, as many values as fit each time. */
  pushAll(values: T): void {
    let from = 0;
    while (from < values.length) {
      let current = this.current;
      if (current === undefined || this.used === current.length) current = this.grow(current);
      const taken = Math.min(current.length - this.used, values.length - from);
      current.set(values.subarray(from, from + taken), this.used);
      this.used += taken;
      from += taken;
    }
  }

  /** `value`, `times` times over: block fills of the chunks. */
  pushRepeated(value: number, times: number): void {
    for (let left = times; left > 0; ) {
      let current = this.current;
      if (current === undefined || this.used === current.length) current = this.grow(current);
      const taken = Math.min(current.length - this.used, left);
      current.fill(value, this.used, this.used + taken);
      this.used += taken;
      left -= taken;
    }
  }

  /** The filled part of every chunk, in order (views: writing to them changes the list). */
  *chunks(): Generator<T> {
    yield* this.full;
    if (this.current) yield this.current.subarray(0, this.used) as T;
  }

  *values(): Generator<number> {
    for (const chunk of this.chunks()) yield* chunk;
  }

  private grow(filled: T | undefined): T {
    if (filled) {
      this.full.push(filled);
      this.fullLength += filled.length;
    }
    const next = this.create(filled ? Math.min(filled.length * 2, LARGEST_CHUNK_LENGTH) : FIRST_CHUNK_LENGTH);
    this.current = next;
    this.used = 0;
    return next;
  }
}
