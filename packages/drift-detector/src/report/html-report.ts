import type { DriftResult } from "../drift/result.js";
import { chartDefinitions } from "./chart-frame.js";
import { selectCharted } from "./chart-limit.js";
import { columnCard } from "./column-card.js";
import { COLUMN_FILTER_SCRIPT } from "./column-filter-script.js";
import { orderColumns } from "./column-order.js";
import { columnTable, notTestedList } from "./column-table.js";
import { CONTENT_SECURITY_POLICY } from "./content-security-policy.js";
import { escapeHtml } from "./escape.js";
import { formatTimestamp } from "./format-number.js";
import { readingGuide } from "./reading-guide.js";
import { reportHeader } from "./report-header.js";
import { checkReportMeta, type ReportMeta, reportTitle } from "./report-meta.js";
import { REPORT_STYLES } from "./report-styles.js";
import { verdictOf } from "./verdict.js";

/** Up to this many columns, the charts of columns without drift start expanded too. */
const EXPANDED_COLUMN_LIMIT = 24;

/**
 * The drift report as one self-contained HTML document: verdict, column table and a chart per
 * tested column (up to MAX_CHARTED_COLUMNS, drifted first), all static (readable with scripts disabled and in print).
 */
export function renderHtmlReport(result: DriftResult, meta: ReportMeta): string {
  checkReportMeta(meta);
  const title = reportTitle(meta);
  const verdict = verdictOf(result);
  const ordered = orderColumns(result.columns);
  const rows = { reference: result.rows_reference, current: result.rows_current };
  const selection = selectCharted(ordered);
  const cards = selection.charted.map((column, index) => ({ drifted: column.drifted, html: columnCard(column, index, rows) }));
  const drifted = cards.filter((card) => card.drifted);
  const stable = cards.filter((card) => !card.drifted);
  const group = (label: string, members: typeof cards, open: boolean) =>
    members.length === 0
      ? ""
      : `<details class="group"${open ? " open" : ""}><summary>${label} (${members.length})</summary><div class="cards">${members.map((card) => card.html).join("")}</div></details>`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="clarus drift detector ${escapeHtml(meta.detectorVersion)}">
<title>${escapeHtml(title)}: ${escapeHtml(verdict.headline)}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
${chartDefinitions()}
${reportHeader(title, verdict, result, meta)}
<main>
<section id="columns"><h2>Columns</h2>
${readingGuide(result)}
<div class="filter" id="filter" hidden role="search"><label>Filter columns <input type="search" id="filter-text" placeholder="column name" autocomplete="off"></label><label><input type="checkbox" id="filter-drifted"> drifted only</label><span id="filter-count" class="muted" aria-live="polite"></span></div>
${ordered.length > 0 ? columnTable(ordered, result, selection.charted.length) : "<p>No column could be tested.</p>"}
</section>
${notTestedList(result)}
<section id="charts"><h2>Distributions</h2>
<p class="muted">Each chart overlays the reference data (solid blue) and the current data (hatched orange) as shares of rows, on the same bins or categories. Hover a bar for exact shares.</p>
${selection.note ? `<p class="chart-limit" id="chart-limit">${escapeHtml(selection.note)}</p>` : ""}
${group("Drifted columns", drifted, true)}
${group("Columns without drift", stable, cards.length <= EXPANDED_COLUMN_LIMIT)}
</section>
</main>
<footer>Generated ${formatTimestamp(meta.generatedAt)} by clarus drift detector ${escapeHtml(meta.detectorVersion)}. Tests and thresholds follow Evidently's defaults; the JSON twin of this report holds the same data.</footer>
<script>${COLUMN_FILTER_SCRIPT}</script>
</body>
</html>
`;
}
