// A reading whose run has already failed starts no thread: the abort came before any listener could hear it.
import { describe, expect, it } from "vitest";
import { readOnThread } from "./read-on-thread.js";
import { ThreadGroup } from "./thread-group.js";

describe("readOnThread", () => {
  it("refuses to start when its signal has already aborted, and starts no thread", async () => {
    const group = new ThreadGroup();
    let started = 0;
    const start = group.start.bind(group);
    group.start = (...args) => {
      started++;
      return start(...args);
    };
    const reason = new Error("the other file failed");
    const reading = readOnThread(
      group,
      new URL("file:///nowhere.js"),
      {},
      {
        name: "late.csv",
        spill: undefined,
        signal: AbortSignal.abort(reason),
      },
    );
    await expect(reading).rejects.toBe(reason);
    expect(started).toBe(0);
    await group.stopAll();
  });
});
