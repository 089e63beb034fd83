import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { radixSortFloat64 } from "./radix-sort.js";
import { sortInPlace } from "./sorted.js";

describe("radix sort of doubles", () => {
  it("orders like the typed-array sort, bit for bit (negatives, −0/+0, subnormals, infinities, ties)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 300 }), (values) => {
        const expected = Float64Array.from(values).sort();
        const actual = Float64Array.from(values);
        radixSortFloat64(actual);
        expect(actual.every((v, i) => Object.is(v, expected[i]))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("sorts a large array through sortInPlace, also when it lives at an offset of a bigger buffer", () => {
    const buffer = new Float64Array(100_002);
    const values = buffer.subarray(1, 100_001);
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 12.9898) * 1e3;
    buffer[0] = 1e9;
    buffer[100_001] = -1e9;
    const expected = values.slice().sort();
    sortInPlace(values);
    expect(values).toEqual(expected);
    expect([buffer[0], buffer[100_001]]).toEqual([1e9, -1e9]);
  });
});
