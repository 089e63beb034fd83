import { describe, expect, it } from "vitest";
import { INTEGER_CARDINALITY_LIMIT, inferColumnType } from "./column-type.js";
import type { SortedColumn } from "./sorted-column.js";

function numbers(values: number[], { integerOnly = true, missing = 0 } = {}): SortedColumn {
  return { kind: "numbers", values: Float64Array.from(values).sort(), integerOnly, missing };
}

function labels(entries: Record<string, number>, missing = 0): SortedColumn {
  return { kind: "labels", counts: new Map(Object.entries(entries)), missing };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("inferColumnType (Evidently's infer_column_type on what pandas.read_csv would give)", () => {
  it("makes integer columns with at most 10 distinct values (both files together) categorical", () => {
    expect(INTEGER_CARDINALITY_LIMIT).toBe(10);
    expect(inferColumnType(numbers(range(5)), numbers(range(10)))).toEqual({ type: "categorical" });
    expect(inferColumnType(numbers(range(5)), numbers(range(11)))).toEqual({ type: "numerical" });
  });

  it("makes decimal columns numerical, however few their values", () => {
    expect(inferColumnType(numbers([1, 2], { integerOnly: false }), numbers([1, 2]))).toEqual({ type: "numerical" });
  });

  it("makes an integer column with a missing cell numerical, as pandas reads it as float64", () => {
    expect(inferColumnType(numbers([1, 2, 3]), numbers([1, 2], { missing: 1 }))).toEqual({ type: "numerical" });
  });

  it("makes text categorical, unless more than half of its values are distinct (free text, untested)", () => {
    expect(inferColumnType(labels({ a: 3, b: 1 }), labels({ a: 2, b: 2 }))).toEqual({ type: "categorical" });
    expect(inferColumnType(labels({ a: 1, b: 1 }), labels({ c: 1, d: 1 }))).toMatchObject({
      untestable: expect.stringMatching(/^free text: 4 distinct values among 4/),
    });
  });

  it("makes a column numeric in one file and text in the other categorical", () => {
    expect(inferColumnType(numbers([1, 1, 2, 2]), labels({ 1: 2, x: 2 }))).toEqual({ type: "categorical" });
  });
});
