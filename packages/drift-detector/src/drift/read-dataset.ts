import { CsvLimitError, type CsvLimits } from "../csv/limits.js";
import type { CsvTable } from "../csv/read-csv.js";
import { readCsvTableOffThread } from "../csv/read-csv-off-thread.js";
import type { ParquetInput } from "../parquet/parquet-input.js";
import { isParquet } from "../parquet/read-parquet.js";
import { readParquetTableOffThread } from "../parquet/read-parquet-off-thread.js";

/** A named dataset, CSV or Parquet (told apart by its first bytes): a file, an S3 object. Errors and results use the name. */
export interface DatasetSource {
  name: string;
  stream: AsyncIterable<Uint8Array | string>;
  /** The local file the stream reads, when there is one: a Parquet file is then read in place, by range. */
  path?: string;
}

/** Where a run may write files of its own (a Parquet object to read by range). */
export interface ScratchSpace {
  /** Writes the stream to a new file of the scratch space; resolves with its path. */
  spool(stream: AsyncIterable<Uint8Array>, name: string): Promise<string>;
  /** Removes every file the space holds; the run calls it when it ends, whether it succeeded or failed. */
  dispose(): Promise<void>;
}

/**
 * Reads one dataset into columns. A Parquet file needs random access: read in place when it is a local file, else
 * first written to the scratch space, or with none, held in memory.
 */
export async function readDataset(
  source: DatasetSource,
  limits: CsvLimits,
  scratch: ScratchSpace | undefined,
  signal: AbortSignal,
): Promise<CsvTable> {
  const { head, stream } = await withHead(source.stream);
  if (!isParquet(head)) return readCsvTableOffThread(stream, source.name, limits, signal);
  let input: ParquetInput;
  if (source.path !== undefined) {
    await stream[Symbol.asyncIterator]().return?.();
    input = { path: source.path };
  } else if (scratch) {
    input = { path: await scratch.spool(bytesOf(stream), source.name) };
  } else {
    input = { bytes: await allBytes(stream, source.name, limits) };
  }
  return readParquetTableOffThread(input, source.name, limits, signal);
}

/** The first bytes of a stream (at least 4 unless it is shorter), and a stream that still yields everything. */
async function withHead(
  source: AsyncIterable<Uint8Array | string>,
): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array | string> }> {
  const iterator = source[Symbol.asyncIterator]();
  const read: Array<Uint8Array | string> = [];
  let length = 0;
  let done = false;
  while (length < 4) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    read.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(read.map((chunk) => (typeof chunk === "string" ? Buffer.from(chunk) : chunk))).subarray(0, 4);
  const stream = {
    async *[Symbol.asyncIterator]() {
      try {
        yield* read;
        if (done) return;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        await iterator.return?.();
      }
    },
  };
  return { head, stream };
}

async function* bytesOf(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}

async function allBytes(stream: AsyncIterable<Uint8Array | string>, name: string, limits: CsvLimits): Promise<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of bytesOf(stream)) {
    length += chunk.length;
    if (length > limits.fileBytes.value) throw new CsvLimitError(name, "fileBytes", limits.fileBytes, "file too large");
    chunks.push(chunk);
  }
  const all = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all.buffer;
}
