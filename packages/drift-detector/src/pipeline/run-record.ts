import { z } from "zod";

/** The run's steps, in the order they happen. */
export const STEP_NAMES = [
  "read_data",
  "detect_drift",
  "write_reports",
  "update_ids",
  "trigger_retraining",
  "archive_reference",
  "replace_reference",
] as const;
export type StepName = (typeof STEP_NAMES)[number];

const stepOutcomeSchema = z.object({
  name: z.enum(STEP_NAMES).meta({ description: "The step, in pipeline order" }),
  status: z.enum(["running", "succeeded", "reused", "skipped", "failed", "not_run"]).meta({
    description:
      "`running`: stored before the step's side effect began, so a run whose process died names the step it was in; " +
      "`reused`: done by the earlier run this one resumed; `not_run`: an earlier step failed",
  }),
  detail: z.string().optional().meta({ description: "What the step did, or why it was skipped or failed" }),
  started_at: z.iso.datetime().optional().meta({ example: "2026-11-26T14:40:12.345Z" }),
  finished_at: z.iso.datetime().optional().meta({ example: "2026-11-26T14:40:12.530Z" }),
  upstream: z
    .object({ service: z.string(), status: z.number().int().optional(), body: z.unknown().optional() })
    .optional()
    .meta({ description: "What the outside system answered, when the step failed on it" }),
});
export type StepOutcome = z.output<typeof stepOutcomeSchema>;

const datasetSchema = z
  .object({
    path: z.string().meta({ description: "Path inside the bucket", example: "uc_wine/winequality-red.csv" }),
    size: z.number().int().meta({ description: "Bytes" }),
    etag: z.string().meta({ description: "Storage ETag when read; the swap copies only while it is unchanged" }),
    sha256: z.string().optional().meta({ description: "SHA-256 of the bytes analysed (the DAG run id derives from it)" }),
  })
  .meta({ description: "A dataset as the run read it" });

const driftSummarySchema = z
  .object({
    drift_detected: z.boolean().meta({ description: "drift_share reached drift_share_threshold" }),
    drift_share: z.number().meta({ description: "Drifted columns / tested columns", example: 0.58 }),
    drift_share_threshold: z.number().meta({ description: "DRIFT_SHARE (or drift_share of DRIFT_CONFIG_FILE)", example: 0.5 }),
    number_of_columns: z.number().int().meta({ description: "Tested columns" }),
    number_of_drifted_columns: z.number().int().meta({ description: "Tested columns whose test says drift" }),
    drifted_columns: z.array(z.string()).meta({ description: "Their names", example: ["alcohol", "pH"] }),
    rows_reference: z.number().int().meta({ description: "Data rows of the reference" }),
    rows_current: z.number().int().meta({ description: "Data rows of the new batch" }),
    columns: z
      .array(
        z.object({
          column: z.string(),
          test: z.string().meta({ description: "The test that judged the column (Evidently's name)", example: "ks" }),
          score: z.number().nullable().meta({
            description:
              "Evidently's drift score: the p-value (adjusted, with p_value_correction) of p-value tests, the distance of distance tests",
          }),
          threshold: z.number(),
          drifted: z.boolean(),
          effect_size: z
            .number()
            .nullable()
            .meta({ description: "Jensen-Shannon distance of the two distributions (0-1), comparable across columns" }),
        }),
      )
      .optional()
      .meta({ description: "Each tested column's test, score and verdict, so drift over time needs no re-computation" }),
  })
  .meta({ description: "The drift verdict; the full per-column result is in the JSON report" });
export type DriftSummary = z.output<typeof driftSummarySchema>;

const ownerSchema = z
  .object({
    pid: z.number().int().meta({ description: "Process id" }),
    boot_id: z.string().optional().meta({ description: "Linux boot id of the machine (/proc/sys/kernel/random/boot_id)" }),
    start_ticks: z.string().optional().meta({
      description: "Process start time in clock ticks since boot (/proc/<pid>/stat), so a reused pid is not taken for it",
    }),
    host: z.string().meta({ description: "Host name, for people reading the record" }),
  })
  .meta({ description: "The process that ran the run; a `running` record whose process no longer exists is `interrupted`" });
export type RunOwner = z.output<typeof ownerSchema>;

export const REFERENCE_STATES = ["unchanged", "replaced", "unknown"] as const;
export type ReferenceState = (typeof REFERENCE_STATES)[number];

