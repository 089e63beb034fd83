/**
 * Typed arrays that one thread reuses from one column's sort to the next: the sorted values of each side of a
 * column (or its distinct values and their counts), the counters of a counting sort and the second buffer of a radix sort. Allocating them afresh for every
 * column leaves each previous column's arrays (tens of MiB at a million rows) to wait for the next garbage
 * collection, and makes the allocator hand memory back to the system only in part; reused, a thread holds one
 * column's arrays, whatever the number of columns. Each array grows to the largest length asked and stays valid
 * until its kind (and, for values, its side) is asked for again.
 */
export class SortWorkspace {
  private readonly sides: [Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0)];
  private readonly sideCounts: [Uint32Array, Uint32Array] = [new Uint32Array(0), new Uint32Array(0)];
  private words = new Uint32Array(0);
  private counts = new Uint32Array(0);

  /** `length` doubles for side 0 (the reference) or 1 (the current data), contents undefined. */
  values(side: 0 | 1, length: number): Float64Array {
    if (this.sides[side].length < length) this.sides[side] = new Float64Array(length);
    return this.sides[side].subarray(0, length);
  }

  /** `length` counts for side 0 or 1 (beside its values, for counted numbers), contents undefined. */
  valueCounts(side: 0 | 1, length: number): Uint32Array {
    if (this.sideCounts[side].length < length) this.sideCounts[side] = new Uint32Array(length);
    return this.sideCounts[side].subarray(0, length);
  }

  /** `length` counters, all zero. */
  counters(length: number): Uint32Array {
    if (this.counts.length < length) this.counts = new Uint32Array(length);
    const counters = this.counts.subarray(0, length);
    counters.fill(0);
    return counters;
  }

  /** `length` 32-bit words, contents undefined. */
  scratchWords(length: number): Uint32Array {
    if (this.words.length < length) this.words = new Uint32Array(length);
    return this.words.subarray(0, length);
  }
}
