import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CountedNumbers, SortWorkspace, sortedNumbers } from "../stats/index.js";
import { NumberColumn, type NumberColumnState, stateArrays } from "./number-column.js";

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

/** Values ascending, −0 as 0 (the same to every test). */
function sortedOf(values: Iterable<number>): number[] {
  return Array.from(values, (value) => value + 0).sort((a, b) => a - b);
}

const anyDouble = fc.oneof(
  fc.stringMatching(/^-?\d{1,9}(\.\d{1,6})?$/).map(Number),
  fc.double({ noDefaultInfinity: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.1 + 0.2, 2 ** 40, 1e-12),
);

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
        // Batches are counted where they can be: the same values, no longer in the order they came.
        expect(sortedOf(batched.values())).toEqual(sortedOf(finite));
        expect([...batched.sorted()].map((v) => v + 0)).toEqual([...Float64Array.from(finite).sort()]);
        expect(batched.storage === "float64").toBe(oneByOne.storage === "float64");
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
    // Counted while reading until 1.125 needs a range wider than the count: never more bytes than 4 a value.
    expect(batched.byteLength).toBeLessThanOrEqual(4 * batched.count);
    const [fromBatches, fromValues] = [batched.sorted(), oneByOne.sorted()];
    expect(fromBatches.every((value, i) => value === fromValues[i])).toBe(true);
    expect(fromBatches).toContain(1.125);
  });

  it("takes counted values (a Parquet dictionary) as the same values added one by one, drained at any points", () => {
    // Steps at one scale each (so later ones may need a finer one), now and then a value of any kind.
    const values = (maxLength: number, minLength = 0) =>
      fc.integer({ min: 0, max: 3 }).chain((scale) => {
        const decimal = fc.integer({ min: -60, max: 60 }).map((mantissa) => mantissa / 10 ** scale);
        const value = fc.oneof({ arbitrary: decimal, weight: 6 }, { arbitrary: anyDouble, weight: 1 });
        return fc.array(value, { minLength, maxLength });
      });
    const step = fc.oneof(
      values(30, 1).chain((values) =>
        fc.record({
          values: fc.constant(values),
          counts: fc.array(fc.oneof(fc.constant(0), fc.nat(150)), { minLength: values.length, maxLength: values.length }),
        }),
      ),
      fc.record({ batch: values(80) }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ step, drain: fc.boolean() }), { maxLength: 8 }), (steps) => {
        const oneByOne = new NumberColumn();
        const counted = new NumberColumn();
        const drained = new NumberColumn();
        const parts: NumberColumnState[] = [];
        let [expectedSkipped, skipped, drainedSkipped] = [0, 0, 0];
        for (const { step, drain } of steps) {
          const values = "batch" in step ? step.batch : step.values.flatMap((value, k) => Array(step.counts[k]).fill(value));
          for (const value of values) {
            if (Number.isFinite(value)) oneByOne.addNumber(value);
            else expectedSkipped++;
          }
          for (const column of [counted, drained]) {
            const missing =
              "batch" in step
                ? column.addNumbers(Float64Array.from(step.batch))
                : column.addCounted(Float64Array.from(step.values), Uint32Array.from(step.counts));
            if (column === counted) skipped += missing;
            else drainedSkipped += missing;
          }
          // Never more bytes than the values would take one by one, counted honestly.
          if (counted.storage !== "float64") expect(counted.byteLength).toBeLessThanOrEqual(8 * counted.count);
          if (drain) parts.push(drained.drain());
        }
        expect([skipped, drainedSkipped]).toEqual([expectedSkipped, expectedSkipped]);
        expect(counted.count).toBe(oneByOne.count);
        expect(counted.storage === "float64").toBe(oneByOne.storage === "float64");
        const sorted = [...oneByOne.sorted()].map((v) => v + 0);
        expect(sortedOf(counted.values())).toEqual(sorted);
        expect([...NumberColumn.merged([...parts, drained.state()]).sorted()].map((v) => v + 0)).toEqual(sorted);
        const arrays = stateArrays(counted.state());
        expect(counted.byteLength).toBe(arrays.reduce((total, array) => total + array.byteLength, 0));
        expect([...counted.sorted()].map((v) => v + 0)).toEqual(sorted);
      }),
      { numRuns: 300 },
    );
  });

  it("counts a dictionary's entries without holding values one by one: NaN and ±infinity missing, unused entries ignored", () => {
    const column = new NumberColumn();
    const values = Float64Array.of(1.5, 1.25, Number.NaN, Number.POSITIVE_INFINITY, 0.1 + 0.2, -0, 1, -1e300);
    const skipped = column.addCounted(values, Uint32Array.of(100, 40, 2, 1, 0, 50, 60, 0));
    expect(skipped).toBe(3);
    // Neither 0.1 + 0.2 nor -1e300 occurs: the column stays scaled integers, counted over 0…1.5 at 10^2.
    expect(column.storage).toBe("counts");
    expect(column.count).toBe(250);
    expect(column.byteLength).toBe(151 * 4);
    const sorted = column.sorted();
    expect([sorted[0], sorted[49], sorted[50], sorted[109], sorted[110], sorted[149], sorted[150]]).toEqual([
      0, 0, 1, 1, 1.25, 1.25, 1.5,
    ]);
    expect(Object.is(sorted[0], 0)).toBe(true);
  });

  it("spreads a tally over a finer scale while it stays no wider than its count, else moves its values to the chunks", () => {
    const column = new NumberColumn();
    column.addCounted(
      Float64Array.from({ length: 100 }, (_, k) => k / 10),
      new Uint32Array(100).fill(20),
    );
    expect([column.storage, column.byteLength]).toEqual(["counts", 100 * 4]);
    column.addCounted(Float64Array.of(0.25), Uint32Array.of(1));
    expect([column.storage, column.count, column.byteLength]).toEqual(["counts", 2001, 991 * 4]);
    column.addCounted(Float64Array.of(0.125, 7.3), Uint32Array.of(1, 1));
    // At 10^3 the tally would span 9 901 values for 2 003: its values are held one by one again, 4 bytes each.
    expect([column.storage, column.count, column.byteLength]).toEqual(["int32", 2003, 2003 * 4]);
    const expected = [...Array.from({ length: 100 }, (_, k) => Array(k === 73 ? 21 : 20).fill(k / 10)).flat(), 0.25, 0.125].sort(
      (a, b) => a - b,
    );
    expect([...column.sorted()]).toEqual(expected);
  });

  it("keeps a tally when later batches fall outside its range, and joins the two in one storage", () => {
    const column = new NumberColumn();
    column.addCounted(Float64Array.of(10, 11, 12), Uint32Array.of(5, 5, 5));
    expect(column.addNumbers(Float64Array.of(11, 12, 40, Number.NaN, 10, -3))).toBe(1);
    // 11, 12 and 10 counted, -3 too once the tally grew to -3…12 (no wider than its 20 values); 40 waits beside it.
    expect([column.storage, column.count, column.byteLength]).toEqual(["int32", 20, 16 * 4 + 4]);
    expect([...column.values()]).toEqual([-3, ...Array(6).fill(10), ...Array(6).fill(11), ...Array(6).fill(12), 40]);
    const state = column.drain();
    // 44 values apart for 20 values: too wide to count, so one by one.
    expect(state.storage).toBe("int32");
    expect(column.count).toBe(0);
    column.addCounted(Float64Array.of(2, 3), Uint32Array.of(30, 30));
    const merged = NumberColumn.merged([state, column.state()]);
    expect(merged.storage).toBe("counts");
    expect([...merged.sorted()]).toEqual([
      -3,
      ...Array(30).fill(2),
      ...Array(30).fill(3),
      ...Array(6).fill(10),
      ...Array(6).fill(11),
      ...Array(6).fill(12),
      40,
    ]);
  });

  it("turns to doubles for a counted value no scale fits, keeping −0 among them as a double does", () => {
    const column = new NumberColumn();
    column.addCounted(Float64Array.of(1, 2), Uint32Array.of(3, 3));
    expect(column.addCounted(Float64Array.of(0.1 + 0.2, -0, Number.NEGATIVE_INFINITY), Uint32Array.of(2, 1, 4))).toBe(4);
    expect(column.storage).toBe("float64");
    expect(column.byteLength).toBe(9 * 8);
    const sorted = [...column.sorted()];
    expect(sorted.map((v) => v + 0)).toEqual([0, 0.1 + 0.2, 0.1 + 0.2, 1, 1, 1, 2, 2, 2]);
    expect(Object.is(sorted[0], -0)).toBe(true);
    expect(column.addCounted(Float64Array.of(2 ** 40), Uint32Array.of(2))).toBe(0);
    expect(column.count).toBe(11);
  });

  it("stores short decimals read as doubles in 4 bytes, and turns to doubles for a value no scale up to 10^9 fits", () => {
    const column = new NumberColumn();
    expect(column.addNumbers(Float64Array.of(8.32, 0.99675, -3, Number.NaN, 12.5))).toBe(1);
    expect(column.storage).toBe("int32");
    expect(sortedOf(column.values())).toEqual([-3, 0.99675, 8.32, 12.5]);
    column.addNumber(0.1 + 0.2);
    expect(column.storage).toBe("float64");
    expect(sortedOf(column.values())).toEqual([-3, 0.1 + 0.2, 0.99675, 8.32, 12.5]);
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
