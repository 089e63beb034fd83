import { CsvLimitError, type CsvLimits } from "../csv/limits.js";
import type { NumberColumnState } from "../csv/number-column.js";
import type { NumberSpill } from "../csv/number-spill.js";
import { readCsvTableOffThread } from "../csv/read-csv-off-thread.js";
import type { CsvTable } from "../csv/table-builder.js";
import { isParquet } from "../parquet/magic.js";
import type { ParquetInput } from "../parquet/parquet-input.js";
import { readParquetTableOffThread } from "../parquet/read-parquet-off-thread.js";
import type { ThreadGroup } from "../threads/thread-group.js";
import type { CollectGarbage } from "./collect-garbage.js";

/** A named dataset, CSV or Parquet (told apart by its first bytes): a file, an S3 object. Errors and results use the name. */
export interface DatasetSource {
  name: string;
  stream: AsyncIterable<Uint8Array | string>;
  /** The local file the stream reads, when there is one: a Parquet file is then read in place, by range. */
  path?: string;
}

/** Which file of the pair a dataset is. */
export type DatasetSide = "reference" | "current";

/** Where a run may write files of its own: a Parquet object to read by range, numbers spilled past the budget. */
export interface ScratchSpace {
  /** Writes the stream to a new file of the scratch space; resolves with its path. */
  spool(stream: AsyncIterable<Uint8Array>, name: string): Promise<string>;
  /** Appends part of one column's numbers to that column's file (binary, as stored). */
  appendNumbers(side: DatasetSide, column: string, part: NumberColumnState): void;
  /** Whether any part of a column was appended. */
  holdsNumbers(side: DatasetSide, column: string): boolean;
  /** The parts appended for a column, in order, each read as the iteration reaches it (none when it never spilled). */
  readNumbers(side: DatasetSide, column: string): Iterable<NumberColumnState>;
  /** Removes every file the space holds; the run calls it when it ends, whether it succeeded or failed. */
  dispose(): Promise<void>;
}

/**
 * Reads one dataset into columns. A Parquet file needs random access: read in place when it is a local file, else
 * first written to the scratch space, or with none, held in memory. With a scratch space, the numbers read are
 * written to it whenever those held pass `spillThresholdBytes`, so the file's size does not bound memory; the garbage
 * they leave is collected after each batch. The reading thread is started in `threads`.
 */
export async function readDataset(
  source: DatasetSource,
  side: DatasetSide,
  limits: CsvLimits,
  memory: { scratch: ScratchSpace | undefined; spillThresholdBytes: number; collectGarbage: CollectGarbage },
  threads: ThreadGroup,
  signal: AbortSignal,
): Promise<CsvTable> {
  const { scratch, collectGarbage } = memory;
  const spill: NumberSpill | undefined = scratch && {
    thresholdBytes: memory.spillThresholdBytes,
    take: (parts) => {
      for (const part of parts) scratch.appendNumbers(side, part.column, part.state);
      collectGarbage();
    },
  };
  const { head, stream } = await withHead(source.stream);
  if (!isParquet(head)) return readCsvTableOffThread(stream, source.name, limits, threads, signal, spill);
  let input: ParquetInput;
  if (source.path !== undefined) {
    await stream[Symbol.asyncIterator]().return?.();
    input = { path: source.path };
  } else if (scratch) {
    input = { path: await scratch.spool(bytesOf(stream), source.name) };
  } else {
    input = { bytes: await allBytes(stream, source.name, limits) };
  }
  return readParquetTableOffThread(input, source.name, limits, threads, signal, spill);
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
