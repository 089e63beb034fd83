import type { CsvLimits } from "../csv/limits.js";
import type { NumberSpill } from "../csv/number-spill.js";
import type { CsvTable } from "../csv/table-builder.js";
import { readOnThread } from "../threads/read-on-thread.js";
import type { ThreadGroup } from "../threads/thread-group.js";
import type { ParquetInput } from "./parquet-input.js";

const THREAD_SCRIPT = new URL("./read-parquet-thread.js", import.meta.url);

/**
 * readParquetTable on a worker thread, so two files decode on two cores at once; in-memory bytes are transferred
 * to it. From TypeScript sources (the tests) the file is read on this thread. The thread is one of `threads`:
 * released to it once the table is handed over (to compare columns on), stopped if the reading fails. `signal` stops
 * the reading early.
 */
export async function readParquetTableOffThread(
  input: ParquetInput,
  name: string,
  limits: CsvLimits,
  threads: ThreadGroup,
  signal?: AbortSignal,
  spill?: NumberSpill,
): Promise<CsvTable> {
  if (!import.meta.url.endsWith(".js")) {
    // Loaded only here: the thread that runs the service or the CLI does not decode Parquet itself.
    const { readParquetInput } = await import("./parquet-input.js");
    return readParquetInput(input, name, limits, spill);
  }
  const transfer = "bytes" in input ? [input.bytes] : [];
  const workerData = { input, name, limits, spillThresholdBytes: spill?.thresholdBytes };
  return readOnThread(threads, THREAD_SCRIPT, { workerData, transferList: transfer }, { name, spill, signal });
}
