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

  it("appends blocks of values across chunk boundaries in the order and chunk sizes of pushing them one by one", () => {
    const blocks = [5, 0, 11, 40, 1, 300, 70_000, 2_000_000].map((length, block) =>
      Int32Array.from({ length }, (_, i) => block * 10_000_000 + i),
    );
    const byBlock = new ChunkList((length) => new Int32Array(length));
    const byValue = new ChunkList((length) => new Int32Array(length));
    for (const block of blocks) {
      byBlock.pushAll(block);
      for (const value of block) byValue.push(value);
    }
    expect(byBlock.length).toBe(byValue.length);
    expect([...byBlock.chunks()].map((chunk) => chunk.length)).toEqual([...byValue.chunks()].map((chunk) => chunk.length));
    const [fromBlocks, fromValues] = [Int32Array.from(byBlock.values()), Int32Array.from(byValue.values())];
    expect(fromBlocks.every((value, i) => value === fromValues[i])).toBe(true);
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
