import type { ColumnDrift, DriftResult } from "../drift/result.js";
import { driftBadge } from "./column-card.js";
import { escapeHtml } from "./escape.js";
import { formatNumber, formatPercent } from "./format-number.js";
import { testLabel } from "./test-labels.js";
import { decisionValue, missingShare } from "./test-outcome.js";

/** Largest Jensen–Shannon distance with natural logarithms, √ln 2 (scipy.spatial.distance.jensenshannon, base e). */
const MAX_EFFECT = Math.sqrt(Math.LN2);

/** The table of every tested column, in report order; the first `charted` rows link to their column's chart. */
export function columnTable(ordered: readonly ColumnDrift[], result: DriftResult, charted: number): string {
  const rows = ordered
    .map((column, index) => {
      const decision = decisionValue(column);
      return (
        `<tr id="row-${index}" data-name="${escapeHtml(column.column.toLowerCase())}" data-drifted="${column.drifted}"${column.drifted ? ' class="is-drifted"' : ""}>` +
        `<th scope="row">${index < charted ? `<a href="#col-${index}">${escapeHtml(column.column)}</a>` : escapeHtml(column.column)}</th>` +
        `<td>${driftBadge(column.drifted)}</td>` +
        `<td>${column.type}</td>` +
        `<td class="num">${column.summary ? `${formatNumber(column.summary.reference.mean)} → ${formatNumber(column.summary.current.mean)}` : ""}</td>` +
        `<td class="test">${testLabel(column)}</td>` +
        `<td class="num">${decision.text} <span class="muted">${decision.kind}</span></td>` +
        `<td class="num">${formatNumber(column.threshold)}</td>` +
        `<td class="num${column.p_value === null ? " repeated" : ""}">${formatNumber(column.statistic)}</td>` +
        `<td class="num effect">${formatNumber(column.effect_size, 3)}<meter class="effect-meter" min="0" max="${MAX_EFFECT.toFixed(4)}" value="${Number.isFinite(column.effect_size) ? column.effect_size.toFixed(4) : 0}" aria-hidden="true"></meter></td>` +
        missingCell(
          missingShare(column.missing_reference, result.rows_reference),
          missingShare(column.missing_current, result.rows_current),
        ) +
        "</tr>"
      );
    })
    .join("");
  return (
    `<div class="table-scroll"><table class="columns"><caption>Tested columns: drifted first, then by effect size</caption><thead><tr>` +
    `<th scope="col">Column</th><th scope="col">Result</th><th scope="col">Type</th><th scope="col" class="num">Mean<br><span class="muted">ref. → current</span></th><th scope="col">Test</th>` +
    `<th scope="col" class="num" title="The value compared with the threshold: a p-value (drift when below) or a distance (drift when at or above)">Drift score</th>` +
    `<th scope="col" class="num">Threshold</th><th scope="col" class="num" title="The test statistic; for distance tests it is the distance itself">Statistic</th>` +
    `<th scope="col" class="num" title="Jensen–Shannon distance of the two distributions (0 = identical, 0.83 = disjoint)">Effect size</th>` +
    `<th scope="col" class="num">Missing<br><span class="muted">ref. → current</span></th>` +
    `</tr></thead><tbody>${rows}</tbody></table></div>`
  );
}

/** A rise of missing values by this share of rows is flagged: it is itself a change worth seeing (NannyML, whylogs). */
export const MISSING_RISE_FLAG = 0.05;

function missingCell(reference: number, current: number): string {
  const text = `${formatPercent(reference)} → ${formatPercent(current)}`;
  return current - reference >= MISSING_RISE_FLAG
    ? `<td class="num missing-rise" title="Missing values rose by ${formatPercent(current - reference)} of rows">${text} ▲</td>`
    : `<td class="num">${text}</td>`;
}

/** Columns the report could not compare: present in one file only, or untestable, each with the reason. */
export function notTestedList(result: DriftResult): string {
  const items = [
    ...result.untested_columns.map((column) => ({ column: column.column, reason: column.reason })),
    ...result.columns_only_in_reference.map((column) => ({ column, reason: "only in the reference file" })),
    ...result.columns_only_in_current.map((column) => ({ column, reason: "only in the current file" })),
  ];
  if (items.length === 0) return "";
  const rows = items
    .map((item) => `<li><strong class="column-name">${escapeHtml(item.column)}</strong>: ${escapeHtml(item.reason)}</li>`)
    .join("");
  return `<section id="not-tested"><h2>Not tested (${items.length})</h2><ul class="not-tested">${rows}</ul></section>`;
}
