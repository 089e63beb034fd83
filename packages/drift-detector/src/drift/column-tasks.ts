import type { MessagePort } from "node:worker_threads";
import { exposeGarbageCollector } from "./collect-garbage.js";
import { errorToMessage, type FromColumnThread, type ToColumnThread, taskFromMessage } from "./column-transfer.js";

type ColumnMessage = Extract<ToColumnThread, { type: "column" }>;

/**
 * Makes this thread answer the column tasks posted on `port`, one at a time, each with the options it comes with: the
 * outcome posted back is a few hundred bytes, the values never go back. A column thread does only this; a reading
 * thread does it once its table is handed over, so the comparison's modules are loaded when the first task comes,
 * and tasks that come meanwhile wait in order. Asked to, it first collects its garbage (V8's collector, as the CLI
 * does on its own thread): a finished reading leaves tens of MiB of it, which the comparison would otherwise add
 * to (measured: a 20 M-row Parquet pair peaked at 268–276 MiB without, 229–247 MiB with). Other messages on the port
 * are not for this.
 */
export function answerColumnTasks(port: MessagePort): void {
  let answer: ((message: ColumnMessage) => void) | undefined;
  const waiting: ColumnMessage[] = [];
  port.on("message", (message: ToColumnThread | { type?: undefined }) => {
    if (message.type === "collect-garbage") {
      exposeGarbageCollector()();
      port.postMessage({ type: "garbage-collected" } satisfies FromColumnThread);
    }
    if (message.type !== "column") return;
    if (answer) answer(message);
    else if (waiting.push(message) === 1) {
      columnAnswerer(port).then(
        (loaded) => {
          answer = loaded;
          for (const task of waiting.splice(0)) loaded(task);
        },
        (error: unknown) => {
          answer = ({ id }) => port.postMessage({ id, error: errorToMessage(error) } satisfies FromColumnThread);
          for (const task of waiting.splice(0)) answer(task);
        },
      );
    }
  });
}

async function columnAnswerer(port: MessagePort): Promise<(message: ColumnMessage) => void> {
  const [{ compareColumn }, { SortWorkspace }] = await Promise.all([
    import("./compare-column.js"),
    import("../stats/sort-workspace.js"),
  ]);
  const workspace = new SortWorkspace();
  return ({ id, task, options }) => {
    let answer: FromColumnThread;
    try {
      answer = { id, outcome: compareColumn(taskFromMessage(task), options, workspace) };
    } catch (error) {
      answer = { id, error: errorToMessage(error) };
    }
    port.postMessage(answer);
  };
}
