#!/usr/bin/env node
// Runs the whole vitest suite and ends with the one summary line CI reads: "N passed, N failed, N skipped".
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const reportFile = join(root, ".tmp", "vitest-report.json");
mkdirSync(dirname(reportFile), { recursive: true });
rmSync(reportFile, { force: true });

const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const filters = process.argv.slice(2);
// The whole suite is measured against the coverage thresholds (vitest.config.ts); a filtered run is not.
const coverage = filters.length === 0 ? ["--coverage"] : [];
const run = spawnSync(
  process.execPath,
  [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${reportFile}`, ...coverage, ...filters],
  { cwd: root, stdio: "inherit" },
);

let summary;
try {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  // A file that failed outside its tests (import or setup error) may show no failed test, only skipped
  // ones: it must still count as a failure.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
  ).length;
  summary = {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: report.numPendingTests + report.numTodoTests,
  };
} catch {
  summary = { passed: 0, failed: 1, skipped: 0 };
}
// vitest also fails a run whose tests all passed when coverage is under its thresholds: one more failure.
if (run.status !== 0 && summary.failed === 0) {
  console.error(`vitest exited with ${run.status} although no test failed (coverage under its thresholds? see above)`);
  summary.failed = 1;
}
console.log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
process.exit(run.status === 0 && summary.failed === 0 ? 0 : 1);
