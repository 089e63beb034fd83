import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CountedNumbers, SortWorkspace, sortedNumbers } from "../stats/index.js";
import { NumberColumn, type NumberColumnState } from "./number-column.js";

/** Feeds decimal texts the way the fast path does: mantissa, decimals, sign. */
function columnOf(texts: readonly string[]): NumberColumn {
  const column = new NumberColumn();
  for (const text of texts) {
    const negative = text.startsWith("-");
    const digits = text.replace(/^[+-]/, "");
    const point = digits.indexOf(".");
    const fractionDigits = point === -1 ? 0 : digits.length - point - 1;
    column.addDecimal(Number(digits.replace(".", "")), fractionDigits, negative);
  }
  return column;
}

const decimalText = fc
  .tuple(fc.boolean(), fc.stringMatching(/^\d{1,9}$/), fc.stringMatching(/^\d{0,6}$/))
  .map(([negative, whole, fraction]) => `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`);

describe("NumberColumn", () => {
  it("gives back exactly the doubles Number() reads, in order and sorted, whatever the mix of scales", () => {
    fc.assert(
      fc.property(fc.array(decimalText, { maxLength: 200 }), (texts) => {
        const column = columnOf(texts);
        // −0 and 0 are the same to every test; + 0 makes them compare equal here too.
        const expected = texts.map((text) => Number(text) + 0);
        expect(column.count).toBe(texts.length);
        expect([...column.values()].map((v) => v + 0)).toEqual(expected);
        expect(Array.from(column.sorted(), (v) => v + 0)).toEqual([...expected].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps plain decimals as scaled int32, 4 bytes a value", () => {
    const column = columnOf(["7.4", "0.7", "3", "-0.9978", "11", "2147.483647"]);
    expect(column.storage).toBe("int32");
    expect([...column.values()]).toEqual([7.4, 0.7, 3, -0.9978, 11, 2147.483647]);
  });

  it("moves to doubles when a value does not fit the scaled integers, keeping every value", () => {
    const texts = ["1.5", "2", "0.0000000001", "3000000000", "-2.25"];
    const column = columnOf(texts);
    expect(column.storage).toBe("float64");
    column.addDouble(1e-7);
    expect([...column.values()]).toEqual([1.5, 2, 1e-10, 3e9, -2.25, 1e-7]);
    expect(Array.from(column.sorted())).toEqual([-2.25, 1e-10, 1e-7, 1.5, 2, 3e9]);
  });

  it("sorts wide ranges (radix) and narrow ones (counting) alike", () => {
    const wide = columnOf(["2000000000", "-2000000000", "0", "1"]);
    expect(Array.from(wide.sorted())).toEqual([-2e9, 0, 1, 2e9]);
    const narrow = columnOf(Array.from({ length: 1000 }, (_, i) => `${(i * 37) % 100}.5`));
    const sorted = Array.from(narrow.sorted());
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
    expect(sorted.filter((v) => v === 0.5)).toHaveLength(10);
  });

  it("is empty when nothing was added", () => {
    expect(new NumberColumn().count).toBe(0);
    expect(new NumberColumn().sorted()).toEqual(new Float64Array(0));
  });

  it("drained part by part at any points, then joined again, gives the same values and the same sorted array", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(decimalText, fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)), { maxLength: 200 }),
        fc.array(fc.nat(200), { maxLength: 5 }),
        (texts, cuts) => {
          const whole = new NumberColumn();
          const drained = new NumberColumn();
          const parts: NumberColumnState[] = [];
          texts.forEach((text, index) => {
            for (const column of [whole, drained]) {
              if (/^-?\d+(\.\d+)?$/.test(text) && text.replace(/[-.]/g, "").length <= 15) {
                const digits = text.replace(/^-/, "");
                const point = digits.indexOf(".");
                column.addDecimal(
                  Number(digits.replace(".", "")),
                  point === -1 ? 0 : digits.length - point - 1,
                  text.startsWith("-"),
                );
              } else {
                column.addDouble(Number(text));
              }
            }
            if (cuts.includes(index)) parts.push(drained.drain());
          });
          const joined = NumberColumn.fromStates([...parts, drained.state()]);
          expect(joined.count).toBe(whole.count);
          expect([...joined.values()]).toEqual([...whole.values()]);
          expect(sortedNumbers(joined.takeAscending()).values).toEqual(sortedNumbers(whole.sorted()).values);
          expect(joined.count).toBe(0);
        },
      ),
    );
  });

  it("keeps doubles read as numbers (Parquet) exactly, as scaled integers where some scale gives them back", () => {
    const anyDouble = fc.oneof(
      decimalText.map(Number),
      fc.double({ noDefaultInfinity: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0.1 + 0.2, 2 ** 40, 1e-12),
    );
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (values, batch) => {
        const oneByOne = new NumberColumn();
        for (const value of values) if (Number.isFinite(value)) oneByOne.addNumber(value);
        const batched = new NumberColumn();
        let skipped = 0;
        for (let start = 0; start < values.length; start += batch) {
          skipped += batched.addNumbers(Float64Array.from(values.slice(start, start + batch)));
        }
        const finite = values.filter((value) => Number.isFinite(value)).map((value) => value + 0);
        expect(skipped).toBe(values.length - finite.length);
        expect([...oneByOne.values()].map((v) => v + 0)).toEqual(finite);
        expect([...batched.values()].map((v) => v + 0)).toEqual(finite);
        expect([...batched.sorted()].map((v) => v + 0)).toEqual([...Float64Array.from(finite).sort()]);
      }),
    );
  });

  it("reads a page longer than its batch of mantissas as value by value, finer decimals and a NaN on either side of a batch's end", () => {
    const values = Float64Array.from({ length: 200_000 }, (_, i) => ((i * 7919) % 5000) / 10);
    values[65_535] = 0.25;
    values[65_536] = Number.NaN;
    values[131_072] = 1.125;
    values[199_999] = 3.0625;
    const oneByOne = new NumberColumn();
    for (const value of values) if (Number.isFinite(value)) oneByOne.addNumber(value);
    const batched = new NumberColumn();
    expect(batched.addNumbers(values)).toBe(1);
    expect(batched.storage).toBe("int32");
    expect(batched.count).toBe(values.length - 1);
    const [fromBatches, fromValues] = [Float64Array.from(batched.values()), Float64Array.from(oneByOne.values())];
    expect(fromBatches.every((value, i) => value === fromValues[i])).toBe(true);
    expect(fromBatches[131_071]).toBe(1.125);
  });

  it("stores short decimals read as doubles in 4 bytes, and turns to doubles for a value no scale up to 10^9 fits", () => {
    const column = new NumberColumn();
    expect(column.addNumbers(Float64Array.of(8.32, 0.99675, -3, Number.NaN, 12.5))).toBe(1);
    expect(column.storage).toBe("int32");
    expect([...column.values()]).toEqual([8.32, 0.99675, -3, 12.5]);
    column.addNumber(0.1 + 0.2);
    expect(column.storage).toBe("float64");
    expect([...column.values()]).toEqual([8.32, 0.99675, -3, 12.5, 0.1 + 0.2]);
  });

  it("compacts a finished column of a narrow range to counts: same sorted values, ascending order, fewer bytes", () => {
    const column = new NumberColumn();
    for (let i = 0; i < 10_000; i++) column.addDecimal((i * 37) % 500, 1, i % 3 === 0);
    const before = column.sorted();
    const bytes = column.byteLength;
    column.compact();
    expect(column.storage).toBe("counts");
    expect(column.count).toBe(10_000);
    expect(column.byteLength).toBeLessThan(bytes / 4);
    expect(column.sorted()).toEqual(before);
    expect([...column.values()]).toEqual([...before]);
    // A value after all: back to plain scaled integers, nothing lost.
    column.addDecimal(12345, 2, false);
    expect(column.storage).toBe("int32");
    expect(column.sorted()).toEqual(Float64Array.from([...before, 123.45]).sort());
    const wide = columnOf(["1", "1000000", "5"]);
    wide.compact();
    expect(wide.storage).toBe("int32");
  });

  it("hands a test distinct values with counts when they are few, else a sorted array; either way it lets its values go", () => {
    const few = new NumberColumn();
    for (let i = 0; i < 10_000; i++) few.addDecimal((i * 37) % 500, 2, i % 3 === 0);
    const expected = few.sorted();
    few.compact();
    const counted = few.takeAscending(new SortWorkspace(), 1);
    expect(counted).toBeInstanceOf(CountedNumbers);
    const { values, counts, size } = sortedNumbers(counted);
    expect(size).toBe(10_000);
    expect(values.length).toBeLessThan(1000);
    expect(Float64Array.from([...values].flatMap((value, k) => Array(counts?.[k]).fill(value)))).toEqual(expected);
    expect(few.count).toBe(0);
    // Counting-sorted scaled integers (range wider than their count, not compacted) are counted too.
    const spread = columnOf(["0.01", "9.99", "0.01", "5", "9.99", "0.01"]);
    expect(sortedNumbers(spread.takeAscending())).toMatchObject({ values: Float64Array.of(0.01, 5, 9.99), size: 6 });
    const distinct = columnOf(["0.5", "3", "1.25", "2"]);
    expect(distinct.takeAscending()).toEqual(Float64Array.of(0.5, 1.25, 2, 3));
    expect(distinct.count).toBe(0);
  });

  it("joins spilled parts and a compacted rest into the same sorted values, counted straight into one tally", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(decimalText, fc.integer({ min: -40, max: 40 }).map(String)), { minLength: 1, maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 4 }),
        fc.boolean(),
        (texts, cuts, compactParts) => {
          const whole = columnOf(texts);
          // The texts in segments, each its own part (at its own scale), compacted when asked; the last one always.
          const bounds = [0, ...[...new Set(cuts)].filter((cut) => cut < texts.length).sort((a, b) => a - b), texts.length];
          const parts = bounds.slice(1).map((end, k) => {
            const part = columnOf(texts.slice(bounds[k], end));
            if (compactParts || k === bounds.length - 2) part.compact();
            return part.state();
          });
          const joined = NumberColumn.fromStates(parts);
          expect(joined.count).toBe(whole.count);
          expect([...joined.sorted()].map((v) => v + 0)).toEqual([...whole.sorted()].map((v) => v + 0));
        },
      ),
    );
    const narrow = (from: number) => {
      const part = new NumberColumn();
      for (let i = 0; i < 1000; i++) part.addDecimal(from + (i % 50), 0, false);
      return part;
    };
    const held = narrow(20);
    held.compact();
    const joined = NumberColumn.fromStates([narrow(0).state(), narrow(10).state(), held.state()]);
    expect(joined.storage).toBe("counts");
    expect(joined.sorted()).toEqual(
      NumberColumn.fromStates([narrow(0).state(), narrow(10).state(), narrow(20).state()]).sorted(),
    );
  });

  it("merges parts one at a time into the same sorted values, whatever their scales and storages", () => {
    const part = fc.oneof(
      fc.array(decimalText, { maxLength: 60 }).map((texts) => columnOf(texts)),
      fc.array(fc.integer({ min: -30, max: 30 }), { maxLength: 60 }).map((values) => {
        const column = columnOf(values.map(String));
        column.compact();
        return column;
      }),
      fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 20 }).map((values) => {
        const column = new NumberColumn();
        for (const value of values) column.addDouble(value);
        return column;
      }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        const expected = parts.flatMap((column) => [...column.values()]).sort((a, b) => a - b);
        const merged = NumberColumn.merged(parts.map((column) => column.state()));
        expect(merged.count).toBe(expected.length);
        expect([...merged.sorted()].map((v) => v + 0)).toEqual(expected.map((v) => v + 0));
      }),
    );
    // Integers at one scale end as one tally, even far apart (within the counting span).
    const far = NumberColumn.merged([columnOf(["1", "2"]).state(), columnOf(["900000"]).state(), columnOf(["-5"]).state()]);
    expect(far.storage).toBe("counts");
    expect([...far.sorted()]).toEqual([-5, 1, 2, 900000]);
    const wide = NumberColumn.merged([columnOf(["0"]).state(), columnOf(["100000000"]).state()]);
    expect(wide.storage).toBe("int32");
    expect([...wide.sorted()]).toEqual([0, 100000000]);
  });
});