export const runRecordSchema = z
  .object({
    id: z.string().meta({ description: "Run id: UTC start time and a random suffix", example: "20261126T144012345Z-3f9a1c" }),
    experiment_id: z.string().meta({ description: "EXPERIMENT_ID", example: "Clarus_RedWine_experiment" }),
    status: z.enum(["running", "no_drift", "completed", "failed", "interrupted", "unchanged"]).meta({
      description:
        "`running`: its process is alive; `interrupted`: the process running it died (killed, crashed, machine " +
        "restarted) before it finished; `message` says whether a later run resumes it. `unchanged`: a triggered run " +
        "found data an earlier run (`judged_by`) had judged and did nothing",
    }),
    message: z.string().meta({
      description: "The original message once finished; otherwise where the run stands (in progress, stopped at a step)",
    }),
    started_at: z.iso.datetime().meta({ description: "UTC", example: "2026-11-26T14:40:12.345Z" }),
    finished_at: z.iso
      .datetime()
      .optional()
      .meta({ description: "UTC; absent while running", example: "2026-11-26T14:40:14.102Z" }),
    resumed_from: z
      .string()
      .optional()
      .meta({ description: "The failed or interrupted run whose finished steps this run reused" }),
    finished_by: z
      .string()
      .optional()
      .meta({ description: "Failed or interrupted runs: the later run that resumed this one and finished its work" }),
    superseded_by: z.string().optional().meta({
      description:
        "Failed or interrupted runs: the later run that found other data (new data or reference changed), so nothing will finish this run's work",
    }),
    recovered: z.object({ at: z.iso.datetime(), detail: z.string() }).optional().meta({
      description: "Set when the outcome was learnt after the run stopped, by reading the storage back: when and what was read",
    }),
    owner: ownerSchema.optional(),
    judged_by: z.string().optional().meta({ description: "For `unchanged` runs: the run that judged this same data" }),
    bucket: z.string().meta({ description: "MINIO_BUCKET (or the local folder's bucket)", example: "datasets" }),
    reference: datasetSchema,
    current: datasetSchema,
    drift: driftSummarySchema.optional(),
    reports: z
      .object({ html: z.string(), json: z.string() })
      .optional()
      .meta({ description: "Paths of the reports in the bucket (GET /api/drift/runs/{id}/report serves them)" }),
    dag_run_id: z.string().optional().meta({ description: "The Airflow DAG run this drift triggered" }),
    archived_reference: z.string().optional().meta({
      description:
        "Where the old reference was copied before the swap; the name holds its SHA-256, so one content is archived once",
    }),
    reference_state: z
      .enum(REFERENCE_STATES)
      .optional()
      .meta({
        description:
          "Drift runs that stopped: what the reference holds, read back from storage: `unchanged` (the old data), `replaced` " +
          "(the new data) or `unknown` (storage could not be read after a swap whose answer was lost; `message` says how to tell)",
      }),
    steps: z.array(stepOutcomeSchema).meta({ description: `Each step's outcome, in order: ${STEP_NAMES.join(", ")}` }),
    error: z
      .object({ step: z.enum(STEP_NAMES), status: z.number().int(), detail: z.string() })
      .optional()
      .meta({ description: "Why a failed run stopped: the step, the HTTP status answered and the detail" }),
  })
  .meta({ description: "One drift run: inputs, verdict, outputs and each step's outcome" });
export type RunRecord = z.output<typeof runRecordSchema>;

/**
 * The original service's two answers, kept to the letter because pilot scripts compare them. A completed drift run
 * answers the drift one even when Airflow is not configured (such a script must not read "no drift" into a new
 * wording); whether retraining really started is `retraining` and the trigger_retraining step.
 */
export const ORIGINAL_MESSAGES = {
  driftDetected: "Drift detected and retraining triggered",
  noDrift: "Drift NOT detected",
} as const;
export const originalMessageSchema = z.enum([ORIGINAL_MESSAGES.driftDetected, ORIGINAL_MESSAGES.noDrift]).meta({
  description: "The original service's wording, to the letter (pilot scripts compare it): the drift verdict",
});

export const retrainingSchema = z.enum(["triggered", "not_configured", "not_needed"]).meta({
  description:
    "`triggered`: the DAG run exists (started by this run or by the failed run it resumed); `not_configured`: drift, but " +
    "AIRFLOW_IP is unset so no retraining started; `not_needed`: no drift",
});
export type Retraining = z.output<typeof retrainingSchema>;

/** What became of retraining in a finished run; `message` cannot say it, as it keeps the original service's wording. */
export function retrainingOf(record: RunRecord): Retraining {
  if (!record.drift?.drift_detected) return "not_needed";
  const trigger = record.steps.find((step) => step.name === "trigger_retraining");
  return trigger?.status === "skipped" ? "not_configured" : "triggered";
}
