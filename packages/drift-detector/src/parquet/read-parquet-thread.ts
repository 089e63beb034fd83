// Worker thread of readParquetTableOffThread: reads one Parquet file and posts back the table (number chunks
// transferred, not copied) or why it is not one; then compares the columns it is given, if any (column-tasks.ts).
import { parentPort, workerData } from "node:worker_threads";
import type { CsvLimits } from "../csv/limits.js";
import type { CsvTable } from "../csv/table-builder.js";
import { errorToOutcome, spillToMainThread, tableToMessage } from "../csv/table-transfer.js";
import { answerColumnTasks } from "../drift/column-tasks.js";
import { type ParquetInput, readParquetInput } from "./parquet-input.js";

const port = parentPort as NonNullable<typeof parentPort>;
const job = workerData as {
  input: ParquetInput | undefined;
  name: string;
  limits: CsvLimits;
  spillThresholdBytes: number | undefined;
};

/**
 * The file read once: its bytes (a file held in memory) are no longer referenced from here when the reading ends, so
 * they do not stay through the comparison this thread goes on to.
 */
function readOnce(): Promise<CsvTable> {
  const input = job.input as ParquetInput;
  job.input = undefined;
  return readParquetInput(input, job.name, job.limits, spillToMainThread(port, job.spillThresholdBytes));
}

readOnce().then(
  (table) => {
    const { message, transfer } = tableToMessage(table);
    port.postMessage({ type: "table", table: message }, transfer);
    answerColumnTasks(port);
  },
  (error: unknown) => port.postMessage(errorToOutcome(error)),
);
