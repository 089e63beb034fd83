// Worker thread of readParquetTableOffThread: reads one Parquet file and posts back the table (number chunks
// transferred, not copied) or why it is not one.
import { parentPort, workerData } from "node:worker_threads";
import type { CsvLimits } from "../csv/limits.js";
import { errorToOutcome, spillToMainThread, tableToMessage } from "../csv/table-transfer.js";
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
  },
  (error: unknown) => port.postMessage(errorToOutcome(error)),
);
