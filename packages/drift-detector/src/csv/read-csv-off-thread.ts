import { readOnThread } from "../threads/read-on-thread.js";
import type { ThreadGroup } from "../threads/thread-group.js";
import type { CsvLimits } from "./limits.js";
import type { NumberSpill } from "./number-spill.js";
import type { ToReader } from "./read-csv-worker.js";
import type { CsvTable } from "./table-builder.js";

const WORKER_SCRIPT = new URL("./read-csv-worker.js", import.meta.url);
/** Chunks posted but not yet parsed; bounds the memory a slow reader can make the sender hold. */
const MAX_IN_FLIGHT = 4;

/**
 * readCsvTable on a worker thread: this thread only pulls the bytes and hands them over, so two files parse on two
 * cores at once (the parse is half of a run's CPU time on the benchmark). Running from TypeScript sources, as the
 * tests do, there is no compiled worker script and the file is read on this thread instead. The thread is one of
 * `threads`: released to it once the table is handed over (to compare columns on), stopped if the reading fails.
 * `signal` stops the reading early (the other file of a pair failed).
 */
export async function readCsvTableOffThread(
  source: AsyncIterable<Uint8Array | string>,
  file: string,
  limits: CsvLimits,
  threads: ThreadGroup,
  signal?: AbortSignal,
  spill?: NumberSpill,
): Promise<CsvTable> {
  if (!import.meta.url.endsWith(".js")) {
    // Loaded only here: the thread that runs the service or the CLI does not parse CSV itself.
    const { readCsvTable } = await import("./read-csv.js");
    return readCsvTable(source, file, limits, spill);
  }
  const workerData = { file, limits, spillThresholdBytes: spill?.thresholdBytes };
  return readOnThread(threads, WORKER_SCRIPT, { workerData }, { name: file, spill, signal }, (reading) => {
    let inFlight = 0;
    let wake: (() => void) | undefined;
    (async () => {
      for await (const bytes of source) {
        if (reading.ended) break;
        reading.worker.postMessage({ type: "chunk", bytes } satisfies ToReader);
        inFlight++;
        while (inFlight >= MAX_IN_FLIGHT && !reading.ended) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        if (reading.ended) break;
      }
      if (!reading.ended) reading.worker.postMessage({ type: "end" } satisfies ToReader);
    })().catch(reading.fail);
    return {
      onAck: () => {
        inFlight--;
        wake?.();
      },
      onEnd: () => wake?.(),
    };
  });
}
