import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../test/support/seeded-random.mjs";
import { snappyDecompressor } from "./snappy.js";
import { SNAPPY_SOURCE_SHA256, SNAPPY_WASM_BASE64, SNAPPY_WASM_SHA256 } from "./snappy-wasm.js";

const sha256 = (...parts: Uint8Array[]) => parts.reduce((hash, part) => hash.update(part), createHash("sha256")).digest("hex");
const nativeSource = (file: string) => readFileSync(new URL(`../../native/snappy/${file}`, import.meta.url));

/**
 * A raw snappy stream written element by element, with the bytes it stands for worked out byte by byte as the
 * format describes them: an independent reference for the elements a compressor rarely writes.
 */
class SnappyStream {
  private readonly elements: number[] = [];
  readonly expected: number[] = [];

  literal(bytes: ArrayLike<number>, lengthBytes = 0): this {
    const length = bytes.length - 1;
    if (lengthBytes === 0 && length >= 60) throw new Error(`a literal of ${bytes.length} bytes needs length bytes`);
    if (lengthBytes === 0) this.elements.push(length << 2);
    else {
      this.elements.push((59 + lengthBytes) << 2);
      for (let k = 0; k < lengthBytes; k++) this.elements.push((length >>> (8 * k)) & 0xff);
    }
    for (let k = 0; k < bytes.length; k++) this.elements.push(bytes[k] as number);
    this.expected.push(...Array.from(bytes));
    return this;
  }

  /** A copy with a 1-, 2- or 4-byte offset (kinds 1, 2, 3). */
  copy(offset: number, length: number, kind: 1 | 2 | 3): this {
    const fits = kind === 1 ? length >= 4 && length <= 11 && offset < 2048 : length >= 1 && length <= 64;
    if (!fits) throw new Error(`a copy of ${length} bytes from ${offset} back cannot be written with kind ${kind}`);
    if (kind === 1) this.elements.push(((offset >> 8) << 5) | ((length - 4) << 2) | 1, offset & 0xff);
    else {
      this.elements.push(((length - 1) << 2) | kind);
      for (let k = 0; k < (kind === 2 ? 2 : 4); k++) this.elements.push((offset >>> (8 * k)) & 0xff);
    }
    const from = this.expected.length - offset;
    for (let k = 0; k < length; k++) this.expected.push(this.expected[from + k] as number);
    return this;
  }

  /** The stream: a varint preamble (the expected length unless `length` says otherwise), then the elements. */
  bytes(length = this.expected.length): Uint8Array {
    return Uint8Array.from([...varint(length), ...this.elements]);
  }
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  for (let rest = value; ; rest = Math.floor(rest / 128)) {
    if (rest < 128) return [...bytes, rest];
    bytes.push((rest % 128) | 0x80);
  }
}

