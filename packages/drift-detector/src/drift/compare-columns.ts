import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { SortWorkspace } from "../stats/sort-workspace.js";
import type { ThreadGroup } from "../threads/thread-group.js";
import { errorFromMessage, type FromColumnThread, type ToColumnThread, taskToMessage } from "./column-transfer.js";
import { type ColumnTask, compareColumn } from "./compare-column.js";
import type { DriftOptions } from "./options.js";
import type { ColumnDrift, UntestedColumn } from "./result.js";

const THREAD_SCRIPT = new URL("./column-thread.js", import.meta.url);

/** Threads to compare columns on: one per core, at most `cap` (an option), never more than there are columns. */
export function columnThreadCount(columns: number, cap?: number): number {
  return Math.max(1, Math.min(availableParallelism(), cap ?? Number.POSITIVE_INFINITY, columns));
}

/**
 * Compares every task's column, in parallel on `threads` new worker threads of `group`, each taking the next column
 * as it finishes one; outcomes come back in the tasks' order. A task's number chunks are transferred, not copied:
 * once posted, this thread no longer holds them. `nextTask` is called only when a thread is free, so a caller can
 * build each task just in time (load a spilled column). With one thread, or when running from TypeScript sources (no
 * compiled thread script, as in the tests), the columns are compared on this thread, one after the other. The
 * group's owner stops the threads.
 */
export async function compareColumns(
  count: number,
  nextTask: (index: number) => Promise<ColumnTask> | ColumnTask,
  options: DriftOptions,
  threads: number,
  group: ThreadGroup,
): Promise<Array<ColumnDrift | UntestedColumn>> {
  const outcomes: Array<ColumnDrift | UntestedColumn> = [];
  if (threads <= 1 || !import.meta.url.endsWith(".js")) {
    const workspace = new SortWorkspace();
    for (let index = 0; index < count; index++) outcomes.push(compareColumn(await nextTask(index), options, workspace));
    return outcomes;
  }
  const workers = Array.from({ length: Math.min(threads, count) }, () => group.start(THREAD_SCRIPT, { workerData: { options } }));
  let next = 0;
  await Promise.all(
    workers.map(async (worker) => {
      while (next < count) {
        const index = next++;
        const task = await nextTask(index);
        outcomes[index] = await compareOnThread(worker, index, task);
      }
    }),
  );
  return outcomes;
}

function compareOnThread(worker: Worker, id: number, task: ColumnTask): Promise<ColumnDrift | UntestedColumn> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: FromColumnThread) => {
      if (answer.id !== id) return;
      cleanUp();
      if ("outcome" in answer) resolve(answer.outcome);
      else reject(errorFromMessage(answer.error));
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanUp();
      reject(new Error(`the thread comparing column "${task.column}" stopped (exit code ${code})`));
    };
    const cleanUp = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    const transfer: ArrayBuffer[] = [];
    worker.postMessage({ id, task: taskToMessage(task, transfer) } satisfies ToColumnThread, transfer);
  });
}
