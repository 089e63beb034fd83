import type { DriftResult } from "../drift/result.js";
import { escapeHtml } from "./escape.js";
import { formatCount, formatPercent, formatTimestamp } from "./format-number.js";
import type { ReportMeta } from "./report-meta.js";
import type { Verdict } from "./verdict.js";

/** The top of the report: the verdict in words, the drifted share against its threshold, and where the data came from. */
export function reportHeader(title: string, verdict: Verdict, result: DriftResult, meta: ReportMeta): string {
  const dataset = (name: string, source: string, rows: number, modifiedAt: Date | undefined) =>
    `<div class="fact fact-wide"><dt>${name}</dt><dd><code class="path">${escapeHtml(source)}</code><br>${formatCount(rows)} rows` +
    (modifiedAt ? ` · modified ${formatTimestamp(modifiedAt)}` : "") +
    "</dd></div>";
  return (
    `<header><h1>${escapeHtml(title)}</h1>` +
    `<div class="verdict ${result.drift_detected ? "is-drifted" : "is-ok"}" id="verdict">` +
    `<p class="verdict-headline" id="verdict-headline">${escapeHtml(verdict.headline)}</p>` +
    `<p class="verdict-explanation" id="verdict-explanation">${escapeHtml(verdict.explanation)}</p>` +
    shareGauge(result) +
    "</div>" +
    `<dl class="facts">` +
    dataset("Reference data", meta.referenceSource, result.rows_reference, meta.referenceModifiedAt) +
    dataset("Current data", meta.currentSource, result.rows_current, meta.currentModifiedAt) +
    `<div class="fact"><dt>Generated</dt><dd>${formatTimestamp(meta.generatedAt)}</dd></div>` +
    (meta.experimentId ? `<div class="fact"><dt>Experiment</dt><dd>${escapeHtml(meta.experimentId)}</dd></div>` : "") +
    `<div class="fact"><dt>Detector</dt><dd>clarus drift detector ${escapeHtml(meta.detectorVersion)}</dd></div>` +
    (meta.monitorPath
      ? `<div class="fact"><dt>History</dt><dd><a id="monitor-link" href="${escapeHtml(meta.monitorPath)}">previous runs of this experiment</a></dd></div>`
      : "") +
    "</dl></header>"
  );
}

/** A bar of the drifted share with a mark at the threshold, so "how far from the line" is seen at once. */
function shareGauge(result: DriftResult): string {
  const width = 320;
  const clamp = (share: number) => Math.max(0, Math.min(1, share)) * width;
  const filled = clamp(result.drift_share);
  const mark = clamp(result.drift_share_threshold);
  const label = `Drifted share ${formatPercent(result.drift_share)}, dataset drift at ${formatPercent(result.drift_share_threshold)}`;
  return (
    `<svg class="gauge" viewBox="0 0 ${width + 2} 40" width="${width + 2}" height="40" role="img" aria-label="${escapeHtml(label)}">` +
    `<rect class="gauge-track" x="1" y="4" width="${width}" height="14" rx="2"/>` +
    `<rect class="gauge-fill" x="1" y="4" width="${filled.toFixed(1)}" height="14" rx="2"/>` +
    `<line class="gauge-mark" x1="${(mark + 1).toFixed(1)}" x2="${(mark + 1).toFixed(1)}" y1="0" y2="22"/>` +
    `<text class="gauge-label" x="${(mark + 1).toFixed(1)}" y="35" text-anchor="${mark > width * 0.7 ? "end" : "middle"}">threshold ${formatPercent(result.drift_share_threshold)}</text>` +
    "</svg>"
  );
}
