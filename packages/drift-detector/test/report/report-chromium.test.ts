// The report as a browser shows it: opened from a file URL in headless Chromium, it must load nothing,
// log no error, chart every column, and state the verdict of the result it was made from.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from "../../scripts/headless-chromium.mjs";
import { shiftedWineCopy } from "../../scripts/shifted-wine.mjs";
import { detectDrift } from "../../src/drift/detect-drift.js";
import type { ColumnDrift } from "../../src/drift/result.js";
import { renderHtmlReport, verdictOf } from "../../src/report/index.js";
import { categoricalColumn, ROWS, resultOf, SAMPLE_META, wideResult, wineLikeResult } from "./sample-results.js";

const available = chromiumAvailable();
const unavailable = `no Chromium executable at ${CHROMIUM_PATH} (set CHROMIUM_PATH, or install Debian's chromium)`;

if (!available && process.env.CLARUS_REQUIRE_CHROMIUM === "1") {
  it("Chromium is available", () => {
    throw new Error(`CLARUS_REQUIRE_CHROMIUM=1 but ${unavailable}`);
  });
} else if (!available) {
  console.warn(`[skipped] drift report in headless Chromium: ${unavailable}`);
  it.skip(`drift report in headless Chromium needs Chromium: ${unavailable}`, () => {});
}

const HOSTILE = `<img src=x onerror="console.error('xss')"> & "q" 'x'`;

/** The wine-like result plus the columns that break naive reports: a hostile name, an empty category, all values missing. */
function trickyResult() {
  const base = wineLikeResult();
  const allMissing: ColumnDrift = {
    ...categoricalColumn("sampling point", ["A", "B"], [800, 799], [0, 0], 0),
    missing_current: ROWS,
  };
  return resultOf([...base.columns, categoricalColumn(HOSTILE, ["", "x"], [3, 5], [4, 4], 0.2), allMissing], {
    columns_only_in_current: base.columns_only_in_current,
    untested_columns: base.untested_columns,
  });
}

