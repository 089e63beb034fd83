import { createHash } from "node:crypto";
import type { Experiment } from "../experiments/experiment.js";
import { newDataLabel } from "../experiments/experiment.js";
import { escapeHtml } from "../report/escape.js";
import { formatNumber, formatPercent, formatTimestamp } from "../report/format-number.js";
import type { History, HistoryRun } from "./run-history.js";
import { runPath } from "./run-history.js";

/** Wider data keeps the page readable: the most drifted columns are shown, the history route has them all. */
export const MONITOR_MAX_COLUMNS = 60;

/** Okabe–Ito colours as the report; heat-map shades step with the effect size (Jensen–Shannon distance). */
const MONITOR_STYLES = `
:root { --drift: #d55e00; --ok: #009e73; --ink: #1b1b1b; --muted: #5b5b5b; --line: #d9d9d9; color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1240px; padding: 20px 24px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 18px; margin: 28px 0 8px; }
code { font: 12.5px/1.4 ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
a { color: #0b5394; }
.muted { color: var(--muted); font-size: 12px; }
.verdict { border-left: 8px solid var(--ok); background: #eef8f4; padding: 12px 16px; border-radius: 4px; margin: 12px 0; }
.verdict.is-drifted { border-left-color: var(--drift); background: #fcefe8; }
.verdict.is-none { border-left-color: #8a8a8a; background: #f3f3f3; }
.verdict p { margin: 0; } .verdict .headline { font-size: 22px; font-weight: 750; }
.chart { max-width: 100%; height: auto; }
.axis { stroke: #8a8a8a; } .grid { stroke: #ececec; }
.tick { font-size: 11px; fill: var(--muted); }
.share { fill: none; stroke: var(--ink); stroke-width: 1.5; }
.threshold { stroke: var(--drift); stroke-width: 1.5; stroke-dasharray: 6 4; fill: none; }
.threshold-label { font-size: 11px; fill: #a33f00; }
.point-ok { fill: var(--ok); } .point-drift { fill: var(--drift); }
.scroll { overflow-x: auto; }
table.heat { border-collapse: collapse; font-size: 12px; }
table.heat th, table.heat td { border: 1px solid #fff; padding: 0; text-align: center; }
table.heat thead th { font-weight: 600; vertical-align: bottom; padding: 2px 4px; max-width: 90px; overflow-wrap: anywhere; }
table.heat th.run { text-align: left; white-space: nowrap; padding: 2px 8px 2px 0; font-weight: 400; }
table.heat td a { display: block; min-width: 30px; height: 24px; line-height: 24px; text-decoration: none; color: var(--ink); }
.s0 { background: #f2f2f2; } .s1 { background: #fde9d9; } .s2 { background: #f9c9a6; } .s3 { background: #f0a26e; } .s4 { background: #e07a3a; } .s5 { background: #c2540f; }
td.s4 a, td.s5 a { color: #fff; }
td.drifted a { font-weight: 800; outline: 2px solid var(--ink); outline-offset: -2px; }
td.untested { background: #fff; color: var(--muted); }
.legend { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin: 6px 0; font-size: 12px; }
.legend span.swatch { display: inline-block; width: 18px; height: 14px; vertical-align: middle; margin-right: 4px; }
`;

function hashSource(text: string): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

/** The page's Content-Security-Policy: its own stylesheet, nothing else; no script at all. */
export const MONITOR_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${hashSource(MONITOR_STYLES)}`,
  "img-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join("; ");

/** Where a run's cell or point leads: its report when it wrote one, its record otherwise. */
function runLink(experimentId: string, run: HistoryRun): string {
  return run.report ?? runPath(experimentId, run.run_id);
}

/**
 * The experiment's monitor page: the last verdict on top, the drifted share per run over time against its threshold,
 * and a runs × columns heat map of drift (each cell linking to that run's report). Self-contained like the report:
 * no script, no request beyond its own links, readable in greyscale (drifted cells are outlined and marked ●).
 */
export function renderMonitorPage(experiment: Experiment, history: History, generatedAt: Date): string {
  const title = `Drift monitor: ${experiment.id}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${MONITOR_CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${MONITOR_STYLES}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(experiment.description)} · new data <code>${escapeHtml(`${experiment.bucket}/${newDataLabel(experiment)}`)}</code> · reference <code>${escapeHtml(`${experiment.bucket}/${experiment.referencePath}`)}</code></p>
