import { SNAPPY_WASM_BASE64 } from "./snappy-wasm.js";

/** Decompresses one page: the result is valid only until the next call (see `snappyDecompressor`). */
export type PageDecompressor = (input: Uint8Array, outputLength: number) => Uint8Array;

/** The parts of Node's WebAssembly used here (the project's TypeScript libraries do not declare it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

/** What snappy.c's module exports: its memory, its one function, and where its stack ends. */
interface SnappyExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  snappy_uncompress(input: number, inputLength: number, output: number, outputLength: number): number;
  __heap_base: { value: number };
}

/** Bytes past each region's end that snappy.c's word-wide copies may touch (16 at most; kept wide). */
const SLACK = 64;
const WASM_PAGE = 64 * 1024;
/** No snappy stream expands more than 64 bytes (one copy element) per 3 bytes (its tag and offset). */
const MAX_EXPANSION = 64 / 3;

/** What each of snappy.c's error codes means. */
const FAULTS: Record<number, string> = {
  1: "its length preamble is truncated, longer than 5 bytes or past 32 bits",
  2: "its length preamble disagrees with the page header's uncompressed size",
  3: "an element runs past the end of the compressed page",
  4: "a copy reaches before the start of the page (or has offset 0)",
  5: "an element writes past the page's uncompressed size",
  6: "it ends before the page's uncompressed size is reached",
};

/**
 * A snappy decompressor (native/snappy/snappy.c, built to WebAssembly) for the pages of one file. Each page is
 * decompressed into the same region at the start of the module's memory, grown only for a larger page, and
 * answered as a view of that region: no buffer per page, no copy out. So the view holds the page only until the
 * next call; a value kept longer (a dictionary) must be copied. The compressed bytes are copied in just after the
 * output region. A page whose header claims more than its compressed bytes can hold is refused before any memory
 * is grown, which bounds memory by the compressed page, itself within the column chunk and the file.
 */
export function snappyDecompressor(): PageDecompressor {
  const bytes = Buffer.from(SNAPPY_WASM_BASE64, "base64");
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as SnappyExports;
  const { memory, snappy_uncompress: uncompress } = exports;
  // Past the decoder's stack; 16-aligned, so PLAIN doubles at an aligned page offset can be viewed in place.
  const outputAt = alignUp(exports.__heap_base.value, 16);
  return (input, outputLength) => {
    if (!(outputLength >= 0 && outputLength <= input.length * MAX_EXPANSION)) {
      throw new Error(
        `a snappy page of ${input.length} bytes cannot hold the ${outputLength} bytes its header says (at most 64 per 3 compressed bytes)`,
      );
    }
    const inputAt = alignUp(outputAt + outputLength + SLACK, 16);
    const end = inputAt + input.length + SLACK;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / WASM_PAGE));
    // Views are taken after growing: growth detaches the buffer the old ones were over.
    new Uint8Array(memory.buffer, inputAt, input.length).set(input);
    const fault = uncompress(inputAt, input.length, outputAt, outputLength);
    if (fault !== 0) throw new Error(`corrupt snappy page: ${FAULTS[fault] ?? `fault ${fault}`}`);
    return new Uint8Array(memory.buffer, outputAt, outputLength);
  };
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