describe.runIf(available)("drift report in headless Chromium", () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let folder: string;
  const write = (name: string, html: string) => {
    const file = join(folder, name);
    writeFileSync(file, html);
    return pathToFileURL(file).href;
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "clarus-report-"));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("loads nothing but itself, logs no error, charts every column and states the result's verdict", async () => {
    const result = trickyResult();
    const url = write("report.html", renderHtmlReport(result, SAMPLE_META));
    const page = await browser.openPage(url);
    expect(page.requests).toEqual([url]);
    expect(page.errors).toEqual([]);
    const seen = (await page.evaluate(`(() => ({
      headline: document.getElementById("verdict-headline").textContent,
      explanation: document.getElementById("verdict-explanation").textContent,
      cards: Array.from(document.querySelectorAll("article.card")).map((card) => ({
        name: card.querySelector("h3 .column-name").textContent,
        charts: card.querySelectorAll("svg.chart").length,
        chartHeight: card.querySelector("svg.chart").getBoundingClientRect().height,
      })),
      rows: Array.from(document.querySelectorAll("table.columns tbody th")).map((cell) => cell.textContent),
      images: document.querySelectorAll("img").length,
      filterShown: !document.getElementById("filter").hidden,
    }))()`)) as {
      headline: string;
      explanation: string;
      cards: Array<{ name: string; charts: number; chartHeight: number }>;
      rows: string[];
      images: number;
      filterShown: boolean;
    };
    const verdict = verdictOf(result);
    expect(seen.headline).toBe(verdict.headline);
    expect(seen.explanation).toBe(verdict.explanation);
    expect(seen.cards.map((card) => card.name).sort()).toEqual(result.columns.map((column) => column.column).sort());
    for (const card of seen.cards) {
      expect(card.charts, card.name).toBe(1);
      expect(card.chartHeight, card.name).toBeGreaterThan(100);
    }
    expect(seen.rows).toContain(HOSTILE);
    expect(seen.images).toBe(0);
    expect(seen.filterShown).toBe(true);

    // Colour-blind and greyscale readers: Okabe-Ito blue, solid, for the reference; the current data (bars and
    // legend swatch alike) filled with the page's hatch pattern, which tells them apart without colour.
    const paint = (await page.evaluate(`(() => {
      const fill = (selector) => getComputedStyle(document.querySelector(selector)).fill;
      return {
        reference: fill("svg.chart .bar-ref"),
        current: fill("svg.chart path.bar-cur, svg.chart rect.bar-cur"),
        legendCurrent: fill("svg.chart .legend .bar-cur"),
        hatch: document.querySelectorAll("pattern#hatch-current").length,
      };
    })()`)) as { reference: string; current: string; legendCurrent: string; hatch: number };
    expect(paint).toEqual({
      reference: "rgb(0, 114, 178)",
      current: 'url("#hatch-current")',
      legendCurrent: 'url("#hatch-current")',
      hatch: 1,
    });
  });

  it("shows the engine's verdict on the wine data against a shifted copy, with a chart per column", async () => {
    const wine = readFileSync(new URL("../fixtures/winequality-red.csv", import.meta.url), "utf8");
    const result = await detectDrift(
      { name: "winequality-red.csv", stream: Readable.from([wine]) },
      { name: "winequality-red-shifted.csv", stream: Readable.from([shiftedWineCopy(wine)]) },
    );
    expect(result.drift_detected).toBe(true);
    const url = write("wine.html", renderHtmlReport(result, SAMPLE_META));
    const page = await browser.openPage(url);
    expect(page.requests).toEqual([url]);
    expect(page.errors).toEqual([]);
    const seen = (await page.evaluate(`({
      headline: document.getElementById("verdict-headline").textContent,
      explanation: document.getElementById("verdict-explanation").textContent,
      charted: Array.from(document.querySelectorAll("article.card"))
        .filter((card) => card.querySelectorAll("svg.chart").length === 1)
        .map((card) => card.dataset.name),
    })`)) as { headline: string; explanation: string; charted: string[] };
    expect(seen.headline).toBe("Drift detected");
    expect(seen.explanation).toBe(verdictOf(result).explanation);
    expect(seen.charted.sort()).toEqual(result.columns.map((column) => column.column.toLowerCase()).sort());
    expect(seen.charted).toHaveLength(12);
  });

  it("is complete with scripts disabled: every row and chart, no filter box", async () => {
    const result = wideResult(30);
    const page = await browser.openPage(write("no-script.html", renderHtmlReport(result, SAMPLE_META)), {
      scriptsDisabled: true,
    });
    expect(page.errors).toEqual([]);
    const seen = (await page.evaluate(`({
      rows: document.querySelectorAll("table.columns tbody tr").length,
      charts: document.querySelectorAll("article.card svg.chart").length,
      filterDisplayed: getComputedStyle(document.getElementById("filter")).display !== "none",
    })`)) as { rows: number; charts: number; filterDisplayed: boolean };
    expect(seen).toEqual({ rows: 30, charts: 30, filterDisplayed: false });
  });

  it("filters rows and charts by name and verdict, and prints collapsed charts", async () => {
    const page = await browser.openPage(write("wide.html", renderHtmlReport(wideResult(60), SAMPLE_META)));
    const visible = `(selector) => Array.from(document.querySelectorAll(selector)).filter((element) => element.checkVisibility()).length`;
    const count = async (selector: string) => (await page.evaluate(`(${visible})(${JSON.stringify(selector)})`)) as number;
    expect(await count("table.columns tbody tr")).toBe(60);
    expect(await count("article.card")).toBe(12);
    await page.evaluate(`(() => {
      const text = document.getElementById("filter-text");
      text.value = "SENSOR_1";
      text.dispatchEvent(new Event("input"));
    })()`);
    expect(await count("table.columns tbody tr")).toBe(10);
    expect(await page.evaluate(`document.getElementById("filter-count").textContent`)).toBe("10 of 60 columns shown");
    await page.evaluate(`(() => {
      const text = document.getElementById("filter-text");
      text.value = "";
      text.dispatchEvent(new Event("input"));
      const drifted = document.getElementById("filter-drifted");
      drifted.checked = true;
      drifted.dispatchEvent(new Event("change"));
    })()`);
    expect(await count("table.columns tbody tr")).toBe(12);

    const printed = await browser.openPage(write("print.html", renderHtmlReport(wideResult(60), SAMPLE_META)));
    await printed.emulateMedia("print");
    const printedCards = (await printed.evaluate(`(${visible})("article.card svg.chart")`)) as number;
    expect(printedCards).toBe(60);
  });
});
