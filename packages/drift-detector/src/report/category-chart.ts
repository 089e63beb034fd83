import type { ColumnType } from "../stats/types.js";
import { CHART_WIDTH, emptyNote, type PlotArea, px, shareScale, sharesChart, shorten, xAxisTitle } from "./chart-frame.js";
import type { SeriesShares } from "./distribution-shares.js";
import { escapeHtml } from "./escape.js";
import { formatPercent } from "./format-number.js";

/** More bars than this become unreadable at chart width; the rest are summed into one "other" bar. */
const MAX_DRAWN_CATEGORIES = 24;
const LEFT = 58;
const TOP = 44;

interface CategoryBar {
  label: string;
  reference: number;
  current: number;
  /** Absent from the reference: a new category is itself a drift signal worth marking. */
  isNew: boolean;
  isEmptyLabel: boolean;
}

/**
 * Reference and current shares per category as side-by-side bars: solid for the reference, hatched for
 * the current data. A numerical column with few distinct values is binned per value and drawn the same way.
 */
export function categoryChart(options: {
  id: string;
  column: string;
  type: ColumnType;
  categories: readonly string[];
  shares: SeriesShares;
}): string {
  const { id, column, shares } = options;
  const categories = drawnCategories(options.categories, shares);
  const rotated = categories.length > 8 || categories.some((category) => displayLabel(category).length > 10);
  const labelSpace = rotated ? 86 : 30;
  const height = TOP + 170 + labelSpace + 22;
  const area: PlotArea = { left: LEFT, top: TOP, width: CHART_WIDTH - LEFT - 16, height: 170 };
  const scale = shareScale(Math.max(0, ...categories.map((category) => Math.max(category.reference, category.current))), area);
  const y = scale.y;
  const band = area.width / Math.max(1, categories.length);
  const barWidth = Math.min(28, band * 0.38);
  const bottom = area.top + area.height;

  const bars = categories
    .map((category, index) => {
      const centre = area.left + band * (index + 0.5);
      const referenceTop = y(category.reference * 100);
      const currentTop = y(category.current * 100);
      const labelX = px(centre);
      const labelY = bottom + 14;
      const label = escapeHtml(shorten(displayLabel(category), 16));
      const labelClass = `tick${category.isNew ? " new-category" : ""}${category.isEmptyLabel ? " empty-label" : ""}`;
      const tooltip = `${displayLabel(category)}${category.isNew ? " (not in the reference)" : ""}: reference ${formatPercent(category.reference)}, current ${formatPercent(category.current)}`;
      return (
        `<g><title>${escapeHtml(tooltip)}</title>` +
        `<rect class="hit" x="${px(centre - band / 2)}" y="${area.top}" width="${px(band)}" height="${area.height}"/>` +
        `<rect class="bar-ref" x="${px(centre - barWidth - 1)}" y="${px(referenceTop)}" width="${px(barWidth)}" height="${px(bottom - referenceTop)}"/>` +
        `<rect class="bar-cur outline-cur" x="${px(centre + 1)}" y="${px(currentTop)}" width="${px(barWidth)}" height="${px(bottom - currentTop)}"/>` +
        (category.reference === 0 && shares.referenceTotal > 0 ? zeroMark(centre - barWidth / 2 - 1, bottom) : "") +
        (category.current === 0 && shares.currentTotal > 0 ? zeroMark(centre + barWidth / 2 + 1, bottom) : "") +
        (rotated
          ? `<text class="${labelClass}" transform="translate(${labelX} ${labelY}) rotate(-40)" text-anchor="end">${label}</text>`
          : `<text class="${labelClass}" x="${labelX}" y="${labelY + 4}" text-anchor="middle">${label}</text>`) +
        "</g>"
      );
    })
    .join("");
  const xTitle = `${shorten(column, 60)} (${options.type === "numerical" ? "one bar per value" : "categories"})`;
  return sharesChart({
    id,
    title: `${column}: share of rows per category`,
    description: `Bar chart of ${options.categories.length} categories of ${column}`,
    height,
    area,
    scale,
    shares,
    marks: bars,
    xAxis: xAxisTitle(area, height, xTitle),
    note: categories.length === 0 ? "No categories to draw" : emptyNote(shares),
  });
}

/**
 * The categories in their given order; past MAX_DRAWN_CATEGORIES, the most frequent ones (by the
 * larger of both shares) keep their place and the rest are summed into a final "other" bar.
 */
function drawnCategories(labels: readonly string[], shares: SeriesShares): CategoryBar[] {
  const all = labels.map((label, index) => {
    const reference = shares.reference[index] as number;
    const current = shares.current[index] as number;
    return {
      label,
      reference,
      current,
      isNew: reference === 0 && current > 0 && shares.referenceTotal > 0,
      isEmptyLabel: label === "",
    };
  });
  if (all.length <= MAX_DRAWN_CATEGORIES) return all;
  const kept = new Set(
    [...all]
      .sort((a, b) => Math.max(b.reference, b.current) - Math.max(a.reference, a.current))
      .slice(0, MAX_DRAWN_CATEGORIES - 1),
  );
  const rest = all.filter((category) => !kept.has(category));
  // A category new in the current data is itself a finding: say so even when it is too small to keep its own bar.
  const newInRest = rest.filter((category) => category.isNew).length;
  const other: CategoryBar = {
    label: `other (${rest.length} categories${newInRest > 0 ? `, ${newInRest} not in the reference` : ""})`,
    reference: rest.reduce((total, category) => total + category.reference, 0),
    current: rest.reduce((total, category) => total + category.current, 0),
    isNew: false,
    isEmptyLabel: false,
  };
  return [...all.filter((category) => kept.has(category)), other];
}

/** A bar of height zero is invisible; a "0" over the baseline says the category is absent there. */
function zeroMark(x: number, bottom: number): string {
  return `<text class="zero-mark" x="${px(x)}" y="${bottom - 3}" text-anchor="middle">0</text>`;
}

function displayLabel(category: CategoryBar): string {
  return category.isEmptyLabel ? "(empty)" : category.label;
}
