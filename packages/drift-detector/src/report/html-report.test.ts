import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  categoricalColumn,
  numericalColumn,
  ROWS,
  resultOf,
  SAMPLE_META,
  wideResult,
  wineLikeResult,
} from "../../test/report/sample-results.js";
import { detectDrift } from "../drift/detect-drift.js";
import type { ColumnDrift } from "../drift/result.js";
import { ReportInputError, renderHtmlReport, reportJson, verdictOf } from "./index.js";

const HOSTILE = `<script>alert("x")</script> & 'q'`;
const HOSTILE_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;";

/** The ids of the table rows' links, in document order, mapped back to column names. */
function tableOrder(html: string): string[] {
  return [...html.matchAll(/<tr id="row-\d+" data-name="([^"]*)"/g)].map((match) => match[1] as string);
}

function cardOf(html: string, column: string): string {
  const start = html.indexOf(`data-name="${column}"`, html.indexOf('<section id="charts">'));
  expect(start, `card of ${column}`).toBeGreaterThan(0);
  return html.slice(start, html.indexOf("</article>", start));
}

describe("renderHtmlReport", () => {
  it("escapes column names, category labels, paths and ids in text and attributes", () => {
    const result = resultOf([categoricalColumn(HOSTILE, [`a"<b>`, "x&y"], [5, 5], [2, 8], 0.3)], {
      columns_only_in_current: [`<i>only</i>`],
      untested_columns: [{ column: `"><svg onload=alert(1)>`, reason: "every value <missing>" }],
    });
    const html = renderHtmlReport(result, { ...SAMPLE_META, referenceSource: `s3://b/<ref>&"x".csv`, experimentId: `<exp>` });
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain("<svg onload");
    expect(html).not.toContain("<i>only</i>");
    expect(html).not.toContain("<missing>");
    expect(html).toContain(`<a href="#col-0">${HOSTILE_ESCAPED}</a>`);
    expect(html).toContain(`data-name="${HOSTILE_ESCAPED}"`);
    expect(html).toContain("a&quot;&lt;b&gt;");
    expect(html).toContain("x&amp;y");
    expect(html).toContain("s3://b/&lt;ref&gt;&amp;&quot;x&quot;.csv");
    expect(html).toContain("&lt;exp&gt;");
  });

  it("states the verdict in words with the drifted share and the threshold", () => {
    const drifted = wineLikeResult();
    const html = renderHtmlReport(drifted, SAMPLE_META);
    expect(verdictOf(drifted)).toEqual({
      headline: "Drift detected",
      explanation: "3 of 6 tested columns drifted (50%), reaching the 50% share at which the dataset counts as drifted.",
    });
    expect(html).toContain('<p class="verdict-headline" id="verdict-headline">Drift detected</p>');
    expect(html).toContain(verdictOf(drifted).explanation);
    expect(html).toContain("The dataset counts as drifted when at least 50% of the tested columns drifted.");

    const calm = resultOf(wineLikeResult().columns.filter((column) => !column.drifted || column.column === "alcohol"));
    expect(verdictOf(calm).headline).toBe("No drift detected");
    expect(verdictOf(calm).explanation).toBe(
      "1 of 4 tested columns drifted (25%), below the 50% share at which the dataset counts as drifted.",
    );
    expect(renderHtmlReport(calm, SAMPLE_META)).toContain('<div class="verdict is-ok" id="verdict">');
  });

  it("heads the page with both sources and their row counts, times, experiment and detector version", () => {
    const result = { ...wineLikeResult(), rows_reference: 1599, rows_current: 12000 };
    const html = renderHtmlReport(result, {
      ...SAMPLE_META,
      referenceModifiedAt: new Date("2026-11-01T08:00:00Z"),
      currentModifiedAt: new Date("2026-11-26T06:15:30Z"),
    });
    const header = html.slice(html.indexOf("<header>"), html.indexOf("</header>"));
    const fact = (label: string) => {
      const start = header.indexOf(`<dt>${label}</dt>`);
      expect(start, label).toBeGreaterThan(0);
      return header
        .slice(start, header.indexOf("</div>", start))
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim();
    };
    expect(fact("Reference data")).toBe(
      `Reference data ${SAMPLE_META.referenceSource} 1,599 rows · modified 2026-11-01 08:00:00 UTC`,
    );
    expect(fact("Current data")).toBe(`Current data ${SAMPLE_META.currentSource} 12,000 rows · modified 2026-11-26 06:15:30 UTC`);
    expect(fact("Generated")).toBe("Generated 2026-11-26 14:30:00 UTC");
    expect(fact("Experiment")).toBe("Experiment Clarus_RedWine_experiment");
    expect(fact("Detector")).toBe("Detector clarus drift detector 0.1.0");
    expect(header).toContain('aria-label="Drifted share 50%, dataset drift at 50%"');
    expect(html).toContain("<title>Data drift report: Clarus_RedWine_experiment: Drift detected</title>");
  });

  it("says when no column could be tested", () => {
    const result = resultOf([], { untested_columns: [{ column: "a", reason: "no values in new.csv: every cell is missing" }] });
    const html = renderHtmlReport(result, SAMPLE_META);
    expect(verdictOf(result).explanation).toBe("No column could be tested, so there is no evidence of drift either way.");
    expect(html).toContain("<p>No column could be tested.</p>");
    expect(html).toContain("no values in new.csv: every cell is missing");
  });

  it("orders columns drifted first, then by effect size, then by name", () => {
    const column = (name: string, drifted: boolean, effect: number): ColumnDrift => ({
      ...categoricalColumn(name, ["a", "b"], [1, 1], [1, 1], drifted ? 0.5 : 0),
      effect_size: effect,
    });
    const result = resultOf([
      column("calm-big", false, 0.6),
      column("drift-small", true, 0.1),
      column("b-tie", false, 0.2),
      column("a-tie", false, 0.2),
      column("drift-big", true, 0.4),
    ]);
    const html = renderHtmlReport(result, SAMPLE_META);
    expect(tableOrder(html)).toEqual(["drift-big", "drift-small", "calm-big", "a-tie", "b-tie"]);
    expect(html.indexOf('id="col-0" data-name="drift-big"')).toBeGreaterThan(0);
  });

  it("lists columns found in one file only and untested columns with their reasons", () => {
    const html = renderHtmlReport(wineLikeResult(), SAMPLE_META);
    expect(html).toContain("<h2>Not tested (2)</h2>");
    expect(html).toContain('<strong class="column-name">batch id</strong>: only in the current file');
    // pH misses 40 of 1,599 current values: shown, below the 5-point rise that is flagged.
    expect(html).toContain('<td class="num">0% → 2.5%</td>');
    expect(html).toContain('<strong class="column-name">operator note</strong>: every value is missing in the current data');
  });

  it("shows every table field: type, test, statistic, p-value, threshold, verdict, missing shares", () => {
    const ks: ColumnDrift = {
      ...numericalColumn({ name: "alcohol", reference: { mean: 10, std: 1 }, current: { mean: 10.5, std: 1 }, statistic: 0.4 }),
      test: "ks",
      statistic: 0.2134,
      p_value: 3.2e-12,
      threshold: 0.05,
      drifted: true,
      missing_current: 160,
    };
    const html = renderHtmlReport(resultOf([ks]), SAMPLE_META);
    const row = html.slice(html.indexOf('<tr id="row-0"'), html.indexOf("</tr>", html.indexOf('<tr id="row-0"')));
    expect(row).toContain("numerical");
    expect(row).toContain("K-S p_value");
    expect(row).toContain(
      '<td class="num">3.2e-12 <span class="muted">p-value</span></td><td class="num">0.05</td><td class="num">0.2134</td>',
    );
    expect(row).toContain("Drifted");
    expect(html).toContain(
      '<p class="test-line"><span title="stattest: ks">K-S p_value</span> = <strong>3.2e-12</strong> · drift below 0.05</p>',
    );
    // 160 of 1,599 rows missing in the current data.
    expect(row).toContain('<td class="num missing-rise" title="Missing values rose by 10% of rows">0% → 10% ▲</td>');
  });

  it("draws one chart per tested column, with title, legend and axes", () => {
    const result = wineLikeResult();
    const html = renderHtmlReport(result, SAMPLE_META);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(result.columns.length);
    const alcohol = cardOf(html, "alcohol");
    expect(alcohol).toMatch(/<title id="chart-\d+-t">alcohol: distribution of values<\/title>/);
    expect(alcohol).toMatch(/Reference \(n=1,\d{3}\)/);
    expect(alcohol).toContain("share of rows");
    expect(alcohol).toMatch(/<text class="tick"[^>]*>12<\/text>/);
    const quality = cardOf(html, "quality");
    expect(quality).toContain("quality: share of rows per category");
    for (const grade of ["3", "4", "5", "6", "7", "8"]) expect(quality).toContain(`>${grade}</text>`);
  });

  it("draws empty categories: an empty label, a category with no rows, and no categories at all", () => {
    const labels = categoricalColumn("shift", ["", "night", "weekend"], [10, 10, 0], [12, 6, 0], 0.05);
    const none = categoricalColumn("unused", [], [], [], 0);
    const html = renderHtmlReport(resultOf([labels, none]), SAMPLE_META);
    const shift = cardOf(html, "shift");
    expect(shift).toContain('class="tick empty-label"');
    expect(shift).toContain(">(empty)</text>");
    expect(shift).toContain("weekend: reference 0%, current 0%");
    expect(cardOf(html, "unused")).toContain("No categories to draw");
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("marks a category absent from the reference", () => {
    const html = renderHtmlReport(resultOf([categoricalColumn("line", ["A", "B"], [10, 0], [5, 5], 0.4)]), SAMPLE_META);
    expect(html).toContain('class="tick new-category"');
    expect(html).toContain("B (not in the reference): reference 0%, current 50%");
    expect(html.match(/<text class="zero-mark"[^>]*>0<\/text>/g)).toHaveLength(1);
  });

  it("folds categories past 24 into one bar, saying how many and how many are new", () => {
    const labels = Array.from({ length: 40 }, (_, i) => `grade ${String(i).padStart(2, "0")}`);
    const reference = labels.map((_, i) => (i === 39 ? 0 : 100 - i));
    const current = labels.map((_, i) => (i === 39 ? 3 : 100 - i));
    const card = cardOf(
      renderHtmlReport(resultOf([categoricalColumn("grade", labels, reference, current, 0.1)]), SAMPLE_META),
      "grade",
    );
    for (const kept of labels.slice(0, 23)) expect(card).toContain(`>${kept}</text>`);
    for (const folded of labels.slice(23)) expect(card).not.toContain(`>${folded}</text>`);
    expect(card).toContain("other (17 categories, 1 not in the reference)");
  });

  it("draws a constant column, on one zero-width bin or one category", () => {
    const base = numericalColumn({
      name: "pressure",
      reference: { mean: 5, std: 1 },
      current: { mean: 5, std: 1 },
      statistic: 0,
    });
    const zeroWidth: ColumnDrift = {
      ...base,
      distribution: { kind: "histogram", edges: [5, 5], reference: [ROWS], current: [ROWS] },
    };
    const single: ColumnDrift = {
      ...base,
      column: "valve",
      distribution: { kind: "categories", categories: ["5"], reference: [ROWS], current: [ROWS] },
    };
    const html = renderHtmlReport(resultOf([zeroWidth, single]), SAMPLE_META);
    const pressure = cardOf(html, "pressure");
    expect(pressure).toMatch(/<path class="bar-ref" d="M[\d.]+ [\d.]+H[\d.]+V/);
    expect(pressure).toMatch(/<text class="tick"[^>]*>5.0<\/text>/);
    expect(cardOf(html, "valve")).toContain(">5</text>");
    expect(cardOf(html, "valve")).toContain("valve (one bar per value)");
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("draws a column whose current values are all missing, saying so", () => {
    const column = numericalColumn({ name: "flow", reference: { mean: 3, std: 1 }, current: { mean: 3, std: 1 }, statistic: 0 });
    if (column.distribution.kind !== "histogram") throw new Error("histogram expected");
    const missing: ColumnDrift = {
      ...column,
      missing_current: ROWS,
      distribution: { ...column.distribution, current: column.distribution.current.map(() => 0) },
    };
    const card = cardOf(renderHtmlReport(resultOf([missing]), SAMPLE_META), "flow");
    expect(card).toContain("No values in the current data");
    expect(card).toContain("Current: no values");
    expect(card).toContain("missing 0% → 100%");
    expect(card).not.toContain('class="bar-cur"');
  });

  it("reports what the engine makes of a constant column and a column whose new values are all missing", async () => {
    const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i)).join("\n");
    const csv = (offset: number, flow: (i: number) => string) =>
      `temp,pressure,flow\n${lines(300, (i) => `${(20 + offset + (i % 97) * 0.0731).toFixed(4)},5.0,${flow(i)}`)}\n`;
    const result = await detectDrift(
      { name: "ref.csv", stream: Readable.from([csv(0, (i) => String((i % 13) * 1.5))]) },
      { name: "new.csv", stream: Readable.from([csv(0.5, () => "")]) },
    );
    const html = renderHtmlReport(result, SAMPLE_META);
    expect(result.columns.map((column) => column.column).sort()).toEqual(["pressure", "temp"]);
    expect(cardOf(html, "pressure")).toContain('<svg class="chart"');
    expect(cardOf(html, "temp")).toContain('<svg class="chart"');
    const flow = result.untested_columns.find((column) => column.column === "flow");
    expect(flow, "flow is listed as untested").toBeDefined();
    expect(html).toContain(`<strong class="column-name">flow</strong>: ${flow?.reason}`);
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("writes large and small measurements with a shared power of ten on the axis", () => {
    const huge = numericalColumn({
      name: "energy",
      reference: { mean: 3e9, std: 1e8 },
      current: { mean: 3.1e9, std: 1e8 },
      statistic: 0.2,
    });
    const tiny = numericalColumn({
      name: "trace",
      reference: { mean: 3e-7, std: 1e-8 },
      current: { mean: 3e-7, std: 1e-8 },
      statistic: 0,
    });
    const html = renderHtmlReport(resultOf([huge, tiny]), SAMPLE_META);
    expect(cardOf(html, "energy")).toContain("energy (×10⁹)");
    expect(cardOf(html, "energy")).toContain("mean 3e9 → 3.1e9");
    expect(cardOf(html, "trace")).toContain("trace (×10⁻⁷)");
  });

  it("is self-contained: a policy that forbids loading anything, and no reference to another resource", () => {
    const html = renderHtmlReport(wineLikeResult(), SAMPLE_META);
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/url\((?!#)|@import|<link|<img|<iframe/);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
  });

  it("stays small on 200 columns and collapses the charts of columns without drift", () => {
    const html = renderHtmlReport(wideResult(200), SAMPLE_META);
    expect(Buffer.byteLength(html)).toBeLessThan(3 * 1024 * 1024);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(200);
    expect(html).toContain('<details class="group" open><summary>Drifted columns (40)</summary>');
    expect(html).toContain('<details class="group"><summary>Columns without drift (160)</summary>');
  });

  it("beyond 200 columns keeps every column in the table, charts the drifted ones first, and says so", () => {
    const result = wideResult(3000);
    const html = renderHtmlReport(result, SAMPLE_META);
    // 3,000 charted columns would weigh ~12 MB; the table alone is about 1 KB a column.
    expect(Buffer.byteLength(html)).toBeLessThan(5 * 1024 * 1024);
    expect(html.match(/<tr id="row-\d+"/g)).toHaveLength(3000);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(200);
    // 600 columns drifted: the 200 charts all go to drifted columns.
    expect(html).toContain('<details class="group" open><summary>Drifted columns (200)</summary>');
    expect(html).not.toContain("Columns without drift (");
    expect(html).toContain(
      '<p class="chart-limit" id="chart-limit">3,000 columns were tested; charts are drawn for at most 200 of them: the 200 drifted columns with the largest effect sizes (of 600 drifted).',
    );
    // Rows link to charts only where there is one.
    expect(html.match(/<th scope="row"><a href="#col-/g)).toHaveLength(200);
    const json = reportJson(result, SAMPLE_META);
    expect(json.charts).toEqual({
      charted_columns: 200,
      tested_columns: 3000,
      limit: 200,
      note: expect.stringMatching(/^3,000 columns/),
    });
    expect(json.result.columns).toHaveLength(3000);
    expect(json.result.columns.filter((column) => column.distribution !== undefined)).toHaveLength(200);
    expect(json.result.columns.slice(0, 200).every((column) => column.drifted && column.distribution)).toBe(true);

    const fewDrifted = renderHtmlReport(wideResult(250), SAMPLE_META);
    expect(fewDrifted).toContain("all 50 drifted columns, then the columns without drift with the largest effect sizes");
    expect(fewDrifted).toContain('<details class="group"><summary>Columns without drift (150)</summary>');
  });

  it("refuses a distribution it cannot draw, naming the column", () => {
    const broken: ColumnDrift = {
      ...categoricalColumn("grade", ["a", "b"], [1, 2], [3, 4], 0),
      distribution: { kind: "categories", categories: ["a", "b"], reference: [1, 2], current: [3] },
    };
    expect(() => renderHtmlReport(resultOf([broken]), SAMPLE_META)).toThrow(
      new ReportInputError('column "grade": 1 current counts for 2 categories'),
    );
    const unsorted: ColumnDrift = {
      ...broken,
      distribution: { kind: "histogram", edges: [2, 1, 3], reference: [1, 1], current: [1, 1] },
    };
    expect(() => renderHtmlReport(resultOf([unsorted]), SAMPLE_META)).toThrow("bin edges must not decrease (edge 1)");
  });

  it("refuses metadata it cannot print truthfully", () => {
    expect(() => renderHtmlReport(wineLikeResult(), { ...SAMPLE_META, generatedAt: new Date("nope") })).toThrow(
      "report metadata: generatedAt must be a valid Date",
    );
    expect(() => renderHtmlReport(wineLikeResult(), { ...SAMPLE_META, currentSource: " " })).toThrow(
      "report metadata: currentSource must be a non-empty string",
    );
  });
});
