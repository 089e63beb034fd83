import type { AsyncBuffer } from "hyparquet";
import { asyncBufferFromFile } from "hyparquet";

/** Where a Parquet file's bytes are: a local file (read by range), or all of them in memory. */
export type ParquetInput = { path: string } | { bytes: ArrayBuffer };

/** Random access to the file, as the Parquet reader needs it (the footer first, then each column chunk). */
export function openParquetInput(input: ParquetInput): Promise<AsyncBuffer> {
  if ("path" in input) return asyncBufferFromFile(input.path);
  const { bytes } = input;
  return Promise.resolve({ byteLength: bytes.byteLength, slice: (start, end) => bytes.slice(start, end) });
}
