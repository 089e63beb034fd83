import { open } from "node:fs/promises";
import type { AsyncBuffer } from "hyparquet";
import type { CsvLimits } from "../csv/limits.js";
import type { NumberSpill } from "../csv/number-spill.js";
import type { CsvTable } from "../csv/table-builder.js";
import { readParquetTable } from "./read-parquet.js";

/** Where a Parquet file's bytes are: a local file (read by range), or all of them in memory. */
export type ParquetInput = { path: string } | { bytes: ArrayBuffer };

/**
 * Reads the table of a Parquet input (see readParquetTable). A local file is read through one descriptor, each
 * range (the footer, then each column chunk) with one read into its own buffer, and closed when reading ends.
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
    return readParquetTable(inMemory, name, limits, spill);
  }
  const handle = await open(input.path, "r");
  try {
    const { size } = await handle.stat();
    const file: AsyncBuffer = {
      byteLength: size,
      slice: async (start, end = size) => {
        const bytes = new Uint8Array(Math.max(0, end - start));
        for (let done = 0; done < bytes.length; ) {
          const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
          if (bytesRead === 0) throw new Error(`${name} ends at byte ${start + done}, before the range read`);
          done += bytesRead;
        }
        return bytes.buffer;
      },
    };
    return await readParquetTable(file, name, limits, spill);
  } finally {
    await handle.close();
  }
}