function randomBytes(length: number, seed: number): Uint8Array {
  const random = mulberry32(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/** Text-like bytes: words from a small vocabulary, so the compressor writes short literals and copies at every offset. */
function wordBytes(length: number, seed: number): Uint8Array {
  const random = mulberry32(seed);
  const words = ["drift", "wine", "acidity", "0.27", "sulphates", "12.5", ",", "\n", "quality", "pH"];
  const text: string[] = [];
  for (let size = 0; size < length; ) {
    const word = words[Math.floor(random() * words.length)] as string;
    text.push(word);
    size += word.length;
  }
  return new TextEncoder().encode(text.join("")).subarray(0, length);
}

const decompress = snappyDecompressor();
const roundTrip = (bytes: Uint8Array) => Uint8Array.from(decompress(snappyCompress(bytes), bytes.length));

describe("our snappy decompressor", () => {
  it("is built from the committed sources: a source edit without a rebuild (native/snappy/build.sh) fails here", () => {
    expect(sha256(nativeSource("snappy.c"), nativeSource("build.sh"))).toBe(SNAPPY_SOURCE_SHA256);
    expect(sha256(Buffer.from(SNAPPY_WASM_BASE64, "base64"))).toBe(SNAPPY_WASM_SHA256);
  });

  it("gives back what an independent compressor compressed: random bytes, words, runs and patterns of every size", () => {
    const sizes = [0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 60, 61, 64, 65, 255, 256, 4095, 65_535, 65_536, 65_537, 300_001];
    for (const [index, size] of sizes.entries()) {
      expect(roundTrip(randomBytes(size, index))).toEqual(randomBytes(size, index));
      expect(roundTrip(wordBytes(size, index))).toEqual(wordBytes(size, index));
      expect(roundTrip(new Uint8Array(size).fill(7))).toEqual(new Uint8Array(size).fill(7));
    }
    // Repeats of every period from 1 to 70 bytes: copies overlapping what they write (offset < length), short and long.
    for (let period = 1; period <= 70; period++) {
      const pattern = randomBytes(period, 1000 + period);
      const bytes = Uint8Array.from({ length: 5000 + period }, (_, k) => pattern[k % period] as number);
      expect(roundTrip(bytes)).toEqual(bytes);
    }
  });

  it("gives back any bytes an independent compressor compressed (property)", () => {
    const pieces = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 2000 }))
        .map(([byte, n]) => new Uint8Array(n).fill(byte)),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        const bytes = Uint8Array.from(parts.flatMap((part) => Array.from(part)));
        expect(roundTrip(bytes)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes every element kind: literals with 0 to 4 length bytes, copies with 1-, 2- and 4-byte offsets", () => {
    const stream = new SnappyStream()
      .literal(randomBytes(60, 1))
      .literal(randomBytes(61, 2), 1)
      .literal(randomBytes(300, 3), 2)
      .literal(randomBytes(70_000, 4), 3)
      .literal(randomBytes(17, 5), 4)
      .copy(1, 64, 2)
      .copy(2047, 11, 1)
      .copy(7, 4, 1)
      .copy(3, 64, 3)
      .copy(65_600, 64, 3)
      .copy(70_100, 40, 3)
      .copy(16, 16, 2)
      .copy(9, 16, 2)
      .copy(40_000, 33, 2);
    expect(Array.from(decompress(stream.bytes(), stream.expected.length))).toEqual(stream.expected);
  });

  it("decompresses every page into the same reused memory, growing it for a larger page (earlier views then detach)", () => {
    const pages = snappyDecompressor();
    const small = pages(snappyCompress(wordBytes(1000, 1)), 1000);
    const firstMemory = small.buffer;
    const again = pages(snappyCompress(wordBytes(2000, 2)), 2000);
    expect(again.buffer).toBe(firstMemory);
    expect(again.byteOffset).toBe(small.byteOffset);
    expect(small.byteOffset % 16).toBe(0);
    // Larger than the module's memory so far: it grows, and the views of before see nothing any more.
    const stream = new SnappyStream().literal(randomBytes(60, 3));
    while (stream.expected.length <= firstMemory.byteLength + 3_000_000) stream.copy(60, 64, 2);
    const large = pages(stream.bytes(), stream.expected.length);
    expect(large.buffer).not.toBe(firstMemory);
    expect(Buffer.from(large).equals(Buffer.from(stream.expected))).toBe(true);
    expect(small.length).toBe(0);
  });

  const corrupt = (stream: Uint8Array, length: number) => () => decompress(stream, length);
  const valid = new SnappyStream().literal([1, 2, 3, 4, 5, 6, 7, 8, 9]).copy(9, 11, 1).copy(3, 40, 2);
  const length = valid.expected.length;

  it.each([
    ["a preamble cut short", Uint8Array.of(0x80), 0, /length preamble is truncated/],
    ["an empty page", new Uint8Array(0), 0, /length preamble is truncated/],
    ["a preamble varint of 6 bytes", Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), 0, /longer than 5 bytes/],
    ["a preamble past 32 bits", Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f), 0, /longer than 5 bytes/],
    ["a preamble disagreeing with the page header", valid.bytes(length - 1), length, /disagrees with the page header/],
    ["a copy of offset 0", new SnappyStream().literal([1, 2, 3, 4]).copy(0, 4, 1).bytes(8), 8, /offset 0/],
    ["a copy from before the start", new SnappyStream().literal([1, 2, 3, 4]).copy(5, 4, 2).bytes(8), 8, /before the start/],
    [
      "a copy from before the start (4-byte offset)",
      new SnappyStream()
        .literal([1])
        .copy(2 ** 31, 4, 3)
        .bytes(5),
      5,
      /before the start/,
    ],
    ["a literal past the output's end", new SnappyStream().literal([1, 2, 3]).bytes(2), 2, /writes past/],
    ["a copy past the output's end", valid.bytes(length - 1), length - 1, /writes past/],
    ["a literal past the input's end", valid.bytes().subarray(0, 5), length, /runs past the end of the compressed page/],
    ["a 4-byte literal length wrapping to 0", Uint8Array.of(4, 63 << 2, 0xff, 0xff, 0xff, 0xff), 4, /runs past the end/],
    ["a copy's offset cut off", Uint8Array.of(8, 0, 9, 0b10), 8, /runs past the end of the compressed page/],
    ["input ending before the output is full", valid.bytes(length + 5), length + 5, /ends before/],
  ])("refuses %s", (_, stream, size, message) => {
    expect(corrupt(stream, size)).toThrow(/^corrupt snappy page: /);
    expect(corrupt(stream, size)).toThrow(message);
  });

  it("refuses every truncation of a valid page", () => {
    const stream = valid.bytes();
    // The shortest are refused before decoding, as they cannot hold the page's length at all.
    for (let cut = 0; cut < stream.length; cut++) {
      expect(corrupt(stream.subarray(0, cut), length)).toThrow(/^corrupt snappy page: |^a snappy page of \d+ bytes cannot hold/);
    }
  });

  it("refuses a page header claiming more than the compressed bytes can hold, before growing its memory", () => {
    const pages = snappyDecompressor();
    const memory = pages(Uint8Array.of(0), 0).buffer;
    expect(() => pages(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x08), 2 ** 31)).toThrow(
      /a snappy page of 5 bytes cannot hold the 2147483648 bytes its header says/,
    );
    expect(() => pages(Uint8Array.of(0), -1)).toThrow(/cannot hold the -1 bytes/);
    expect(pages(Uint8Array.of(0), 0).buffer).toBe(memory);
  });

  it("ends any damaged page with an error or its bytes, writing nothing outside its output and input (property)", () => {
    const source = wordBytes(20_000, 9);
    const compressed = snappyCompress(source);
    const pages = snappyDecompressor();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(compressed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (edits) => {
          const damaged = Uint8Array.from(compressed);
          for (const [at, byte] of edits) damaged[at] = byte;
          // Every byte of memory past the page's output (and its 64 bytes of slack) and its input's slack is marked.
          const output = pages(compressed, source.length);
          const memory = new Uint8Array(output.buffer);
          const outputEnd = output.byteOffset + source.length + 64;
          const inputAt = Math.ceil(outputEnd / 16) * 16;
          memory.fill(0xa5, outputEnd, inputAt);
          memory.fill(0xa5, inputAt + damaged.length + 64);
          try {
            expect(pages(damaged, source.length).length).toBe(source.length);
          } catch (error) {
            expect((error as Error).message).toMatch(/^corrupt snappy page: /);
          }
          expect(memory.subarray(outputEnd, inputAt).every((byte) => byte === 0xa5)).toBe(true);
          expect(memory.subarray(inputAt + damaged.length + 64).every((byte) => byte === 0xa5)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
