import type { ColumnDrift, DriftResult } from "../drift/result.js";
import { MAX_CHARTED_COLUMNS, selectCharted } from "./chart-limit.js";
import { orderColumns } from "./column-order.js";
import { checkReportMeta, type ReportMeta, reportTitle } from "./report-meta.js";
import { type Verdict, verdictOf } from "./verdict.js";

/** The HTML report's data as JSON, for programs: same verdict words, same metadata, columns in the same order. */
export interface DriftReportJson {
  format: "clarus-drift-report";
  format_version: 1;
  title: string;
  verdict: Verdict & { drift_detected: boolean };
  experiment_id: string | null;
  reference_source: string;
  current_source: string;
  reference_modified_at: string | null;
  current_modified_at: string | null;
  generated_at: string;
  detector_version: string;
  /** As in the HTML: past `limit` tested columns, only the charted ones keep their `distribution`. */
  charts: { charted_columns: number; tested_columns: number; limit: number; note: string | null };
  result: Omit<DriftResult, "columns"> & { columns: Array<Omit<ColumnDrift, "distribution"> & Partial<ColumnDrift>> };
}

export function reportJson(result: DriftResult, meta: ReportMeta): DriftReportJson {
  checkReportMeta(meta);
  const ordered = orderColumns(result.columns);
  const selection = selectCharted(ordered);
  return {
    format: "clarus-drift-report",
    format_version: 1,
    title: reportTitle(meta),
    verdict: { drift_detected: result.drift_detected, ...verdictOf(result) },
    experiment_id: meta.experimentId ?? null,
    reference_source: meta.referenceSource,
    current_source: meta.currentSource,
    reference_modified_at: meta.referenceModifiedAt?.toISOString() ?? null,
    current_modified_at: meta.currentModifiedAt?.toISOString() ?? null,
    generated_at: meta.generatedAt.toISOString(),
    detector_version: meta.detectorVersion,
    charts: {
      charted_columns: selection.charted.length,
      tested_columns: selection.tested,
      limit: MAX_CHARTED_COLUMNS,
      note: selection.note ?? null,
    },
    result: {
      ...result,
      columns: ordered.map((column, index) => {
        if (index < selection.charted.length) return column;
        const { distribution: _drawnOnlyWhenCharted, ...rest } = column;
        return rest;
      }),
    },
  };
}
