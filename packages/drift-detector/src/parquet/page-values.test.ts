// Dictionary indices counted per entry, checked against a direct tally of the indices encoded: every bit width up to
// 32, runs and bit-packed groups, pages whose last values sit in their last bytes (where a 32-bit read would run past
// the end). The encoder is written here, bit by bit with BigInt, as the format describes it: hyparquet-writer's and
// hyparquet's own hybrid coders overflow 32-bit shifts at widths from 25 or 26 bits up.
import type { DataReader } from "hyparquet";
import { describe, expect, it } from "vitest";
import { countDictionaryIndices } from "./page-values.js";

/**
 * A page of dictionary indices: the bit width byte, then the RLE/bit-packed hybrid (8 or more equal indices as a run,
 * the others in bit-packed groups of 8, the last group padded with zeros), then `padding` bytes of 0xff.
 */
function indexPage(indices: readonly number[], bitWidth: number, padding = 0): DataReader {
  const bytes: number[] = [bitWidth];
  const varint = (value: number) => {
    for (; value >= 0x80; value = Math.floor(value / 128)) bytes.push((value % 128) | 0x80);
    bytes.push(value);
  };
  let i = 0;
  while (i < indices.length) {
    let run = 1;
    while (i + run < indices.length && indices[i + run] === indices[i]) run++;
    if (run >= 8) {
      varint(run * 2);
      for (let b = 0; b < Math.ceil(bitWidth / 8); b++) bytes.push(Math.floor((indices[i] as number) / 2 ** (8 * b)) % 256);
      i += run;
      continue;
    }
    let groups = 1;
    // Groups of 8 up to the next run of 8 equal indices (or the end).
    for (let j = i + 8; j < indices.length; j += 8, groups++) {
      if (indices.slice(j, j + 8).every((index) => index === indices[j]) && indices.length - j >= 8) break;
    }
    varint(groups * 2 + 1);
    let bits = 0n;
    for (let k = 0; k < groups * 8; k++) bits |= BigInt(indices[i + k] ?? 0) << BigInt(k * bitWidth);
    for (let b = 0; b < groups * bitWidth; b++) bytes.push(Number((bits >> BigInt(8 * b)) & 0xffn));
    i += groups * 8;
  }
  for (let k = 0; k < padding; k++) bytes.push(0xff);
  return { view: new DataView(Uint8Array.from(bytes).buffer), offset: 0 };
}

/** A little deterministic generator (mulberry32), so a failure names its case. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe("countDictionaryIndices", () => {
  it.each(Array.from({ length: 32 }, (_, k) => k + 1))("counts every index, at bit width %i", (bitWidth) => {
    const next = random(bitWidth);
    // Indices below the dictionary's size, whatever the width the writer chose: wide widths stay testable.
    const size = Math.min(2 ** bitWidth, 5000);
    for (const length of [1, 7, 8, 9, 63, 500, 4099]) {
      // Bit-packed stretches broken by runs of one entry, so both kinds of run end the page.
      const indices = Array.from({ length }, (_, i) => (i % 50 >= 40 ? 3 % size : Math.floor(next() * size)));
      const page = indexPage(indices, bitWidth);
      const counts = new Uint32Array(size);
      countDictionaryIndices(page, length, counts);
      const expected = new Uint32Array(size);
      for (const index of indices) expected[index]!++;
      expect(counts).toEqual(expected);
      expect(page.offset).toBe(page.view.byteLength);
    }
  });

  it("refuses an index outside the dictionary, in a bit-packed group and in a run", () => {
    expect(() => countDictionaryIndices(indexPage([0, 1, 2, 9, 1, 0, 1, 2], 4), 8, new Uint32Array(9))).toThrow(
      "dictionary index 9 outside a dictionary of 9",
    );
    expect(() => countDictionaryIndices(indexPage(Array(20).fill(12), 4), 20, new Uint32Array(9))).toThrow(
      "dictionary index 12 outside a dictionary of 9",
    );
  });

  it("refuses indices that end before the page's count, and ignores bytes after them", () => {
    expect(() => countDictionaryIndices(indexPage([1, 2, 3, 4, 5, 6, 7, 0], 3), 9, new Uint32Array(8))).toThrow(
      "the dictionary indices end after 8 of 9 values",
    );
    const counts = new Uint32Array(8);
    countDictionaryIndices(indexPage([1, 2, 3, 4, 5, 6, 7, 0, 5], 3, 5), 9, counts);
    expect([...counts]).toEqual([1, 1, 1, 1, 1, 2, 1, 1]);
  });
});
