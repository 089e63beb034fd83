import { setTimeout as sleep } from "node:timers/promises";
import { expect, test } from "vitest";
import { KeyedMutex } from "./keyed-mutex.js";

test("tasks for one key run one at a time in arrival order; other keys run alongside; failures release the key", async () => {
  const mutex = new KeyedMutex();
  const events: string[] = [];
  const task =
    (name: string, ms: number, fail = false) =>
    async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
  const results = await Promise.allSettled([
    mutex.run("a", task("a1", 30, true)),
    mutex.run("a", task("a2", 5)),
    mutex.run("b", task("b1", 10)),
    mutex.run("a", task("a3", 1)),
  ]);
  expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
    "a1",
    "a2",
    "b1",
    "a3",
  ]);
  const a = events.filter((e) => e.includes(" a"));
  expect(a).toEqual(["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]);
  // b1 started while a1 was still running.
  expect(events.indexOf("start b1")).toBeLessThan(events.indexOf("end a1"));
});
