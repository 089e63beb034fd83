import { setTimeout as sleep } from "node:timers/promises";
import { expect, test } from "vitest";
import { coalesce } from "./coalesce.js";

test("callers during a run share the next run; each answer was read after the call", async () => {
  let state = 0;
  const starts: number[] = [];
  const read = coalesce(async () => {
    const seen = state;
    starts.push(seen);
    await sleep(20);
    return seen;
  });
  const first = read();
  state = 1; // changes after the first run started: later callers must see it
  const joiners = [read(), read(), read()];
  expect(await first).toBe(0);
  expect(await Promise.all(joiners)).toEqual([1, 1, 1]);
  expect(starts).toEqual([0, 1]);
  // Idle again: a new call starts its own run.
  state = 2;
  expect(await read()).toBe(2);
  expect(starts).toEqual([0, 1, 2]);
});

test("a failed run fails its callers only; the queued run still happens", async () => {
  let calls = 0;
  const read = coalesce(async () => {
    calls += 1;
    await sleep(5);
    if (calls === 1) throw new Error("engine hiccup");
    return calls;
  });
  const first = read();
  const second = read();
  await expect(first).rejects.toThrow("engine hiccup");
  await expect(second).resolves.toBe(2);
});
