#!/usr/bin/env node
// Renders the drift report of the wine data against a deterministic shifted copy, opens it in headless
// Chromium from a file URL and saves the top of the page as images/drift-report.png (the picture of docs/drift-report.md).
// Run from the repo root after a build:  npx -y pnpm@10 build && node packages/drift-detector/scripts/report-screenshot.mjs
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { detectDrift } from "../dist/drift/detect-drift.js";
import { renderHtmlReport } from "../dist/report/index.js";
import { chromiumAvailable, launchChromium } from "./headless-chromium.mjs";
import { shiftedWineCopy } from "./shifted-wine.mjs";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(packageDir, "..", "..");
const referenceFile = join(packageDir, "test", "fixtures", "winequality-red.csv");
const htmlFile = join(repoRoot, ".tmp", "drift-report.html");
const imageFile = join(repoRoot, "images", "drift-report.png");

if (!chromiumAvailable()) {
  console.error("report-screenshot: Chromium not found (install Debian's chromium or set CHROMIUM_PATH)");
  process.exit(2);
}
const referenceCsv = readFileSync(referenceFile, "utf8");
const currentName = "winequality-red-shifted.csv";
const result = await detectDrift(
  { name: "winequality-red.csv", stream: Readable.from([referenceCsv]) },
  { name: currentName, stream: Readable.from([shiftedWineCopy(referenceCsv)]) },
);
const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
// Fixed times, like the data: the picture changes only when the report does, not on every run.
const html = renderHtmlReport(result, {
  experimentId: "Clarus_RedWine_experiment",
  referenceSource: relative(repoRoot, referenceFile),
  currentSource: `${currentName} (generated: a shifted copy of the reference)`,
  referenceModifiedAt: new Date("2026-11-02T06:00:00Z"),
  currentModifiedAt: new Date("2026-11-26T05:45:00Z"),
  generatedAt: new Date("2026-11-26T06:00:00Z"),
  detectorVersion: version,
});
mkdirSync(dirname(htmlFile), { recursive: true });
writeFileSync(htmlFile, html);

const browser = await launchChromium();
try {
  const url = pathToFileURL(htmlFile).href;
  const page = await browser.openPage(url, { width: 1280, height: 900 });
  if (page.errors.length > 0 || page.requests.some((request) => request !== url)) {
    throw new Error(
      `the report is not self-contained: requests ${JSON.stringify(page.requests)}, errors ${JSON.stringify(page.errors)}`,
    );
  }
  // The header, the column table and the first row of charts: what a reader sees first.
  const height = await page.evaluate(`(() => {
    const cards = document.querySelectorAll("article.card");
    const last = cards[Math.min(1, cards.length - 1)];
    return Math.ceil((last ?? document.body).getBoundingClientRect().bottom + scrollY + 16);
  })()`);
  mkdirSync(dirname(imageFile), { recursive: true });
  writeFileSync(imageFile, await page.screenshot({ x: 0, y: 0, width: 1280, height }));
  console.log(
    `${relative(repoRoot, imageFile)}: 1280×${height} px; report ${relative(repoRoot, htmlFile)} (${Buffer.byteLength(html)} bytes)`,
  );
} finally {
  await browser.close();
}
