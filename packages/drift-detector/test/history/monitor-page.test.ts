// Drift over time for a 30-run experiment on s3rver: the history route from the run records (no re-computation), and
// the monitor page as headless Chromium shows it: nothing loaded, no script, the last verdict on top, a point per run
// against the threshold line and a runs × columns heat map whose cells link to each run's report.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from "../../scripts/headless-chromium.mjs";
import { REFERENCE_CSV, table } from "../support/datasets.js";
import { FAST_POLICY } from "../support/drift-service.js";
import { type ExperimentsService, startExperimentsService } from "../support/experiments-service.js";
import { type RunningS3rver, s3StoreOn, startS3rver } from "../support/s3rver.js";

const BUCKET = "history-bucket";
const RUNS = 30;
const available = chromiumAvailable();
const unavailable = `no Chromium executable at ${CHROMIUM_PATH} (set CHROMIUM_PATH, or install Debian's chromium)`;
if (!available && process.env.CLARUS_REQUIRE_CHROMIUM === "1") {
  it("Chromium is available", () => {
    throw new Error(`CLARUS_REQUIRE_CHROMIUM=1 but ${unavailable}`);
  });
}

let s3: RunningS3rver;
let service: ExperimentsService;
let folder: string;
type HistoryRun = {
  run_id: string;
  status: string;
  drift_detected: boolean;
  drift_share: number;
  report: string | null;
  columns: Array<{ column: string; test: string; score: number; drifted: boolean }>;
};
let history: { runs: HistoryRun[]; columns_not_found: string[] };
let recorded: Array<{ id: string; status: string; drift: { columns: unknown[] } }>;

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  service = await startExperimentsService({
    s3,
    file: `experiments:\n  - { id: line_30, bucket: ${BUCKET}, reference: l/reference.csv, new_data: l/new.csv, reports: l/reports }\n`,
  });
  const store = s3StoreOn(s3, BUCKET, FAST_POLICY);
  await store.put("l/reference.csv", REFERENCE_CSV, "text/csv");
  // Batches that wander away and back: some runs drift (and swap the reference), most do not.
  for (let run = 0; run < RUNS; run++) {
    await store.put("l/new.csv", table(100 + run, 300, [0, 0, 0.1, 0, 1.2, 0][run % 6] as number), "text/csv");
    const answer = await service.call("POST", "/api/experiments/line_30/runs?wait=true");
    expect(answer.status).toBe(201);
  }
  recorded = (await service.call("GET", "/api/experiments/line_30/runs?limit=100")).body.runs;
  history = (await service.call("GET", `/api/experiments/line_30/history?limit=${RUNS}`)).body;
  folder = mkdtempSync(join(tmpdir(), "clarus-monitor-"));
}, 180_000);

