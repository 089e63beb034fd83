/** A linear axis: its domain, the tick positions inside it and their labels. */
export interface LinearAxis {
  min: number;
  max: number;
  ticks: number[];
  labels: string[];
  /** Common power of ten the labels are divided by ("×10⁶"), or "" when labels are plain. */
  scaleNote: string;
}

/**
 * The step closest to (max − min) / count among 1, 2 and 5 × 10^k, as d3-array's tickIncrement
 * chooses it (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
 */
export function tickStep(min: number, max: number, count: number): number {
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const error = rough / power;
  if (error >= Math.sqrt(50)) return power * 10;
  if (error >= Math.sqrt(10)) return power * 5;
  if (error >= Math.sqrt(2)) return power * 2;
  return power;
}

/**
 * Ticks for values spanning [min, max]. `extendToTick` widens the domain to the next ticks (a
 * count axis starting at 0); otherwise the domain stays exact (histogram edges) and only the ticks
 * inside it are kept. A zero-width span (a constant column) is widened around its value.
 */
export function linearAxis(min: number, max: number, targetTicks: number, extendToTick: boolean): LinearAxis {
  let low = min;
  let high = max;
  if (!(high > low)) {
    const pad = low === 0 ? 0.5 : Math.abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  const step = tickStep(low, high, targetTicks);
  if (extendToTick) {
    low = Math.floor(low / step) * step;
    high = Math.ceil(high / step) * step;
  }
  const ticks: number[] = [];
  for (let k = Math.ceil(low / step); k * step <= high * (1 + Number.EPSILON * 4) + step * 1e-9; k++) {
    ticks.push(Number((k * step).toPrecision(12)));
  }
  return { min: low, max: high, ticks, ...tickLabels(ticks, step) };
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/**
 * Labels with the same number of decimals, enough to tell neighbouring ticks apart. Very large or
 * very small values share one power of ten, named once in the axis title, as matplotlib's offset
 * notation does, so labels stay short ("2.5" with "×10⁶" instead of "2,500,000").
 */
function tickLabels(ticks: number[], step: number): { labels: string[]; scaleNote: string } {
  const largest = Math.max(...ticks.map(Math.abs));
  const exponent = largest >= 1e6 || (largest > 0 && largest < 1e-3) ? Math.floor(Math.log10(largest)) : 0;
  const divisor = 10 ** exponent;
  const decimals = Math.max(0, -Math.floor(Math.log10(step / divisor) + 1e-9));
  const format = new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const labels = ticks.map((tick) => format.format(tick / divisor).replace("-", "−"));
  const scaleNote =
    exponent === 0
      ? ""
      : `×10${String(exponent)
          .split("")
          .map((char) => SUPERSCRIPT[char] ?? char)
          .join("")}`;
  return { labels, scaleNote };
}
