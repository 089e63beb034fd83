// The engine settings change how a run uses the machine, never its result: the same pair of files gives the same
// result, to the bit, whatever the number of column threads and whether its columns were spilled to disk. Runs the build (the column threads are its compiled
// scripts), on random tables (fast-check) and on the golden wine cases.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as ScratchModule from "../../src/adapters/scratch/temp-scratch-space.js";
import type * as DetectDriftModule from "../../src/drift/detect-drift.js";
import type { DriftEngineSettings } from "../../src/drift/detect-drift.js";
import { driftOptionsSchema } from "../../src/drift/options.js";
import { buildPackage, PACKAGE_DIR } from "../support/build-package.js";

let built: typeof DetectDriftModule;
let scratch: typeof ScratchModule;
const scratchParent = mkdtempSync(join(tmpdir(), "clarus-drift-engines-"));

beforeAll(async () => {
  buildPackage();
  const load = (path: string) => import(pathToFileURL(`${PACKAGE_DIR}/dist/${path}`).href);
  built = (await load("drift/detect-drift.js")) as typeof DetectDriftModule;
  scratch = (await load("adapters/scratch/temp-scratch-space.js")) as typeof ScratchModule;
}, 120_000);

afterAll(() => rmSync(scratchParent, { recursive: true, force: true }));

/** The result as text in which every number keeps all its bits (−0, NaN and ±infinity included). */
function exactly(result: unknown): string {
  return JSON.stringify(result, (_, value: unknown) =>
    typeof value === "number" ? `${Object.is(value, -0) ? "-0" : String(value)}` : value,
  );
}

/** The text in pieces of 100 bytes, so a reader spills between pieces when its budget is small. */
function pieces(text: string): Buffer[] {
  const bytes = Buffer.from(text);
  return Array.from({ length: Math.ceil(bytes.length / 100) }, (_, k) => bytes.subarray(k * 100, (k + 1) * 100));
}

async function detect(reference: string, current: string, engine: DriftEngineSettings): Promise<string> {
  const source = (name: string, text: string) => ({ name, stream: Readable.from(pieces(text)) });
  const result = await built.detectDrift(
    source("ref.csv", reference),
    source("cur.csv", current),
    driftOptionsSchema.parse({}),
    undefined,
    engine,
  );
  return exactly(result);
}

let spilledParts = 0;

/** A scratch space that counts the parts spilled to it. */
function countingScratch(): ScratchModule.TempScratchSpace {
  const space = new scratch.TempScratchSpace(scratchParent);
  const append = space.appendNumbers.bind(space);
  space.appendNumbers = (...args) => {
    spilledParts++;
    append(...args);
  };
  return space;
}

/** No spilling, then spilling every few hundred values (a 2 KiB budget), on one to three column threads. */
const ENGINES: Array<() => DriftEngineSettings> = [
  () => ({ workers: 1 }),
  () => ({ workers: 2 }),
  () => ({ workers: 3 }),
  () => ({ workers: 1, memoryBudgetBytes: 2048, scratchSpace: countingScratch }),
  () => ({ workers: 3, memoryBudgetBytes: 2048, scratchSpace: countingScratch }),
];

/** A cell generator per column kind: short decimals at mixed scales, integers, doubles, labels, missing cells. */
const cell = fc.oneof(
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.integer({ min: -99_999, max: 99_999 }).map((i) => (i / 100).toString()),
  fc.integer({ min: -9_999_999, max: 9_999_999 }).map((i) => (i / 1000).toFixed(3)),
  fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom("", "NA", "3.25e-4"),
);
const columnKind = fc.oneof(
  fc.constant(cell),
  // Numbers, and now and then text: the column turns to labels, perhaps after some of its numbers were spilled.
  fc.constant(fc.oneof({ arbitrary: cell, weight: 40 }, { arbitrary: fc.constantFrom("x", "y"), weight: 1 })),
  fc.constant(fc.integer({ min: 0, max: 7 }).map(String)),
  fc.constant(fc.constantFrom("red", "white", "rosé", "")),
);
const table = fc
  .tuple(fc.array(columnKind, { minLength: 1, maxLength: 5 }), fc.integer({ min: 2, max: 120 }), fc.integer({ min: 2, max: 120 }))
  .chain(([kinds, referenceRows, currentRows]) => {
    const rows = (count: number) => fc.array(fc.tuple(...kinds), { minLength: count, maxLength: count });
    return fc.tuple(fc.constant(kinds.length), rows(referenceRows), rows(currentRows));
  })
  .map(([columns, reference, current]) => {
    const header = Array.from({ length: columns }, (_, k) => `c${k}`).join(",");
    const csv = (rows: string[][]) => `${header}\n${rows.map((row) => row.join(",")).join("\n")}\n`;
    return { reference: csv(reference), current: csv(current) };
  });

describe("engine settings never change a result", () => {
  it("random tables: the same result to the bit with 1, 2 and 3 column threads, spilling or not", async () => {
    await fc.assert(
      fc.asyncProperty(table, async ({ reference, current }) => {
        const results = await Promise.all(ENGINES.map((engine) => detect(reference, current, engine())));
        for (const result of results.slice(1)) expect(result).toBe(results[0]);
        expect(readdirSync(scratchParent)).toEqual([]);
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it("the wine data and a shifted copy: the same result with every engine setting, and the drift found", async () => {
    const wine = readFileSync(`${PACKAGE_DIR}/test/fixtures/winequality-red.csv`, "utf8");
    const [header = "", ...lines] = wine.trimEnd().split("\n");
    const shifted = lines.map((line) =>
      line
        .split(",")
        .map((value, k) => (k === 10 ? String(Number(value) + 0.5) : value))
        .join(","),
    );
    const current = `${header}\n${shifted.join("\n")}\n`;
    spilledParts = 0;
    const results = await Promise.all(ENGINES.map((engine) => detect(wine, current, engine())));
    expect(spilledParts).toBeGreaterThan(100);
    expect(readdirSync(scratchParent)).toEqual([]);
    for (const result of results.slice(1)) expect(result).toBe(results[0]);
    const alcohol = (JSON.parse(results[0] as string) as { columns: Array<{ column: string; drifted: boolean }> }).columns.find(
      (column) => column.column === "alcohol",
    );
    expect(alcohol?.drifted).toBe(true);
  }, 60_000);
});
