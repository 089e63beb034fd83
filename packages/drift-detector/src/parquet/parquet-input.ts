import { open } from "node:fs/promises";
import type { AsyncBuffer } from "hyparquet";
import type { CsvLimits } from "../csv/limits.js";
import type { NumberSpill } from "../csv/number-spill.js";
import type { CsvTable } from "../csv/table-builder.js";
import { type ChunkReader, readParquetTable } from "./read-parquet.js";

/** Where a Parquet file's bytes are: a local file (read by range), or all of them in memory. */
export type ParquetInput = { path: string } | { bytes: ArrayBuffer };

/**
 * Reads the table of a Parquet input (see readParquetTable). A local file is read through one descriptor, each
 * range (the footer, then each column chunk) with one read, and closed when reading ends; column chunks go into two
 * buffers taking turns, grown to the largest chunk, rather than a new buffer each (~60 MB of them for a 1 M-row file,
 * each to be zeroed, faulted in and collected). A file held in memory is decoded where it is.
 */
export async function readParquetInput(
  input: ParquetInput,
  name: string,
  limits: CsvLimits,
  spill?: NumberSpill,
): Promise<CsvTable> {
  if ("bytes" in input) {
    const { bytes } = input;
    const inMemory: AsyncBuffer = { byteLength: bytes.byteLength, slice: (start, end) => bytes.slice(start, end) };
    return readParquetTable(inMemory, name, limits, spill, async (start, end) => new Uint8Array(bytes, start, end - start));
  }
  const handle = await open(input.path, "r");
  try {
    const { size } = await handle.stat();
    const readRange = async (target: Uint8Array, start: number) => {
      for (let done = 0; done < target.length; ) {
        const { bytesRead } = await handle.read(target, done, target.length - done, start + done);
        if (bytesRead === 0) throw new Error(`${name} ends at byte ${start + done}, before the range read`);
        done += bytesRead;
      }
      return target;
    };
    const file: AsyncBuffer = {
      byteLength: size,
      slice: async (start, end = size) =>
        (await readRange(new Uint8Array(Math.max(0, end - start)), start)).buffer as ArrayBuffer,
    };
    const turns = [new Uint8Array(0), new Uint8Array(0)];
    const readChunk: ChunkReader = (start, end, slot) => {
      if ((turns[slot] as Uint8Array).length < end - start) turns[slot] = new Uint8Array(end - start);
      return readRange((turns[slot] as Uint8Array).subarray(0, end - start), start);
    };
    return await readParquetTable(file, name, limits, spill, readChunk);
  } finally {
    await handle.close();
  }
}
