/**
 * The Airflow REST facts the fakes enforce, copied from the contracts in the shared reference folder
 * (contracts/airflow/, see its CONTRACT-NOTES.md) so tests run in any clone:
 * - Airflow 2: `airflow2-v1.yaml` = apache/airflow airflow/api_connexion/openapi/v1.yaml @ 0d87d27d (2.10.0),
 *   schema `DAGRun` (l.3316-3420), `/dags/{dag_id}/dagRuns` post (l.815), basic auth, problem+json errors.
 * - Airflow 3: `airflow3-v2-rest-api.yaml` = v2-rest-api-generated.yaml @ c57fba0e, schema `TriggerDAGRunPostBody`
 *   (l.13294-13346: additionalProperties false, required logical_date), `DAGPatchBody`; token API from
 *   `airflow3-simple-auth-manager.yaml` (POST /auth/token, 201 {access_token}, LoginBody strict).
 */
import { z } from "zod";

/** `[scheduler] allowed_run_id_pattern` default (config.yml l.2615 on 2.x, l.2552 on 3.x). */
export const ALLOWED_RUN_ID = /^[A-Za-z0-9_.~:+-]+$/;

/** A date-time string that carries a zone: naive values give 400 on 2.x ("Naive datetime is disallowed"), 422 on 3.x. */
const awareDateTime = z.string().refine((text) => /(Z|[+-]\d{2}:?\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)), {
  message: "Naive datetime is disallowed",
});

/** Airflow 2 `DAGRun` as a request body: the writable fields; read-only ones are rejected ("Property is read-only"). */
export const AIRFLOW2_READ_ONLY_DAG_RUN_FIELDS = [
  "dag_id",
  "start_date",
  "end_date",
  "last_scheduling_decision",
  "run_type",
  "state",
  "external_trigger",
] as const;
export const airflow2DagRunBody = z.strictObject({
  dag_run_id: z.string().regex(ALLOWED_RUN_ID).nullable().optional(),
  logical_date: awareDateTime.nullable().optional(),
  execution_date: awareDateTime.nullable().optional(),
  data_interval_start: awareDateTime.nullable().optional(),
  data_interval_end: awareDateTime.nullable().optional(),
  conf: z.record(z.string(), z.unknown()).optional(),
  note: z.string().nullable().optional(),
});

/** Airflow 3 `TriggerDAGRunPostBody` (3.0-3.1 field set; `partition_key` is 3.2 only, so it is not sent). */
export const airflow3TriggerBody = z.strictObject({
  dag_run_id: z.string().regex(ALLOWED_RUN_ID).nullable().optional(),
  data_interval_start: awareDateTime.nullable().optional(),
  data_interval_end: awareDateTime.nullable().optional(),
  logical_date: awareDateTime.nullable(),
  run_after: awareDateTime.nullable().optional(),
  conf: z.record(z.string(), z.unknown()).nullable().optional(),
  note: z.string().nullable().optional(),
});

/** `DAGPatchBody` (additionalProperties false, required is_paused), sent with `?update_mask=is_paused`. */
export const dagPatchBody = z.strictObject({ is_paused: z.boolean() });

/** Simple auth manager `LoginBody` (StrictBaseModel). */
export const airflow3LoginBody = z.strictObject({ username: z.string(), password: z.string() });

/** Fixed answers quoted in CONTRACT-NOTES.md §2.4 and §2.2. */
export const AIRFLOW3_V1_REMOVED = "/api/v1 has been removed in Airflow 3, please use its upgraded version /api/v2 instead.";
export const AIRFLOW3_UNIQUE_VIOLATION = {
  reason: "Unique constraint violation",
  statement: "hidden",
  orig_error: "hidden",
  message:
    "Serious error when handling your request. Check logs for more details - you will find it in api server when you look for ID 1",
};
