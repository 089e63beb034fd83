#!/usr/bin/env node
// How the drift report scales with width: a 200-column pair of CSVs (2,000 rows each, every fifth column
// shifted) through the real engine, then the report's size, its build time in Node and its load time in
// headless Chromium, against the 12-column wine report in the same run as the baseline.
// Run from the repo root after a build:  npx -y pnpm@10 build && node packages/drift-detector/scripts/report-wide-bench.mjs
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { detectDrift } from "../dist/drift/detect-drift.js";
import { renderHtmlReport } from "../dist/report/index.js";
import { chromiumAvailable, launchChromium } from "./headless-chromium.mjs";

const COLUMNS = 200;
const ROWS = 2000;
const RUNS = 5;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(packageDir, "..", "..", ".tmp", "report-bench");

/** Weyl sequences (fractional parts of multiples of irrationals): evenly spread, deterministic uniforms. */
const uniform = (row, column, step) => ((row + 1) * step + column * Math.SQRT2) % 1 || 0.5;

/** A wide sensor table: numerical columns with their own scale, every tenth column a 5-level category. */
function wideCsv(shifted) {
  // Box–Muller on two Weyl uniforms: a normal-shaped column without a random generator.
  const normal = (row, column) =>
    Math.sqrt(-2 * Math.log(uniform(row, column, 0.6180339887))) * Math.cos(2 * Math.PI * uniform(row, column, 0.7320508076));
  const header = Array.from({ length: COLUMNS }, (_, column) =>
    column % 10 === 9 ? `line_state_${column}` : `sensor_${column}`,
  );
  const lines = [header.join(",")];
  for (let row = 0; row < ROWS; row++) {
    const cells = header.map((_, column) => {
      const moved = shifted && column % 5 === 4;
      const level = uniform(row, column, 0.4142135624);
      if (column % 10 === 9) return `S${Math.min(4, Math.floor(level * (moved ? 4 : 5)) + (moved ? 1 : 0))}`;
      const scale = 10 ** ((column % 9) - 4);
      return ((column + normal(row, column) + (moved ? 0.8 : 0)) * scale).toPrecision(6);
    });
    lines.push(cells.join(","));
  }
  return `${lines.join("\n")}\n`;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const meta = (name) => ({
  referenceSource: `${name}-reference.csv`,
  currentSource: `${name}-current.csv`,
  generatedAt: new Date(),
  detectorVersion: "bench",
});

async function measure(name, referenceCsv, currentCsv, browser) {
  const result = await detectDrift(
    { name: `${name}-reference.csv`, stream: Readable.from([referenceCsv]) },
    { name: `${name}-current.csv`, stream: Readable.from([currentCsv]) },
  );
  const buildMs = [];
  let html = "";
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    html = renderHtmlReport(result, meta(name));
    buildMs.push(performance.now() - started);
  }
  const file = join(outDir, `${name}.html`);
  writeFileSync(file, html);
  const loads = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.openPage(pathToFileURL(file).href);
    if (page.errors.length > 0) throw new Error(`${name}: ${page.errors.join("; ")}`);
    const timings = await page.timings();
    // Opening every collapsed section, as a reader who wants all charts would: style and layout of all of them.
    const expandMs = await page.evaluate(`(() => {
      const started = performance.now();
      document.querySelectorAll("details").forEach((section) => { section.open = true; });
      document.body.getBoundingClientRect();
      return performance.now() - started;
    })()`);
    loads.push({ loadMs: page.loadMs, expandMs, ...timings });
  }
  const pick = (key) => median(loads.map((load) => load[key]));
  return {
    name,
    columns: result.columns.length,
    bytes: Buffer.byteLength(html),
    buildMs: median(buildMs),
    loadMs: pick("loadMs"),
    layoutMs: pick("layoutMs"),
    styleMs: pick("styleMs"),
    taskMs: pick("taskMs"),
    expandMs: pick("expandMs"),
  };
}

if (!chromiumAvailable()) {
  console.error("report-wide-bench: Chromium not found (install Debian's chromium or set CHROMIUM_PATH)");
  process.exit(2);
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const wine = readFileSync(join(packageDir, "test", "fixtures", "winequality-red.csv"), "utf8");
const browser = await launchChromium();
try {
  const baseline = await measure("wine-12", wine, wine, browser);
  const wide = await measure(`wide-${COLUMNS}`, wideCsv(false), wideCsv(true), browser);
  for (const row of [baseline, wide]) {
    console.log(
      `${row.name.padEnd(9)} ${String(row.columns).padStart(3)} columns  ${(row.bytes / 1024).toFixed(0).padStart(5)} KiB` +
        `  build ${row.buildMs.toFixed(1).padStart(6)} ms  load+layout ${row.loadMs.toFixed(0).padStart(4)} ms` +
        `  (renderer tasks ${row.taskMs.toFixed(0)} ms: style ${row.styleMs.toFixed(0)}, layout ${row.layoutMs.toFixed(0)})` +
        `  expand all ${row.expandMs.toFixed(0)} ms`,
    );
  }
  console.log(
    `ratio wide/wine: size ${(wide.bytes / baseline.bytes).toFixed(1)}×, build ${(wide.buildMs / baseline.buildMs).toFixed(1)}×, load ${(wide.loadMs / baseline.loadMs).toFixed(1)}×` +
      `; per column ${(wide.bytes / wide.columns / 1024).toFixed(1)} KiB`,
  );
} finally {
  await browser.close();
}
