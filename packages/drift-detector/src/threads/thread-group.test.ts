// A run's threads: every one is stopped with the group, whatever state it is in; one failing while nothing listens
// does not end the process; none starts once the group is stopped. Real worker threads, running a script written for
// the test.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { ThreadGroup } from "./thread-group.js";

const folder = mkdtempSync(join(tmpdir(), "clarus-thread-group-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A thread that echoes what it is sent, or throws when told to. */
const ECHO = pathToFileURL(join(folder, "echo.mjs"));
writeFileSync(
  ECHO,
  `import { parentPort } from "node:worker_threads";
parentPort.on("message", (message) => {
  if (message === "throw") throw new Error("thrown in the thread");
  parentPort.postMessage(message);
});`,
);

const echo = (worker: Worker, message: string) =>
  new Promise<unknown>((resolve) => {
    worker.once("message", resolve);
    worker.postMessage(message);
  });
const exited = (worker: Worker) => new Promise<number>((resolve) => worker.once("exit", resolve));

describe("ThreadGroup", () => {
  it("stops every thread it started, and one alone when asked", async () => {
    const group = new ThreadGroup();
    const [first, second, third] = [group.start(ECHO), group.start(ECHO), group.start(ECHO)];
    const exits = [first, second, third].map(exited);
    await group.stop(first);
    await exits[0];
    expect(await echo(second, "still running")).toBe("still running");
    await group.stopAll();
    // Every one has exited (a stopped thread's exit event comes with its exit code).
    expect((await Promise.all(exits)).every((code) => Number.isInteger(code))).toBe(true);
  });

  it("survives a thread failing while no job listens to it", async () => {
    const group = new ThreadGroup();
    const [failing, healthy] = [group.start(ECHO), group.start(ECHO)];
    const exit = exited(failing);
    // Without the group's own listener, this error event would end the test process.
    failing.postMessage("throw");
    expect(await exit).toBe(1);
    expect(await echo(healthy, "after")).toBe("after");
    await group.stopAll();
  });

  it("refuses to start a thread once stopped", async () => {
    const group = new ThreadGroup();
    group.start(ECHO);
    await group.stopAll();
    expect(() => group.start(ECHO)).toThrow("the run's threads are stopped: it has ended");
  });
});
