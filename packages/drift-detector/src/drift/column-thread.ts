// A column thread of compareColumns: compares the columns the main thread posts (column-tasks.ts).
import { parentPort } from "node:worker_threads";
import { answerColumnTasks } from "./column-tasks.js";

answerColumnTasks(parentPort as NonNullable<typeof parentPort>);
