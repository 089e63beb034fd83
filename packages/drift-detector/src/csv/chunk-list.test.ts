import { describe, expect, it } from "vitest";
import { ChunkList } from "./chunk-list.js";

describe("ChunkList", () => {
  it("keeps every value in order across growing chunks, small at first", () => {
    const list = new ChunkList((length) => new Float64Array(length));
    const count = 3_000_000;
    for (let i = 0; i < count; i++) list.push(i * 0.5);
    expect(list.length).toBe(count);
    const lengths = [...list.chunks()].map((chunk) => chunk.length);
    expect(lengths.slice(0, 3)).toEqual([16, 32, 64]);
    expect(Math.max(...lengths)).toBe(1 << 20);
    let expected = 0;
    let wrong = 0;
    for (const value of list.values()) {
      if (value !== expected * 0.5) wrong++;
      expected++;
    }
    expect(wrong).toBe(0);
    expect(expected).toBe(count);
  });

  it("continues after chunks handed over from another thread", () => {
    const list = new ChunkList((length) => new Int32Array(length), [Int32Array.of(1, 2, 3), Int32Array.of(4)]);
    list.push(5);
    expect(list.length).toBe(5);
    expect([...list.values()]).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("ChunkList memory", () => {
  it("allocates nothing until the first value, then a small chunk", () => {
    const lengths: number[] = [];
    const list = new ChunkList((length) => {
      lengths.push(length);
      return new Int32Array(length);
    });
    expect(lengths).toEqual([]);
    expect([...list.chunks()]).toEqual([]);
    list.push(7);
    list.push(8);
    expect(lengths).toEqual([16]);
    expect([...list.values()]).toEqual([7, 8]);
  });
});