afterAll(async () => {
  await service?.close();
  await s3?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("the history of a 30-run experiment", () => {
  it("lists every judged run newest first with each column's test, score and verdict, as recorded", () => {
    expect(history.runs).toHaveLength(RUNS);
    expect(history.runs.map((run) => run.run_id)).toEqual(recorded.map((record) => record.id));
    const drifted = history.runs.filter((run) => run.drift_detected);
    expect(drifted.length).toBeGreaterThan(0);
    expect(drifted.length).toBeLessThan(RUNS);
    for (const run of history.runs) {
      expect(run.columns.map((column) => column.column).sort()).toEqual(["grade", "pressure", "temperature"]);
      expect(run.report === null).toBe(!run.drift_detected);
    }
    const record = recorded[0] as { drift: { columns: unknown[] } };
    expect(history.runs[0]?.columns).toEqual(record.drift.columns);
  });

  it("keeps only the columns asked for, names those no run tested, and refuses limits out of range", async () => {
    const some = (await service.call("GET", "/api/experiments/line_30/history?columns=temperature,nope&limit=5")).body;
    expect(some.runs).toHaveLength(5);
    for (const run of some.runs) expect(run.columns.map((c: { column: string }) => c.column)).toEqual(["temperature"]);
    expect(some.columns_not_found).toEqual(["nope"]);
    for (const limit of ["0", "501", "x"]) {
      const refused = await service.call("GET", `/api/experiments/line_30/history?limit=${limit}`);
      expect(refused.status, limit).toBe(400);
      expect(refused.body.errors[0].field, limit).toBe("limit");
    }
  });
});

describe.runIf(available)("the monitor page in headless Chromium", () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("loads nothing, runs no script, and shows the last verdict, the share over time and the heat map", async () => {
    const answer = await fetch(`${service.url}/api/experiments/line_30/monitor?limit=${RUNS}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-security-policy")).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'; img-src 'none'/,
    );
    const html = await answer.text();
    expect(html).not.toMatch(/<script/i);
    const bytes = Buffer.byteLength(html);
    // The size of the page for 30 runs × 3 columns, for docs/drift-detector.md.
    console.info(`monitor page: ${RUNS} runs × 3 columns = ${bytes} bytes`);
    expect(bytes).toBeLessThan(200_000);

    const file = join(folder, "monitor.html");
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await browser.openPage(url);
    expect(page.requests).toEqual([url]);
    expect(page.errors).toEqual([]);
    const seen = (await page.evaluate(`(() => ({
      headline: document.querySelector("#last-verdict .headline").textContent,
      lastRunLink: document.querySelector("#last-verdict a").getAttribute("href"),
      points: document.querySelectorAll("#share-chart circle").length,
      drawnPoints: Array.from(document.querySelectorAll("#share-chart circle")).filter((c) => c.getBoundingClientRect().width > 0).length,
      threshold: document.querySelectorAll("#share-chart polyline.threshold").length,
      rows: document.querySelectorAll("#heat-map tbody tr").length,
      columns: Array.from(document.querySelectorAll("#heat-map thead th")).slice(2).map((th) => th.textContent).sort(),
      cellLinks: Array.from(document.querySelectorAll("#heat-map tbody tr")).map((tr) =>
        Array.from(tr.querySelectorAll("td a")).map((a) => a.getAttribute("href"))),
      driftedMarks: document.querySelectorAll("#heat-map td.drifted").length,
      heatWidth: document.getElementById("heat-map").getBoundingClientRect().width,
    }))()`)) as {
      headline: string;
      lastRunLink: string;
      points: number;
      drawnPoints: number;
      threshold: number;
      rows: number;
      columns: string[];
      cellLinks: string[][];
      driftedMarks: number;
      heatWidth: number;
    };
    const last = history.runs[0] as HistoryRun;
    expect(seen.headline).toBe(last.drift_detected ? "Drift detected" : "No drift");
    const linkOf = (run: HistoryRun) => run.report ?? `/api/experiments/line_30/runs/${run.run_id}`;
    expect(seen.lastRunLink).toBe(linkOf(last));
    expect(seen.points).toBe(RUNS);
    expect(seen.drawnPoints).toBe(RUNS);
    expect(seen.threshold).toBe(1);
    expect(seen.rows).toBe(RUNS);
    expect(seen.columns).toEqual(["grade", "pressure", "temperature"]);
    expect(seen.cellLinks).toEqual(history.runs.map((run) => [linkOf(run), linkOf(run), linkOf(run)]));
    expect(seen.driftedMarks).toBe(
      history.runs.reduce((sum, run) => sum + run.columns.filter((column) => column.drifted).length, 0),
    );
    expect(seen.heatWidth).toBeGreaterThan(100);

    // Each drifted run's report link answers the report, which links back to this page.
    const report = await service.call("GET", linkOf(history.runs.find((run) => run.drift_detected) as HistoryRun));
    expect(report.status).toBe(200);
    expect(report.body).toContain('href="/api/experiments/line_30/monitor"');
  });
});
