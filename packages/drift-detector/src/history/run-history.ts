import { z } from "zod";
import type { ExperimentRuntime } from "../experiments/experiment-runtime.js";
import type { RunRecord } from "../pipeline/run-record.js";
import { UnreadableRunRecordError } from "../pipeline/run-store.js";

export const HISTORY_LIMITS = { runs: 500, defaultRuns: 30, columnsAsked: 200, recordsRead: 5000 } as const;

const historyColumnSchema = z.object({
  column: z.string(),
  test: z.string().meta({ example: "ks" }),
  score: z.number().nullable().meta({ description: "p-value (p-value tests) or distance (distance tests)" }),
  threshold: z.number(),
  drifted: z.boolean(),
  effect_size: z.number().nullable().meta({ description: "Jensen-Shannon distance (0-1), comparable across columns" }),
});

export const historyRunSchema = z.object({
  run_id: z.string().meta({ example: "20261126T144012345Z-3f9a1c" }),
  started_at: z.iso.datetime(),
  status: z.enum(["no_drift", "completed", "failed", "interrupted", "running"]).meta({
    description: "The run's status; failed runs are listed when they got as far as a verdict",
  }),
  dataset: z.object({ path: z.string(), etag: z.string() }).meta({ description: "The new data the run judged" }),
  drift_detected: z.boolean(),
  drift_share: z.number(),
  drift_share_threshold: z.number(),
  number_of_columns: z.number().int(),
  number_of_drifted_columns: z.number().int(),
  report: z.string().nullable().meta({ description: "Path of the run's HTML report on this service (runs with drift)" }),
  columns: z
    .array(historyColumnSchema)
    .nullable()
    .meta({ description: "Per column test, score and verdict; null for runs recorded before per-column results were kept" }),
});
export type HistoryRun = z.output<typeof historyRunSchema>;

export const historySchema = z.object({
  experiment_id: z.string(),
  runs: z.array(historyRunSchema).meta({ description: "Runs that reached a verdict, newest first" }),
  columns_not_found: z.array(z.string()).meta({ description: "Columns asked for that no listed run tested" }),
  unreadable: z.array(z.string()).meta({ description: "Run records that could not be read (GET the run for the reason)" }),
});
export type History = z.output<typeof historySchema>;

export function runPath(experimentId: string, runId: string): string {
  return `/api/experiments/${encodeURIComponent(experimentId)}/runs/${runId}`;
}

/**
 * Drift over time, from the run records alone: the newest `limit` runs that reached a verdict, with the columns asked
 * for (all when none are). Nothing is recomputed, and runs that found their data unchanged are left out.
 */
export async function runHistory(runtime: ExperimentRuntime, limit: number, columns: string[] | undefined): Promise<History> {
  const id = runtime.experiment.id;
  const runs: HistoryRun[] = [];
  const unreadable: string[] = [];
  const wanted = columns ? new Set(columns) : undefined;
  const seen = new Set<string>();
  const pageSize = 100;
  for (let offset = 0; runs.length < limit && offset < HISTORY_LIMITS.recordsRead; offset += pageSize) {
    const page = await runtime.runs.page(offset, pageSize).catch((err: unknown) => {
      if (err instanceof UnreadableRunRecordError) return { runs: [], unreadable: [err.key], total: 0 };
      throw err;
    });
    unreadable.push(...page.unreadable);
    for (const record of page.runs) {
      const entry = historyEntry(id, record, wanted);
      if (!entry) continue;
      for (const column of entry.columns ?? []) seen.add(column.column);
      runs.push(entry);
      if (runs.length === limit) break;
    }
    if (offset + pageSize >= page.total) break;
  }
  return {
    experiment_id: id,
    runs,
    columns_not_found: (columns ?? []).filter((column) => !seen.has(column)),
    unreadable,
  };
}

function historyEntry(experimentId: string, record: RunRecord, wanted: Set<string> | undefined): HistoryRun | undefined {
  const drift = record.drift;
  if (!drift || record.status === "unchanged") return undefined;
  return {
    run_id: record.id,
    started_at: record.started_at,
    status: record.status,
    dataset: { path: record.current.path, etag: record.current.etag },
    drift_detected: drift.drift_detected,
    drift_share: drift.drift_share,
    drift_share_threshold: drift.drift_share_threshold,
    number_of_columns: drift.number_of_columns,
    number_of_drifted_columns: drift.number_of_drifted_columns,
    report: record.reports ? `${runPath(experimentId, record.id)}/report` : null,
    columns: drift.columns ? drift.columns.filter((column) => !wanted || wanted.has(column.column)) : null,
  };
}
