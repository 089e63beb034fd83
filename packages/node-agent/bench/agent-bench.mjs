#!/usr/bin/env node
// Entry point of the node-agent benchmark: builds the agent and the benchmark (the benchmark reuses the
// TypeScript test-support helpers, which Node 20 cannot run directly), then runs it. Options: see run.ts.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, "..", "..", "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
for (const args of [
  ["-b", "packages/common", "packages/node-agent"],
  ["-p", join(bench, "tsconfig.json")],
]) {
  const build = spawnSync(process.execPath, [tsc, ...args], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) {
    console.error(`build failed: tsc ${args.join(" ")}`);
    process.exit(1);
  }
}
await import(pathToFileURL(join(bench, "dist", "bench", "run.js")).href);
