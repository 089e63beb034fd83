import type { DriftResult } from "./result.js";

/**
 * Characters a terminal may act on instead of showing: C0 controls (ESC starts ANSI/OSC sequences), DEL, C1
 * controls (U+009B is a one-character CSI) and the bidirectional overrides that reorder what is shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character spelled out (`\x1B`, `\u202E`), so file contents never drive the terminal. */
export function visibleControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).toUpperCase().padStart(2, "0")}` : `\\u${code.toString(16).toUpperCase()}`;
  });
}

/**
 * The drift result as a plain-text table for a terminal: the verdict first, then one line per column. Names, labels
 * and reasons come from the files: their control characters are shown escaped.
 */
export function formatDriftText(result: DriftResult, sources: { reference: string; current: string }): string {
  const lines: string[] = [];
  // The same words as the HTML report's verdict, so the terminal and the report read alike.
  const counted = `${result.number_of_drifted_columns} of ${result.number_of_columns} tested columns drifted (${percent(result.drift_share)})`;
  const threshold = `the ${percent(result.drift_share_threshold)} share at which the dataset counts as drifted`;
  lines.push(
    result.drift_detected
      ? `DRIFT DETECTED: ${counted}, reaching ${threshold}`
      : `No dataset drift: ${counted}, below ${threshold}`,
  );
  const shown = visibleControlCharacters;
  lines.push(`reference: ${shown(sources.reference)} (${result.rows_reference} rows)`);
  lines.push(`current:   ${shown(sources.current)} (${result.rows_current} rows)`);
  const corrected = result.p_value_correction !== "none";
  if (corrected) {
    lines.push(`p-values corrected for multiple testing (${result.p_value_correction}); verdicts judge the adjusted p-value`);
  }
  lines.push("");
  const header = ["column", "type", "test", "statistic", "p-value", ...(corrected ? ["adjusted p"] : []), "threshold"];
  header.push("drifted", "effect", "missing ref/cur");
  const orDash = (value: number | null | undefined) => (value === null || value === undefined ? "-" : formatNumber(value));
  const rows = result.columns.map((column) => [
    shown(column.column),
    column.type,
    column.test,
    formatNumber(column.statistic),
    orDash(column.p_value),
    ...(corrected ? [orDash(column.adjusted_p_value)] : []),
    formatNumber(column.threshold),
    column.drifted ? "DRIFT" : "no",
    formatNumber(column.effect_size),
    `${column.missing_reference}/${column.missing_current}`,
  ]);
  const widths = header.map((title, k) => Math.max(title.length, ...rows.map((row) => (row[k] as string).length)));
  for (const row of [header, ...rows])
    lines.push(
      row
        .map((cell, k) => cell.padEnd(widths[k] as number))
        .join("  ")
        .trimEnd(),
    );
  const notes = result.columns.filter((column) => column.note !== undefined);
  if (notes.length > 0) lines.push("", ...notes.map((column) => `note on ${shown(column.column)}: ${shown(column.note ?? "")}`));
  if (result.columns_only_in_reference.length > 0) {
    lines.push("", `only in reference, not tested: ${result.columns_only_in_reference.map(shown).join(", ")}`);
  }
  if (result.columns_only_in_current.length > 0) {
    lines.push("", `only in current, not tested: ${result.columns_only_in_current.map(shown).join(", ")}`);
  }
  if (result.untested_columns.length > 0) {
    lines.push(
      "",
      "not tested:",
      ...result.untested_columns.map((column) => `  ${shown(column.column)}: ${shown(column.reason)}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 1e-4) return value.toExponential(3);
  // Number() drops trailing zeros ("0.1000" → 0.1) but would round the largest doubles up to Infinity.
  const rounded = value.toPrecision(4);
  return Number.isFinite(Number(rounded)) ? String(Number(rounded)) : rounded;
}
