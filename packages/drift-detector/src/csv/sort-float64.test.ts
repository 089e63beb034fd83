import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortFloat64Chunks } from "./sort-float64.js";

/** The reference order: the typed-array sort (−0 before +0). */
function typedSort(values: number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/** Sorts `values` stored in chunks of 2^shift, the last chunk allocated full length as NumberChunks does. */
function sortInChunks(values: number[], shift: number): number[] {
  const size = 2 ** shift;
  const chunks: Float64Array[] = [];
  for (let i = 0; i < values.length; i += size) {
    const chunk = new Float64Array(size);
    chunk.set(values.slice(i, i + size));
    chunks.push(chunk);
  }
  return Array.from(sortFloat64Chunks(chunks, shift, values.length));
}

const signed = (values: number[]) => values.map((v) => (Object.is(v, -0) ? "-0" : v));

describe("sortFloat64Pieces", () => {
  it("sorts any finite doubles, split in any pieces, as the typed-array sort does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 300 }),
        fc.integer({ min: 0, max: 6 }),
        (values, shift) => {
          expect(signed(sortInChunks(values, shift))).toEqual(signed(typedSort(values)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("handles the edges: nothing, one value, all equal, both zeros, extremes", () => {
    expect(sortInChunks([], 4)).toEqual([]);
    expect(sortInChunks([3.5], 4)).toEqual([3.5]);
    expect(sortInChunks([2, 2, 2], 1)).toEqual([2, 2, 2]);
    const extremes = [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 0, -0, 1, -1];
    const sorted = sortInChunks(extremes, 2);
    expect(sorted).toEqual([-Number.MAX_VALUE, -1, -Number.MIN_VALUE, -0, 0, Number.MIN_VALUE, 1, Number.MAX_VALUE]);
    expect(Object.is(sorted[3], -0)).toBe(true);
  });

  it("sorts a large column spread over many pieces", () => {
    let state = 7;
    const values = Array.from({ length: 200_000 }, () => {
      state = (state * 48271) % 2147483647;
      return Math.round(((state / 2147483647) * 20 - 10) * 1e4) / 1e4;
    });
    expect(sortInChunks(values, 16)).toEqual(typedSort(values));
  });
});
