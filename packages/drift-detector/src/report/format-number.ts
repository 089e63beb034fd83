const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Whole counts with thousands separators: 1,599. */
export function formatCount(count: number): string {
  return GROUPED.format(count);
}

/**
 * A measured value with `significant` digits: plain decimals in the range people read easily,
 * exponent notation (3.2e-12, 4.5e+9 written 4.5e9) outside it.
 */
export function formatNumber(value: number, significant = 4): string {
  if (Number.isNaN(value)) return "n/a";
  if (value === Number.POSITIVE_INFINITY) return "∞";
  if (value === Number.NEGATIVE_INFINITY) return "−∞";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return withMinus(trimExponent(value.toExponential(significant - 1)));
  const decimals = Math.max(0, significant - 1 - Math.floor(Math.log10(magnitude)));
  return withMinus(trimZeros(value.toFixed(Math.min(decimals, 20))));
}

/** A share in [0, 1] as a percentage; shares too small to round away stay visible ("<0.1%"). */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return "n/a";
  if (share === 0) return "0%";
  const percent = share * 100;
  if (percent < 0.1) return "<0.1%";
  if (percent > 99.9 && percent < 100) return ">99.9%";
  return `${trimZeros(percent.toFixed(percent < 10 ? 1 : 0))}%`;
}

/** An instant as unambiguous UTC: 2026-11-26 14:39:56 UTC. */
export function formatTimestamp(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function trimZeros(fixed: string): string {
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

function trimExponent(exponential: string): string {
  const [mantissa = "", exponent = ""] = exponential.split("e");
  return `${trimZeros(mantissa)}e${exponent.replace("+", "")}`;
}

/** The typographic minus reads better than a hyphen next to digits. */
function withMinus(text: string): string {
  return text.startsWith("-") ? `−${text.slice(1)}` : text;
}
