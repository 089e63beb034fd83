import type { ColumnDrift, NumericSummary } from "../drift/result.js";
import { columnChart } from "./column-chart.js";
import { escapeHtml } from "./escape.js";
import { formatNumber, formatPercent } from "./format-number.js";
import { testLabel } from "./test-labels.js";
import { decisionValue, driftRule, missingShare } from "./test-outcome.js";

/** One column's card: its verdict, the test that decided it, the chart, and the summary statistics. */
export function columnCard(column: ColumnDrift, index: number, rows: { reference: number; current: number }): string {
  const summary = column.summary ? summaryLine(column.summary.reference, column.summary.current) : "";
  const missing = `missing ${formatPercent(missingShare(column.missing_reference, rows.reference))} → ${formatPercent(missingShare(column.missing_current, rows.current))}`;
  return (
    `<article class="card${column.drifted ? " is-drifted" : ""}" id="col-${index}" data-name="${escapeHtml(column.column.toLowerCase())}" data-drifted="${column.drifted}">` +
    `<h3><a href="#row-${index}" class="column-name">${escapeHtml(column.column)}</a> ${driftBadge(column.drifted)}</h3>` +
    `<p class="test-line">${testLabel(column)} = <strong>${decisionValue(column).text}</strong> · ${driftRule(column)}</p>` +
    columnChart(column, `chart-${index}`) +
    `<p class="summary">${summary}${summary ? " · " : ""}${missing} <span class="muted">(reference → current)</span></p>` +
    (column.note ? `<p class="note">${escapeHtml(column.note)}</p>` : "") +
    "</article>"
  );
}

/** The drift verdict as a word with a colour, never as a colour alone. */
export function driftBadge(drifted: boolean): string {
  return drifted ? `<span class="badge badge-drift">Drifted</span>` : `<span class="badge badge-ok">No drift</span>`;
}

function summaryLine(reference: NumericSummary, current: NumericSummary): string {
  const pair = (name: string, a: number, b: number) => `${name} ${formatNumber(a)} → ${formatNumber(b)}`;
  return [
    pair("mean", reference.mean, current.mean),
    pair("std", reference.std, current.std),
    pair("min", reference.min, current.min),
    pair("max", reference.max, current.max),
  ].join(" · ");
}
