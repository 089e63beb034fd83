// A thread of compareColumns: compares the columns the main thread posts, one at a time, with the options it was
// started with, and posts back each outcome (a few hundred bytes; the values never come back).
import { parentPort, workerData } from "node:worker_threads";
import { SortWorkspace } from "../stats/sort-workspace.js";
import { errorToMessage, type FromColumnThread, type ToColumnThread, taskFromMessage } from "./column-transfer.js";
import { compareColumn } from "./compare-column.js";
import type { DriftOptions } from "./options.js";

const port = parentPort as NonNullable<typeof parentPort>;
const { options } = workerData as { options: DriftOptions };
const workspace = new SortWorkspace();

port.on("message", ({ id, task }: ToColumnThread) => {
  let answer: FromColumnThread;
  try {
    answer = { id, outcome: compareColumn(taskFromMessage(task), options, workspace) };
  } catch (error) {
    answer = { id, error: errorToMessage(error) };
  }
  port.postMessage(answer);
});
