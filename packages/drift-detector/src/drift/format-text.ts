import type { DriftResult } from "./result.js";

/** The drift result as a plain-text table for a terminal: the verdict first, then one line per column. */
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
  lines.push(`reference: ${sources.reference} (${result.rows_reference} rows)`);
  lines.push(`current:   ${sources.current} (${result.rows_current} rows)`);
  const corrected = result.p_value_correction !== "none";
  if (corrected) {
    lines.push(`p-values corrected for multiple testing (${result.p_value_correction}); verdicts judge the adjusted p-value`);
  }
  lines.push("");
  const header = ["column", "type", "test", "statistic", "p-value", ...(corrected ? ["adjusted p"] : []), "threshold"];
  header.push("drifted", "effect", "missing ref/cur");
  const orDash = (value: number | null | undefined) => (value === null || value === undefined ? "-" : formatNumber(value));
  const rows = result.columns.map((column) => [
    column.column,
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
  if (notes.length > 0) lines.push("", ...notes.map((column) => `note on ${column.column}: ${column.note}`));
  if (result.columns_only_in_reference.length > 0) {
    lines.push("", `only in reference, not tested: ${result.columns_only_in_reference.join(", ")}`);
  }
  if (result.columns_only_in_current.length > 0) {
    lines.push("", `only in current, not tested: ${result.columns_only_in_current.join(", ")}`);
  }
  if (result.untested_columns.length > 0) {
    lines.push("", "not tested:", ...result.untested_columns.map((column) => `  ${column.column}: ${column.reason}`));
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
