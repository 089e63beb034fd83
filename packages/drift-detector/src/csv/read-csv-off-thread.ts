import { Worker } from "node:worker_threads";
import type { CsvLimits } from "./limits.js";
import type { NumberSpill } from "./number-spill.js";
import type { FromReader, ToReader } from "./read-csv-worker.js";
import type { CsvTable } from "./table-builder.js";
import { errorFromOutcome, tableFromMessage } from "./table-transfer.js";
import { WORKER_RESOURCE_LIMITS } from "./worker-heap.js";

const WORKER_SCRIPT = new URL("./read-csv-worker.js", import.meta.url);
/** Chunks posted but not yet parsed; bounds the memory a slow reader can make the sender hold. */
const MAX_IN_FLIGHT = 4;

/**
 * readCsvTable on a worker thread: this thread only pulls the bytes and hands them over, so two files parse on two
 * cores at once (the parse is half of a run's CPU time on the benchmark). Running from TypeScript sources, as the
 * tests do, there is no compiled worker script and the file is read on this thread instead. `signal` stops the
 * reading early (the other file of a pair failed).
 */
export async function readCsvTableOffThread(
  source: AsyncIterable<Uint8Array | string>,
  file: string,
  limits: CsvLimits,
  signal?: AbortSignal,
  spill?: NumberSpill,
): Promise<CsvTable> {
  if (!import.meta.url.endsWith(".js")) {
    // Loaded only here: the thread that runs the service or the CLI does not parse CSV itself.
    const { readCsvTable } = await import("./read-csv.js");
    return readCsvTable(source, file, limits, spill);
  }
  const worker = new Worker(WORKER_SCRIPT, {
    workerData: { file, limits, spillThresholdBytes: spill?.thresholdBytes },
    resourceLimits: WORKER_RESOURCE_LIMITS,
  });
  try {
    return await new Promise<CsvTable>((resolve, reject) => {
      let settled = false;
      let inFlight = 0;
      let release: (() => void) | undefined;
      const settle = (outcome: () => void) => {
        settled = true;
        release?.();
        outcome();
      };
      worker.on("message", (message: FromReader) => {
        if (message.type === "ack") {
          inFlight--;
          release?.();
        } else if (message.type === "spill") {
          try {
            spill?.take(message.parts);
          } catch (error) {
            settle(() => reject(error));
          }
        } else if (message.type === "table") settle(() => resolve(tableFromMessage(message.table)));
        else settle(() => reject(errorFromOutcome(message)));
      });
      worker.on("error", (error) => settle(() => reject(error)));
      signal?.addEventListener("abort", () => settle(() => reject(signal.reason)), { once: true });
      worker.on("exit", (code) => {
        if (!settled) settle(() => reject(new Error(`the thread reading ${file} stopped (exit code ${code})`)));
      });
      const send = (message: ToReader) => worker.postMessage(message);
      (async () => {
        for await (const bytes of source) {
          if (settled) break;
          send({ type: "chunk", bytes });
          inFlight++;
          while (inFlight >= MAX_IN_FLIGHT && !settled) {
            await new Promise<void>((resolve) => {
              release = resolve;
            });
          }
          if (settled) break;
        }
        if (!settled) send({ type: "end" });
      })().catch((error: unknown) => settle(() => reject(error)));
    });
  } finally {
    await worker.terminate();
  }
}
