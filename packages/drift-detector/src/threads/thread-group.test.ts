// A run's threads: released ones are handed out again, and every one is stopped with the group, whatever state it
// is in. Real worker threads, running a script written for the test.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { ThreadGroup } from "./thread-group.js";

const folder = mkdtempSync(join(tmpdir(), "clarus-thread-group-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A thread that echoes what it is sent, or exits or throws when told to. */
const ECHO = pathToFileURL(join(folder, "echo.mjs"));
writeFileSync(
  ECHO,
  `import { parentPort } from "node:worker_threads";
parentPort.on("message", (message) => {
  if (message === "exit") process.exit(3);
  if (message === "throw") throw new Error("thrown in the thread");
  parentPort.postMessage(message);
});`,
);

/** A thread that, asked to collect its garbage, says when it started and when it was done (30 ms later). */
const COLLECTING = pathToFileURL(join(folder, "collecting.mjs"));
writeFileSync(
  COLLECTING,
  `import { parentPort } from "node:worker_threads";
parentPort.on("message", (message) => {
  if (message.type !== "collect-garbage") return;
  const start = Date.now();
  setTimeout(() => parentPort.postMessage({ type: "garbage-collected", start, end: Date.now() }), 30);
});`,
);

const echo = (worker: Worker, message: string) =>
  new Promise<unknown>((resolve) => {
    worker.once("message", resolve);
    worker.postMessage(message);
  });
const exited = (worker: Worker) => new Promise<number>((resolve) => worker.once("exit", resolve));

describe("ThreadGroup", () => {
  it("hands out released threads, first released first, and no other", async () => {
    const group = new ThreadGroup();
    const [first, second, busy] = [group.start(ECHO), group.start(ECHO), group.start(ECHO)];
    expect(group.takeIdle()).toBeUndefined();
    group.release(second);
    group.release(first);
    expect(group.takeIdle()).toBe(second);
    expect(await echo(first, "still running")).toBe("still running");
    expect(group.takeIdle()).toBe(first);
    expect(group.takeIdle()).toBeUndefined();
    expect(await echo(busy, "busy")).toBe("busy");
    await group.stopAll();
  });

  it("stops every thread it started, idle, taken or busy, and forgets them", async () => {
    const group = new ThreadGroup();
    const workers = [group.start(ECHO), group.start(ECHO), group.start(ECHO)];
    const exits = workers.map(exited);
    group.release(workers[0] as Worker);
    group.release(workers[1] as Worker);
    group.takeIdle();
    await group.stopAll();
    // Every one has exited (terminate() resolves with its exit code).
    expect((await Promise.all(exits)).every((code) => Number.isInteger(code))).toBe(true);
    expect(group.takeIdle()).toBeUndefined();
  });

  it("never hands out a thread that stopped, on its own or stopped by the group", async () => {
    const group = new ThreadGroup();
    const [crashing, failed, healthy] = [group.start(ECHO), group.start(ECHO), group.start(ECHO)];
    group.release(crashing);
    const crash = exited(crashing);
    crashing.postMessage("exit");
    expect(await crash).toBe(3);
    await group.stop(failed);
    group.release(failed);
    group.release(healthy);
    expect(group.takeIdle()).toBe(healthy);
    expect(group.takeIdle()).toBeUndefined();
    await group.stopAll();
  });

  it("has its idle threads collect their garbage one after the other, and no busy one", async () => {
    const group = new ThreadGroup();
    const [first, second, busy] = [group.start(COLLECTING), group.start(COLLECTING), group.start(COLLECTING)];
    const answers: Array<{ thread: string; start: number; end: number }> = [];
    for (const [thread, worker] of Object.entries({ first, second, busy })) {
      worker.on("message", (answer: { start: number; end: number }) => answers.push({ thread, ...answer }));
    }
    group.release(first);
    group.release(second);
    await group.collectIdleGarbage();
    expect(answers.map((answer) => answer.thread)).toEqual(["first", "second"]);
    expect((answers[1]?.start ?? 0) >= (answers[0]?.end ?? Number.POSITIVE_INFINITY)).toBe(true);
    expect(group.takeIdle()).toBe(first);
    await group.stopAll();
  });

  it("fails the collection when a thread stops instead of answering", async () => {
    const group = new ThreadGroup();
    const crashing = group.start(ECHO);
    group.release(crashing);
    // The echo thread does not know the request; it is told to exit instead.
    const collection = group.collectIdleGarbage();
    crashing.postMessage("exit");
    await expect(collection).rejects.toThrow("a thread stopped (exit code 3)");
    await group.stopAll();
  });

  it("survives a thread failing while no job listens to it, and never hands it out", async () => {
    const group = new ThreadGroup();
    const [failing, healthy] = [group.start(ECHO), group.start(ECHO)];
    group.release(failing);
    group.release(healthy);
    const exit = exited(failing);
    // Without the group's own listener, this error event would end the test process.
    failing.postMessage("throw");
    expect(await exit).toBe(1);
    expect(group.takeIdle()).toBe(healthy);
    expect(group.takeIdle()).toBeUndefined();
    await group.stopAll();
  });

  it("stops the idle threads alone when asked, and refuses to start one once stopped", async () => {
    const group = new ThreadGroup();
    const [idle, busy] = [group.start(ECHO), group.start(ECHO)];
    const idleExit = exited(idle);
    group.release(idle);
    await group.stopIdle();
    await idleExit;
    expect(await echo(busy, "still here")).toBe("still here");
    await group.stopAll();
    expect(() => group.start(ECHO)).toThrow("the run's threads are stopped: it has ended");
  });
});
