import { type LinearAxis, linearAxis } from "./axis-ticks.js";
import type { SeriesShares } from "./distribution-shares.js";
import { escapeHtml } from "./escape.js";
import { formatCount } from "./format-number.js";

/** Pixel box of the plotting area inside a chart's viewBox. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const CHART_WIDTH = 560;
/** Id of the hatch pattern that marks the current dataset (defined once per page, see chartDefinitions). */
const CURRENT_HATCH = "hatch-current";

/** Rounds a coordinate to 0.1 px: invisible on screen, and it keeps 200 charts small. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Shortens long labels for an axis; the full text stays in the chart's tooltip and title. */
export function shorten(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

/**
 * The page-wide SVG definitions: the diagonal hatch that tells the current dataset from the
 * reference in greyscale print as well as in colour.
 */
export function chartDefinitions(): string {
  return `<svg class="svg-defs" width="0" height="0" aria-hidden="true" focusable="false"><defs><pattern id="${CURRENT_HATCH}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/><rect width="2.2" height="6" class="hatch-line"/></pattern></defs></svg>`;
}

/** A chart as one inline SVG element whose accessible name and visible title are `title`. */
function chartSvg(options: { id: string; title: string; description: string; height: number; body: string }): string {
  const { id, title, description, height, body } = options;
  return (
    `<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" role="img" aria-labelledby="${id}-t ${id}-d">` +
    `<title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(description)}</desc>` +
    `<text class="chart-title" x="8" y="16">${escapeHtml(shorten(title, 58))}</text>${body}</svg>`
  );
}

/** Average advance of an 11px sans-serif character, to lay out legend entries without measuring text. */
const CHAR_PX = 6.4;

/** Legend at the top right: a solid swatch for the reference, a hatched one for the current data. */
function legend(referenceLabel: string, currentLabel: string): string {
  const entryWidth = (label: string) => 16 + label.length * CHAR_PX;
  const currentX = CHART_WIDTH - 10 - entryWidth(currentLabel);
  const referenceX = currentX - 16 - entryWidth(referenceLabel);
  const entry = (x: number, swatchClass: string, label: string) =>
    `<rect class="${swatchClass}" x="${px(x)}" y="25" width="12" height="10"/><text x="${px(x + 16)}" y="34">${escapeHtml(label)}</text>`;
  return `<g class="legend">${entry(referenceX, "bar-ref", referenceLabel)}${entry(currentX, "bar-cur outline-cur", currentLabel)}</g>`;
}

/** The vertical axis of a chart of shares of rows, and where a percentage falls on it. */
export interface ShareScale {
  axis: LinearAxis;
  y: (percent: number) => number;
}

/** The share axis from 0 to the highest bar, `peakShare` (a fraction of rows), over `area`. */
export function shareScale(peakShare: number, area: PlotArea): ShareScale {
  const peak = peakShare * 100;
  const axis = linearAxis(0, peak > 0 ? peak : 1, 5, true);
  return { axis, y: (percent) => area.top + area.height - (percent / axis.max) * area.height };
}

/**
 * A chart of the reference against the current data as one SVG: the share axis, `marks` (the bars) over the
 * baseline, `xAxis`, the legend with both datasets' counts, `note` across the plot when there is one, then `overlay`
 * (hover targets). The description ends with both datasets' counts.
 */
export function sharesChart(options: {
  id: string;
  title: string;
  description: string;
  height: number;
  area: PlotArea;
  scale: ShareScale;
  shares: SeriesShares;
  marks: string;
  xAxis: string;
  note: string | undefined;
  overlay?: string;
}): string {
  const { area, shares } = options;
  const body =
    shareAxis(options.scale, area) +
    options.marks +
    baseline(area) +
    options.xAxis +
    legend(seriesLabel("Reference", shares.referenceTotal), seriesLabel("Current", shares.currentTotal)) +
    (options.note ? plotNote(area, options.note) : "") +
    (options.overlay ?? "");
  const counts = `reference ${formatCount(shares.referenceTotal)} values, current ${formatCount(shares.currentTotal)} values`;
  return chartSvg({
    id: options.id,
    title: options.title,
    description: `${options.description}; ${counts}.`,
    height: options.height,
    body,
  });
}

/** The title under the horizontal axis. */
export function xAxisTitle(area: PlotArea, chartHeight: number, text: string): string {
  return `<text class="axis-title" x="${px(area.left + area.width / 2)}" y="${chartHeight - 6}" text-anchor="middle">${escapeHtml(text)}</text>`;
}

/** Horizontal grid lines with the share-of-rows labels on the left and the axis title. */
function shareAxis({ axis, y }: ShareScale, area: PlotArea): string {
  const lines = axis.ticks
    .map((tick, index) => {
      const at = px(y(tick));
      return `<line class="grid" x1="${area.left}" x2="${area.left + area.width}" y1="${at}" y2="${at}"/><text class="tick" x="${area.left - 6}" y="${at}" dy="0.32em" text-anchor="end">${axis.labels[index]}%</text>`;
    })
    .join("");
  const middle = px(area.top + area.height / 2);
  return `<g class="axis">${lines}<text class="axis-title" transform="translate(12 ${middle}) rotate(-90)" text-anchor="middle">share of rows</text></g>`;
}

/** The baseline under the bars. */
function baseline(area: PlotArea): string {
  const y = area.top + area.height;
  return `<line class="axis-line" x1="${area.left}" x2="${area.left + area.width}" y1="${y}" y2="${y}"/>`;
}

/** A note written across the plot when there is nothing to draw for one or both datasets. */
function plotNote(area: PlotArea, text: string): string {
  return `<text class="plot-note" x="${px(area.left + area.width / 2)}" y="${px(area.top + area.height / 2)}" text-anchor="middle">${escapeHtml(text)}</text>`;
}

/** The legend text of one dataset: how many values the chart is drawn from. */
function seriesLabel(name: string, total: number): string {
  return total > 0 ? `${name} (n=${formatCount(total)})` : `${name}: no values`;
}

/** What to say when one or both datasets have no values to draw (e.g. a column missing in every row). */
export function emptyNote(shares: SeriesShares): string | undefined {
  if (shares.referenceTotal === 0 && shares.currentTotal === 0) return "No values in either dataset";
  if (shares.referenceTotal === 0) return "No values in the reference";
  if (shares.currentTotal === 0) return "No values in the current data";
  return undefined;
}