${lastVerdict(experiment.id, history.runs[0])}
</header>
<main>
<h2 id="share">Drifted share per run</h2>
${shareChart(experiment.id, [...history.runs].reverse())}
<h2 id="columns">Drift by column</h2>
${heatMap(experiment.id, history.runs)}
</main>
<footer><p class="muted">${history.runs.length} runs that reached a verdict, newest first. Generated ${formatTimestamp(generatedAt)}. The same data as JSON: <a href="/api/experiments/${encodeURIComponent(experiment.id)}/history">history</a>.</p></footer>
</body>
</html>
`;
}

function lastVerdict(experimentId: string, run: HistoryRun | undefined): string {
  if (!run)
    return `<div class="verdict is-none" id="last-verdict"><p class="headline">No verdict yet</p><p>No run of this experiment has compared data yet.</p></div>`;
  const headline = run.drift_detected ? "Drift detected" : "No drift";
  return (
    `<div class="verdict ${run.drift_detected ? "is-drifted" : "is-ok"}" id="last-verdict">` +
    `<p class="headline">${headline}</p>` +
    `<p>Last run <a href="${escapeHtml(runLink(experimentId, run))}">${escapeHtml(run.run_id)}</a> on ${formatTimestamp(new Date(run.started_at))}: ` +
    `${run.number_of_drifted_columns} of ${run.number_of_columns} columns drifted (${formatPercent(run.drift_share)}; the dataset counts as drifted at ${formatPercent(run.drift_share_threshold)}). ` +
    `Data <code>${escapeHtml(run.dataset.path)}</code>.</p></div>`
  );
}

function shareChart(experimentId: string, runs: HistoryRun[]): string {
  if (runs.length === 0) return `<p class="muted">Nothing to draw yet.</p>`;
  const width = 900;
  const height = 260;
  const left = 48;
  const right = 20;
  const top = 14;
  const bottom = 40;
  const times = runs.map((run) => Date.parse(run.started_at));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = last - first;
  const x = (index: number) =>
    left +
    (span > 0 ? ((times[index] as number) - first) / span : runs.length === 1 ? 0.5 : index / (runs.length - 1)) *
      (width - left - right);
  const y = (share: number) => top + (1 - Math.max(0, Math.min(1, share))) * (height - top - bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (share) =>
        `<line class="grid" x1="${left}" x2="${width - right}" y1="${y(share).toFixed(1)}" y2="${y(share).toFixed(1)}"/>` +
        `<text class="tick" x="${left - 6}" y="${(y(share) + 4).toFixed(1)}" text-anchor="end">${formatPercent(share)}</text>`,
    )
    .join("");
  const line = runs.map((run, index) => `${x(index).toFixed(1)},${y(run.drift_share).toFixed(1)}`).join(" ");
  // The threshold as each run judged by it: a step line, flat unless the options changed.
  const threshold = runs
    .map((run, index) => {
      const x0 = index === 0 ? left : (x(index - 1) + x(index)) / 2;
      const x1 = index === runs.length - 1 ? width - right : (x(index) + x(index + 1)) / 2;
      return `${x0.toFixed(1)},${y(run.drift_share_threshold).toFixed(1)} ${x1.toFixed(1)},${y(run.drift_share_threshold).toFixed(1)}`;
    })
    .join(" ");
  const lastThreshold = runs.at(-1)?.drift_share_threshold ?? 0.5;
  const points = runs
    .map((run, index) => {
      const label = `${run.run_id} (${formatTimestamp(new Date(run.started_at))}): ${formatPercent(run.drift_share)} drifted, ${run.drift_detected ? "drift" : "no drift"}`;
      return (
        `<a href="${escapeHtml(runLink(experimentId, run))}"><circle class="${run.drift_detected ? "point-drift" : "point-ok"}" cx="${x(index).toFixed(1)}" cy="${y(run.drift_share).toFixed(1)}" r="4.5">` +
        `<title>${escapeHtml(label)}</title></circle></a>`
      );
    })
    .join("");
  const dates =
    `<text class="tick" x="${left}" y="${height - 18}" text-anchor="start">${formatTimestamp(new Date(first))}</text>` +
    (span > 0
      ? `<text class="tick" x="${width - right}" y="${height - 18}" text-anchor="end">${formatTimestamp(new Date(last))}</text>`
      : "");
  const summary = `Drifted share of ${runs.length} runs from ${formatTimestamp(new Date(first))} to ${formatTimestamp(new Date(last))}; the dataset counts as drifted at ${formatPercent(lastThreshold)}`;
  return (
    `<svg class="chart" id="share-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(summary)}">` +
    grid +
    `<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}"/>` +
    `<line class="axis" x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}"/>` +
    `<polyline class="threshold" points="${threshold}"/>` +
    `<text class="threshold-label" x="${width - right}" y="${(y(lastThreshold) - 5).toFixed(1)}" text-anchor="end">threshold ${formatPercent(lastThreshold)}</text>` +
    (runs.length > 1 ? `<polyline class="share" points="${line}"/>` : "") +
    points +
    dates +
    `<text class="tick" x="${(width / 2).toFixed(0)}" y="${height - 4}" text-anchor="middle">run start time (UTC)</text>` +
    "</svg>"
  );
}

