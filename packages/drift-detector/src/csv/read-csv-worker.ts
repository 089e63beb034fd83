// Worker thread of readCsvTableOffThread: reads one CSV from the byte chunks the main thread posts, acknowledging
// each so the sender never runs far ahead, and posts back the table (number chunks transferred, not copied).
import { parentPort, workerData } from "node:worker_threads";
import type { FromReadingThread } from "../threads/read-on-thread.js";
import type { CsvLimits } from "./limits.js";
import { readCsvTable } from "./read-csv.js";
import { errorToOutcome, spillToMainThread, tableToMessage } from "./table-transfer.js";

export type ToReader = { type: "chunk"; bytes: Uint8Array | string } | { type: "end" };

const port = parentPort as NonNullable<typeof parentPort>;
const { file, limits, spillThresholdBytes } = workerData as {
  file: string;
  limits: CsvLimits;
  spillThresholdBytes: number | undefined;
};

const spill = spillToMainThread(port, spillThresholdBytes);

async function* postedChunks(): AsyncGenerator<Uint8Array | string> {
  const queue: Array<Uint8Array | string> = [];
  let ended = false;
  let wake: (() => void) | undefined;
  port.on("message", (message: ToReader) => {
    if (message.type === "chunk") queue.push(message.bytes);
    else ended = true;
    wake?.();
  });
  for (;;) {
    const next = queue.shift();
    if (next !== undefined) {
      yield next;
      port.postMessage({ type: "ack" } satisfies FromReadingThread);
    } else if (ended) {
      return;
    } else {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }
}

readCsvTable(postedChunks(), file, limits, spill).then(
  (table) => {
    const { message, transfer } = tableToMessage(table);
    port.postMessage({ type: "table", table: message } satisfies FromReadingThread, transfer);
  },
  (error: unknown) => port.postMessage(errorToOutcome(error) satisfies FromReadingThread),
);
