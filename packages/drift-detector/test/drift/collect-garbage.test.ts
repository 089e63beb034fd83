// V8's collector is the CLI's choice: importing the drift core or the service's composition exposes nothing, a run
// collects only through the collector it is given (after each spill), and the one the CLI takes is V8's own and
// leaves no `gc` behind for other code of the process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { runInNewContext } from "node:vm";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { TempScratchSpace } from "../../src/adapters/scratch/temp-scratch-space.js";
import "../../src/app.js";
import { csvLimits } from "../../src/csv/limits.js";
import { exposeGarbageCollector } from "../../src/drift/collect-garbage.js";
import { detectDrift } from "../../src/drift/detect-drift.js";
import { driftOptionsSchema } from "../../src/drift/options.js";
import { coreAnalysis } from "../../src/pipeline/core-analysis.js";

const scratchParent = mkdtempSync(join(tmpdir(), "clarus-drift-gc-"));
afterAll(() => rmSync(scratchParent, { recursive: true, force: true }));

/** What `gc` is in a context made now, and in a worker thread started now. */
async function gcSeenByNewCode(): Promise<{ context: string; worker: string }> {
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage(typeof gc)", { eval: true });
  const seen = await new Promise<string>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  return { context: runInNewContext("typeof gc") as string, worker: seen };
}

function csv(rows: number, offset: number): string {
  const lines = ["a,b"];
  for (let i = 0; i < rows; i++) lines.push(`${Math.sin(i) * 1000 + offset},${Math.cos(i * 7) * 10}`);
  return `${lines.join("\n")}\n`;
}

/** Text in 1 KiB pieces, so a reader with a small budget spills between pieces. */
function source(name: string, text: string) {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / 1024) }, (_, k) => bytes.subarray(k * 1024, (k + 1) * 1024));
  return { name, stream: Readable.from(chunks) };
}

describe("explicit garbage collection", () => {
  it("is not exposed by importing the core or the service, nor by a service run that spills", async () => {
    expect(await gcSeenByNewCode()).toEqual({ context: "undefined", worker: "undefined" });
    const engine = { memoryBudgetBytes: 4096, scratchSpace: () => new TempScratchSpace(scratchParent) };
    const analysis = coreAnalysis(
      driftOptionsSchema.parse({}),
      csvLimits({}, (name) => name),
      engine,
    );
    await analysis.detect(source("ref.csv", csv(5000, 0)), source("cur.csv", csv(5000, 3)));
    expect(await gcSeenByNewCode()).toEqual({ context: "undefined", worker: "undefined" });
  });

  it("happens through the collector a run is given, after each spill and each spilled column joined", async () => {
    const run = async (memoryBudgetBytes: number) => {
      let collections = 0;
      const result = await detectDrift(source("ref.csv", csv(5000, 0)), source("cur.csv", csv(5000, 3)), undefined, undefined, {
        memoryBudgetBytes,
        scratchSpace: () => new TempScratchSpace(scratchParent),
        collectGarbage: () => collections++,
      });
      return { result, collections };
    };
    const spilling = await run(4096);
    const inMemory = await run(512 * 1024 ** 2);
    expect(spilling.result).toEqual(inMemory.result);
    // Each file's 80 KB of numbers leave in batches of a few hundred bytes to 1 KiB; then 4 column sides are joined.
    expect(spilling.collections).toBeGreaterThan(2 * 50 + 4);
    expect(inMemory.collections).toBe(0);
  });

  it("that the CLI takes is V8's: it frees what is unreachable at once, and leaves no `gc` to other code", async () => {
    const collect = exposeGarbageCollector();
    let target: object | undefined = { values: new Float64Array(1024) };
    const ref = new WeakRef(target);
    target = undefined;
    // A WeakRef holds its target until the end of the job that made or read it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(ref.deref()).toBeDefined();
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    expect(ref.deref()).toBeUndefined();
    expect(await gcSeenByNewCode()).toEqual({ context: "undefined", worker: "undefined" });
  });
});
