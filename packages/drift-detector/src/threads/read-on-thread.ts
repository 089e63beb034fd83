import type { Worker, WorkerOptions } from "node:worker_threads";
import type { NumberSpill } from "../csv/number-spill.js";
import type { CsvTable } from "../csv/table-builder.js";
import { errorFromOutcome, type ReadOutcome, type SpillMessage, tableFromMessage } from "../csv/table-transfer.js";
import type { ThreadGroup } from "./thread-group.js";

/** A thread reading a file, as the reader that feeds it sees it. */
export interface ReadingThread {
  readonly worker: Worker;
  /** Whether the reading has ended: the table came, or it failed. */
  readonly ended: boolean;
  /** Ends the reading with `error`, unless it has ended. */
  fail(error: unknown): void;
}

/** How a reader feeds its thread piece by piece (the CSV reader posts the bytes): told of each piece the thread took, and of the end. */
export interface ThreadFeed {
  onAck(): void;
  onEnd(): void;
}

/** What a reading thread posts: an acknowledgement of a piece fed to it, numbers to spill, the outcome. */
export type FromReadingThread = { type: "ack" } | SpillMessage | ReadOutcome;

/**
 * Reads a file into a table on a new thread of `threads` running `script` (a reading thread's script: it posts back
 * numbers to spill, then the table or why the file is not one). The thread is stopped once the table is here, or at
 * once when the reading fails: an error of the file, of the thread, of `spill`, of the feed, or `signal` aborting.
 */
export async function readOnThread(
  threads: ThreadGroup,
  script: URL,
  options: WorkerOptions,
  what: { name: string; spill: NumberSpill | undefined; signal: AbortSignal | undefined },
  feed?: (reading: ReadingThread) => ThreadFeed,
): Promise<CsvTable> {
  // A signal aborted before this reading started (the other file failed first) fires no listener: checked here.
  what.signal?.throwIfAborted();
  const worker = threads.start(script, options);
  try {
    return await new Promise<CsvTable>((resolve, reject) => {
      let fed: ThreadFeed | undefined;
      const reading = {
        worker,
        ended: false,
        fail: (error: unknown) => end(() => reject(error)),
      };
      const end = (outcome: () => void) => {
        if (reading.ended) return;
        reading.ended = true;
        worker.off("message", onMessage).off("error", reading.fail).off("exit", onExit);
        fed?.onEnd();
        outcome();
      };
      const onMessage = (message: FromReadingThread) => {
        if (message.type === "ack") fed?.onAck();
        else if (message.type === "spill") {
          try {
            what.spill?.take(message.parts);
          } catch (error) {
            reading.fail(error);
          }
        } else if (message.type === "table") end(() => resolve(tableFromMessage(message.table)));
        else reading.fail(errorFromOutcome(message));
      };
      const onExit = (code: number) => reading.fail(new Error(`the thread reading ${what.name} stopped (exit code ${code})`));
      worker.on("message", onMessage).on("error", reading.fail).on("exit", onExit);
      what.signal?.addEventListener("abort", () => reading.fail(what.signal?.reason), { once: true });
      fed = feed?.(reading);
    });
  } finally {
    await threads.stop(worker);
  }
}
