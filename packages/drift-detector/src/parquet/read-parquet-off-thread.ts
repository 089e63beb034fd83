import { Worker } from "node:worker_threads";
import type { CsvLimits } from "../csv/limits.js";
import type { NumberSpill } from "../csv/number-spill.js";
import type { CsvTable } from "../csv/table-builder.js";
import { errorFromOutcome, type ReadOutcome, type SpillMessage, tableFromMessage } from "../csv/table-transfer.js";
import { WORKER_RESOURCE_LIMITS } from "../csv/worker-heap.js";
import type { ParquetInput } from "./parquet-input.js";

const THREAD_SCRIPT = new URL("./read-parquet-thread.js", import.meta.url);

/**
 * readParquetTable on a worker thread, so two files decode on two cores at once; in-memory bytes are transferred
 * to it. From TypeScript sources (the tests) the file is read on this thread. `signal` stops the reading early.
 */
export async function readParquetTableOffThread(
  input: ParquetInput,
  name: string,
  limits: CsvLimits,
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
  const worker = new Worker(THREAD_SCRIPT, { workerData, transferList: transfer, resourceLimits: WORKER_RESOURCE_LIMITS });
  try {
    return await new Promise<CsvTable>((resolve, reject) => {
      worker.on("message", (outcome: ReadOutcome | SpillMessage) => {
        if (outcome.type === "spill") {
          try {
            spill?.take(outcome.parts);
          } catch (error) {
            reject(error);
          }
        } else if (outcome.type === "table") resolve(tableFromMessage(outcome.table));
        else reject(errorFromOutcome(outcome));
      });
      worker.on("error", reject);
      worker.on("exit", (code) => reject(new Error(`the thread reading ${name} stopped (exit code ${code})`)));
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  } finally {
    await worker.terminate();
  }
}
