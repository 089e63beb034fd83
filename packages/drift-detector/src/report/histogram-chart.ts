import { linearAxis } from "./axis-ticks.js";
import { CHART_WIDTH, emptyNote, type PlotArea, px, shareScale, sharesChart, shorten, xAxisTitle } from "./chart-frame.js";
import type { SeriesShares } from "./distribution-shares.js";
import { escapeHtml } from "./escape.js";
import { formatNumber, formatPercent } from "./format-number.js";

const HEIGHT = 270;
const AREA: PlotArea = { left: 58, top: 44, width: CHART_WIDTH - 58 - 16, height: HEIGHT - 44 - 48 };
/** A bin of zero width (a constant column) still needs to be seen. */
const MIN_BAR_PX = 4;

/**
 * Reference and current histograms overlaid on their shared bins: reference as solid bars, current
 * as hatched bars under a step outline, so both stay visible where they overlap.
 */
export function histogramChart(options: { id: string; column: string; edges: readonly number[]; shares: SeriesShares }): string {
  const { id, column, edges, shares } = options;
  const first = edges[0] as number;
  const last = edges[edges.length - 1] as number;
  const xAxis = linearAxis(first, last, 7, false);
  const scale = shareScale(Math.max(...shares.reference, ...shares.current), AREA);
  const x = (value: number) => AREA.left + ((value - xAxis.min) / (xAxis.max - xAxis.min)) * AREA.width;
  const y = scale.y;
  const bins = edges.slice(1).map((upper, index) => {
    const lower = edges[index] as number;
    let left = x(lower);
    let right = x(upper);
    if (right - left < MIN_BAR_PX) {
      const middle = (left + right) / 2;
      left = middle - MIN_BAR_PX / 2;
      right = middle + MIN_BAR_PX / 2;
    }
    return { lower, upper, left, right, reference: shares.reference[index] as number, current: shares.current[index] as number };
  });

  const bars = (pick: "reference" | "current") =>
    bins
      .filter((bin) => bin[pick] > 0)
      .map((bin) => `M${px(bin.left)} ${px(y(bin[pick] * 100))}H${px(bin.right)}V${px(y(0))}H${px(bin.left)}Z`)
      .join("");
  const currentOutline = bins.length
    ? `M${px(bins[0]!.left)} ${px(y(0))}${bins.map((bin) => `V${px(y(bin.current * 100))}H${px(bin.right)}`).join("")}V${px(y(0))}`
    : "";
  const tooltips = bins
    .map((bin, index) => {
      const range = `${formatNumber(bin.lower)} to ${formatNumber(bin.upper)}${index === bins.length - 1 ? " (inclusive)" : ""}`;
      const text = `${range}: reference ${formatPercent(bin.reference)}, current ${formatPercent(bin.current)}`;
      return `<rect class="hit" x="${px(bin.left)}" y="${AREA.top}" width="${px(bin.right - bin.left)}" height="${AREA.height}"><title>${escapeHtml(text)}</title></rect>`;
    })
    .join("");
  const xTicks = xAxis.ticks
    .map((tick, index) => {
      const at = px(x(tick));
      const bottom = AREA.top + AREA.height;
      return `<line class="tick-mark" x1="${at}" x2="${at}" y1="${bottom}" y2="${bottom + 5}"/><text class="tick" x="${at}" y="${bottom + 18}" text-anchor="middle">${xAxis.labels[index]}</text>`;
    })
    .join("");
  const xTitle = `${shorten(column, 60)}${xAxis.scaleNote ? ` (${xAxis.scaleNote})` : ""}`;
  return sharesChart({
    id,
    title: `${column}: distribution of values`,
    description: `Histogram of ${column} on ${bins.length} shared ${bins.length === 1 ? "bin" : "bins"} from ${formatNumber(first)} to ${formatNumber(last)}`,
    height: HEIGHT,
    area: AREA,
    scale,
    shares,
    marks:
      `<path class="bar-ref" d="${bars("reference")}"/>` +
      (shares.currentTotal > 0
        ? `<path class="bar-cur" d="${bars("current")}"/><path class="outline-cur" d="${currentOutline}"/>`
        : ""),
    xAxis: `<g class="axis">${xTicks}${xAxisTitle(AREA, HEIGHT, xTitle)}</g>`,
    note: emptyNote(shares),
    overlay: tooltips,
  });
}