/** Columns ordered by how often they drifted, then by mean effect size; at most MONITOR_MAX_COLUMNS. */
function chosenColumns(runs: HistoryRun[]): { shown: string[]; hidden: number } {
  const stats = new Map<string, { drifted: number; effect: number; count: number }>();
  for (const run of runs)
    for (const column of run.columns ?? []) {
      const entry = stats.get(column.column) ?? { drifted: 0, effect: 0, count: 0 };
      entry.drifted += column.drifted ? 1 : 0;
      entry.effect += column.effect_size ?? 0;
      entry.count += 1;
      stats.set(column.column, entry);
    }
  const ordered = [...stats.entries()]
    .sort(([a, x], [b, y]) => y.drifted - x.drifted || y.effect / y.count - x.effect / x.count || (a < b ? -1 : 1))
    .map(([name]) => name);
  return { shown: ordered.slice(0, MONITOR_MAX_COLUMNS), hidden: Math.max(0, ordered.length - MONITOR_MAX_COLUMNS) };
}

function shade(effectSize: number | null): number {
  if (effectSize === null) return 0;
  return Math.min(5, Math.ceil(Math.max(0, effectSize) / 0.1));
}

function heatMap(experimentId: string, runs: HistoryRun[]): string {
  const { shown, hidden } = chosenColumns(runs);
  if (shown.length === 0) return `<p class="muted">No run has per-column results yet.</p>`;
  const head = `<tr><th class="run" scope="col">Run (UTC start)</th><th scope="col">share</th>${shown.map((name) => `<th scope="col">${escapeHtml(name)}</th>`).join("")}</tr>`;
  const rows = runs
    .map((run) => {
      const byName = new Map((run.columns ?? []).map((column) => [column.column, column]));
      const link = escapeHtml(runLink(experimentId, run));
      const cells = shown
        .map((name) => {
          const column = byName.get(name);
          if (!column) return `<td class="untested" title="${escapeHtml(name)}: not tested in this run">–</td>`;
          const scoreText = column.score === null ? "n/a" : formatNumber(column.score, 3);
          const label =
            `${name}: ${column.drifted ? "drifted" : "not drifted"} (${column.test} score ${scoreText}, threshold ${formatNumber(column.threshold, 3)}` +
            `${column.effect_size === null ? "" : `, effect size ${formatNumber(column.effect_size, 2)}`})`;
          return `<td class="s${shade(column.effect_size)}${column.drifted ? " drifted" : ""}"><a href="${link}" title="${escapeHtml(label)}">${column.drifted ? "●" : "&nbsp;"}</a></td>`;
        })
        .join("");
      return `<tr><th class="run" scope="row"><a href="${link}">${formatTimestamp(new Date(run.started_at)).replace(" UTC", "")}</a></th><td>${formatPercent(run.drift_share)}</td>${cells}</tr>`;
    })
    .join("\n");
  const legend =
    `<div class="legend"><span>Shade: effect size (Jensen–Shannon distance)</span>` +
    [0, 1, 2, 3, 4, 5]
      .map(
        (step) =>
          `<span><span class="swatch s${step}"></span>${step === 0 ? "0" : `≤ ${(step / 10).toFixed(1)}`}${step === 5 ? "+" : ""}</span>`,
      )
      .join("") +
    `<span><b>●</b> outlined: the column's test says drift</span></div>`;
  return (
    legend +
    `<div class="scroll"><table class="heat" id="heat-map"><caption class="muted">Runs × columns, newest first; each cell links to that run's report (its record when the run found no drift).${hidden > 0 ? ` ${hidden} more columns are in the history JSON.` : ""}</caption>` +
    `<thead>${head}</thead><tbody>${rows}</tbody></table></div>`
  );
}
