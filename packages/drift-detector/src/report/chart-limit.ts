import type { ColumnDrift } from "../drift/result.js";
import { formatCount } from "./format-number.js";

/**
 * The most columns a report draws: a chart is ~4 KB of HTML, so a report of 100,000 columns would weigh hundreds
 * of MB and no reader would scroll it. Beyond this the report summarises: every column stays in the table, and the
 * charts go to the drifted columns first, then to the largest effect sizes (the report order).
 */
export const MAX_CHARTED_COLUMNS = 200;

/** Which of the ordered columns get a chart, and what the report says about the rest. */
export interface ChartSelection {
  charted: readonly ColumnDrift[];
  /** Tested columns in the table. */
  tested: number;
  /** Undefined when every tested column is charted. */
  note: string | undefined;
}

export function selectCharted(ordered: readonly ColumnDrift[]): ChartSelection {
  const charted = ordered.slice(0, MAX_CHARTED_COLUMNS);
  if (charted.length === ordered.length) return { charted, tested: ordered.length, note: undefined };
  const drifted = ordered.filter((column) => column.drifted).length;
  const which =
    drifted >= charted.length
      ? `the ${formatCount(charted.length)} drifted columns with the largest effect sizes (of ${formatCount(drifted)} drifted)`
      : `all ${formatCount(drifted)} drifted columns, then the columns without drift with the largest effect sizes`;
  return {
    charted,
    tested: ordered.length,
    note:
      `${formatCount(ordered.length)} columns were tested; charts are drawn for at most ${formatCount(MAX_CHARTED_COLUMNS)} ` +
      `of them: ${which}. Every column is in the table, with its test, score and effect size.`,
  };
}
