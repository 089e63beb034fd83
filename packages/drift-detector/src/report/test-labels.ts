import { getTest } from "../stats/index.js";
import { escapeHtml } from "./escape.js";

/** The test's label as Evidently shows it ("K-S p_value"), with its config name as a tooltip, as HTML. */
export function testLabel(column: { test: string }): string {
  return `<span title="stattest: ${escapeHtml(column.test)}">${escapeHtml(getTest(column.test).label)}</span>`;
}
