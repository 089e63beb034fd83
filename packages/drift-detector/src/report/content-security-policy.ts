import { createHash } from "node:crypto";
import { COLUMN_FILTER_SCRIPT } from "./column-filter-script.js";
import { REPORT_STYLES } from "./report-styles.js";

/** CSP source expression allowing exactly this inline text (CSP Level 3, "hash-source"). */
function hashSource(text: string): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

/**
 * The report's Content-Security-Policy: its own stylesheet and filter script, nothing else. The page
 * works offline, opened from a file or an object store's console, and even text that escaped escaping
 * could neither run a script nor load or send anything.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${hashSource(REPORT_STYLES)}`,
  `script-src ${hashSource(COLUMN_FILTER_SCRIPT)}`,
  "form-action 'none'",
  "base-uri 'none'",
].join("; ");

/**
 * The policy the service sends with the report as a header: the page's own, plus what only a header can say. The
 * page may not be framed (a page of another site cannot overlay it), and it runs sandboxed in an origin of its own,
 * so even a script that escaped escaping could not call the service's API with the operator's browser.
 */
export const REPORT_CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'; sandbox allow-scripts`;
