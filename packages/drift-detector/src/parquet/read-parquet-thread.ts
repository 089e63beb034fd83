// Worker thread of readParquetTableOffThread: reads one Parquet file and posts back the table (number chunks
// transferred, not copied) or why it is not one; then compares the columns it is given, if any (column-tasks.ts).
import { parentPort, workerData } from "node:worker_threads";
import type { CsvLimits } from "../csv/limits.js";
import { errorToOutcome, spillToMainThread, tableToMessage } from "../csv/table-transfer.js";
import { answerColumnTasks } from "../drift/column-tasks.js";
import { type ParquetInput, readParquetInput } from "./parquet-input.js";

const port = parentPort as NonNullable<typeof parentPort>;
const { input, name, limits, spillThresholdBytes } = workerData as {
  input: ParquetInput;
  name: string;
  limits: CsvLimits;
  spillThresholdBytes: number | undefined;
};

readParquetInput(input, name, limits, spillToMainThread(port, spillThresholdBytes)).then(
  (table) => {
    const { message, transfer } = tableToMessage(table);
    port.postMessage({ type: "table", table: message }, transfer);
    answerColumnTasks(port);
  },
  (error: unknown) => port.postMessage(errorToOutcome(error)),
);
