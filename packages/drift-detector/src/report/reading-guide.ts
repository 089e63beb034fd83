import type { DriftResult } from "../drift/result.js";
import { MISSING_RISE_FLAG } from "./column-table.js";
import { formatPercent } from "./format-number.js";

/** A short, collapsible explanation of the report's terms for readers who are not statisticians. */
export function readingGuide(result: DriftResult): string {
  return (
    `<details class="guide"><summary>How to read this report</summary><ul>` +
    `<li><strong>Drifted</strong>: the column's test finds that the current values no longer follow the reference distribution. ` +
    `The dataset counts as drifted when at least ${formatPercent(result.drift_share_threshold)} of the tested columns drifted.</li>` +
    `<li><strong>Drift score</strong>: for p-value tests (K-S, chi-square, Z-test) the chance of a difference this large if nothing had changed; ` +
    `drift when it is below the threshold. For distance tests (Wasserstein, Jensen-Shannon, PSI, …) how far apart the two distributions are; ` +
    `drift when it reaches the threshold. Tests and thresholds follow Evidently's defaults unless configured.</li>` +
    `<li><strong>Effect size</strong>: the Jensen–Shannon distance between the two distributions drawn in the column's chart, ` +
    `from 0 (identical) to 0.83 (no overlap). It is comparable across columns and tests, so columns are sorted by it.</li>` +
    `<li><strong>Missing</strong>: share of rows without a value in each dataset; a rise by ${formatPercent(MISSING_RISE_FLAG)} of the rows or more is marked ▲.</li>` +
    `<li><strong>Charts</strong>: shares of rows per bin or category, reference solid blue, current hatched orange with an outline.</li>` +
    `</ul></details>`
  );
}
