// A thread compareColumns starts when the reading threads are not enough (more cores): compares the columns the main
// thread posts (column-tasks.ts).
import { parentPort } from "node:worker_threads";
import { answerColumnTasks } from "./column-tasks.js";

answerColumnTasks(parentPort as NonNullable<typeof parentPort>);
