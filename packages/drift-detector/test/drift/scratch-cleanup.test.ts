// The CLI's scratch folder (spilled columns) is removed however the run ends: success, a bad file, SIGTERM. The
// garbage each spill leaves is collected at once.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackage, PACKAGE_DIR } from "../support/build-package.js";

const work = mkdtempSync(join(tmpdir(), "clarus-drift-scratch-"));
const CLI = join(PACKAGE_DIR, "dist/cli.js");
const reference = join(work, "reference.csv");
const current = join(work, "current.csv");

/** `rows` rows of four numeric columns; `textFrom` turns the last column to text from that row on. */
function table(rows: number, offset: number, textFrom = Number.POSITIVE_INFINITY): string {
  const lines = ["a,b,c,d"];
  for (let i = 0; i < rows; i++) {
    const d = i >= textFrom ? `t${i % 7}` : String((i * 7) % 13);
    lines.push(`${((i * 37 + offset) % 1000) / 10},${(i * 11) % 97},${(i % 500) / 100 + offset},${d}`);
  }
  return `${lines.join("\n")}\n`;
}

beforeAll(() => {
  buildPackage();
  writeFileSync(reference, table(300_000, 0));
  writeFileSync(current, table(300_000, 1, 250_000));
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function scratchParent(name: string): string {
  const path = join(work, name);
  mkdirSync(path);
  return path;
}

describe("scratch folder of the CLI", () => {
  it("spills with a small budget, gives the result it gives without, and removes the folder", () => {
    const parent = scratchParent("success");
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, reference, current, "--json", ...args], { encoding: "utf8" });
    const spilling = run("--memory-budget", "1", "--temp-dir", parent);
    const inMemory = run();
    expect(spilling.stderr).toBe("");
    expect(spilling.stdout).toBe(inMemory.stdout);
    expect(JSON.parse(spilling.stdout).columns.find((column: { column: string }) => column.column === "d").type).toBe(
      "categorical",
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it("removes it when a file turns out bad after columns were spilled", () => {
    const parent = scratchParent("failure");
    const bad = join(work, "ragged.csv");
    writeFileSync(bad, `${table(200_000, 2)}1,2,3\n`);
    const run = spawnSync(process.execPath, [CLI, reference, bad, "--memory-budget", "1", "--temp-dir", parent], {
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/ragged row/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("removes it on SIGTERM in the middle of a run", async () => {
    const parent = scratchParent("sigterm");
    const child = spawn(process.execPath, [CLI, reference, current, "--memory-budget", "1", "--temp-dir", parent]);
    while (readdirSync(parent).length === 0 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.on("exit", (exitCode, signal) => resolve(exitCode ?? signal)));
    expect(code).toBe(143);
    expect(readdirSync(parent)).toEqual([]);
  }, 60_000);
});

describe("garbage collection of the CLI", () => {
  it("collects explicitly with V8's collector after spills, and not in a run that holds everything in memory", () => {
    /** Collections asked for by the code (V8 traces their reason as "testing"), among all that V8 traces. */
    const explicitCollections = (...args: string[]) => {
      const run = spawnSync(process.execPath, ["--trace-gc", CLI, reference, current, "--json", ...args], { encoding: "utf8" });
      expect(run.stderr).toBe("");
      const traced = run.stdout.split("\n").filter((line) => /^\[\d+:0x[0-9a-f]+\]/.test(line));
      expect(traced.length).toBeGreaterThan(0);
      return traced.filter((line) => /\btesting\b/.test(line)).length;
    };
    expect(explicitCollections("--memory-budget", "1", "--temp-dir", scratchParent("collected"))).toBeGreaterThan(4);
    expect(explicitCollections()).toBe(0);
  });
});
