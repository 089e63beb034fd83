import { randomBytes } from "node:crypto";

/** `2026-11-26T14:40:12.345Z` → `20261126T144012345Z`: sortable, and safe in object keys and file names. */
function compactTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, "");
}

export function newRunId(at: Date): string {
  return `${compactTimestamp(at)}-${randomBytes(3).toString("hex")}`;
}

/** Airflow's default `allowed_run_id_pattern` is `^[A-Za-z0-9_.~:+-]+$` (contracts/airflow/CONTRACT-NOTES.md §1.1); anything else becomes `-`. */
function runIdSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.~:+-]/g, "-").slice(0, 100);
}

/**
 * The retraining run's id, derived from the content of both datasets: a retry on the same data gets the same id (and
 * Airflow's 409), while the same new data compared with a later reference is a new retraining.
 */
export function dagRunIdFor(experimentId: string, newDataSha256: string, referenceSha256: string): string {
  return `drift__${runIdSafe(experimentId)}__${newDataSha256.slice(0, 32)}.${referenceSha256.slice(0, 8)}`;
}

export function reportKeys(reportPath: string, runId: string): { html: string; json: string } {
  const base = `${reportPath}/drift-report-${runId}`;
  return { html: `${base}.html`, json: `${base}.json` };
}

/**
 * `uc_wine/winequality-red.csv` → `<historyPath>/winequality-red.<sha256, 32 hex>.csv`: named by content, so a retried
 * archive finds its own copy and one reference content is archived once.
 */
export function archiveKey(historyPath: string, referencePath: string, sha256: string): string {
  const name = referencePath.slice(referencePath.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  return `${historyPath}/${stem}.${sha256.slice(0, 32)}${extension}`;
}
