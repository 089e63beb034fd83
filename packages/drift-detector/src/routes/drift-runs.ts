import { pipeline } from "node:stream/promises";
import { COMMON_PROBLEMS, defineRoute, HttpProblem, type ProblemType, type ResponseSpec, type Route } from "@clarus/common";
import { z } from "zod";
import { ObjectNotFoundError } from "../adapters/storage/errors.js";
import type { ObjectStore } from "../adapters/storage/object-store.js";
import { type ExperimentRegistry, UnknownExperimentError } from "../experiments/experiment-registry.js";
import type { ExperimentRuntime } from "../experiments/experiment-runtime.js";
import { RunFailure } from "../pipeline/run-failure.js";
import {
  originalMessageSchema,
  type RunRecord,
  retrainingOf,
  retrainingSchema,
  runRecordSchema,
} from "../pipeline/run-record.js";
import { type RunStore, UnreadableRunRecordError } from "../pipeline/run-store.js";
import { DRIFT_PROBLEMS, STEP_FAILED } from "../problem-types.js";
import { REPORT_CONTENT_SECURITY_POLICY_HEADER } from "../report/index.js";
import { runProblem } from "./run-problem.js";

export interface DriftRunsDependencies {
  registry: ExperimentRegistry;
}

export const runAnswer = z.object({
  message: originalMessageSchema,
  retraining: retrainingSchema,
  run_id: z.string().meta({ description: "The run's id (GET /api/drift/runs/{id})", example: "20261126T144012345Z-3f9a1c" }),
  joined_run_in_flight: z.boolean().meta({ description: "True when this call joined a run another call had started" }),
  run: runRecordSchema,
});

/** An error status and the problem types it carries: the OpenAPI document shows the shared Problem schema and each type. */
export const problem = (description: string, ...problems: ProblemType[]): ResponseSpec => ({ description, problems });

/** A run that failed names the step (run-problem.ts). */
const STEP_FAILURES = Object.values(STEP_FAILED);
export const FAILURES = {
  404: problem("A dataset is missing; `bucket` and `path` name it", DRIFT_PROBLEMS["dataset-not-found"]),
  409: problem("A dataset changed while the run was using it; call again", ...STEP_FAILURES),
  422: problem(
    "A dataset is not a readable CSV, or the drift options do not fit the data; the detail quotes the parser",
    DRIFT_PROBLEMS["invalid-csv"],
    DRIFT_PROBLEMS["invalid-drift-options"],
  ),
  502: problem(
    "An outside system (storage, IDS, Airflow) answered an error; `step` and `upstream` say which and what",
    ...STEP_FAILURES,
  ),
  503: problem(
    "An outside system could not be reached, or the DAG is paused; `reference_state` says what the reference holds, read back after a swap whose answer was lost (`unknown`: the detail says how to tell)",
    ...STEP_FAILURES,
  ),
  504: problem(
    "An outside system did not answer in time; `reference_state` says what the reference holds, as for 503",
    ...STEP_FAILURES,
  ),
  500: problem(
    "A step failed on an unexpected error (`step` says which), or the service did",
    ...STEP_FAILURES,
    COMMON_PROBLEMS["internal-server-error"],
  ),
};

/** A stored run record that cannot be read is answered 500 naming the file; anything else unexpected too. */
export const RECORD_UNREADABLE = problem(
  "The stored run record cannot be read (the detail names the file), or an unexpected error",
  DRIFT_PROBLEMS["run-record-unreadable"],
  COMMON_PROBLEMS["internal-server-error"],
);

/** The experiment, or 404 naming the id asked for. */
export function experimentOrProblem(registry: ExperimentRegistry, id: string): ExperimentRuntime {
  const runtime = registry.get(id);
  if (!runtime) {
    const known = registry.list().map((experiment) => experiment.id);
    throw new HttpProblem(
      DRIFT_PROBLEMS["experiment-not-found"],
      `No experiment with id "${id}". Known: ${known.slice(0, 20).join(", ")}.`,
    );
  }
  return runtime;
}

/** Runs the experiment now (joining a run already asked for) and answers as the original service did. */
export async function runOnce(registry: ExperimentRegistry, experimentId: string): Promise<z.output<typeof runAnswer>> {
  experimentOrProblem(registry, experimentId);
  try {
    const { record, joined } = await registry.runNow(experimentId);
    // The pipeline answers only finished runs here (no_drift or completed), whose message is an original one.
    const message = originalMessageSchema.parse(record.message);
    return { message, retraining: retrainingOf(record), run_id: record.id, joined_run_in_flight: joined, run: record };
  } catch (err) {
    if (err instanceof RunFailure) throw runProblem(err);
    if (err instanceof UnknownExperimentError) experimentOrProblem(registry, experimentId);
    throw err;
  }
}

// Run ids are a compact UTC timestamp and hex; refusing other characters keeps paths like ../ out of the store.
export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a run id such as 20261126T144012345Z-3f9a1c (letters, digits, - and _)")
  .meta({
    description: "Run id, as `run_id` of a run's answer or `id` in the listing (UTC start time and a random suffix)",
    example: "20261126T144012345Z-3f9a1c",
  });
const runId = z.object({ id: runIdSchema });

/** A whole number from the query string, with messages that say what is expected (`abc` is not "NaN"). */
export function pageNumber(min: number, max?: number) {
  const atLeast = z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`);
  return max === undefined ? atLeast : atLeast.max(max, `must be at most ${max}`);
}

/** The query of a page of run records, newest first. */
export const runsPageQuery = z.object({
  limit: pageNumber(1, 100).default(20).meta({ description: "Runs per page (1-100, default 20)", example: 5 }),
  offset: pageNumber(0).default(0).meta({ description: "Runs to skip, newest first (default 0)", example: 0 }),
});

/** A page of run records, with the page it is and how many runs there are. */
export const runsPageSchema = z.object({
  runs: z.array(runRecordSchema),
  unreadable: z
    .array(z.string())
    .meta({ description: "Ids on this page whose stored record cannot be read (GET it for the reason)" }),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export async function recordOrProblem(runs: RunStore, id: string): Promise<RunRecord> {
  const record = await runs.get(id).catch((err: unknown) => {
    if (err instanceof UnreadableRunRecordError) throw new HttpProblem(DRIFT_PROBLEMS["run-record-unreadable"], err.message);
    throw err;
  });
  if (!record) throw new HttpProblem(DRIFT_PROBLEMS["run-not-found"], `No drift run with id "${id}".`);
  return record;
}

export const reportFormat = z.object({
  format: z
    .enum(["html", "json"])
    .default("html")
    .meta({ description: "`html` (default): the page; `json`: the same result as JSON", example: "json" }),
});

/** Streams a run's stored report, or 404 saying why there is none. */
export async function streamReport(
  runtime: ExperimentRuntime,
  id: string,
  format: "html" | "json",
  res: import("express").Response,
): Promise<void> {
  const record = await recordOrProblem(runtime.runs, id);
  if (!record.reports)
    throw new HttpProblem(DRIFT_PROBLEMS["report-not-found"], `Run "${id}" has no report (${record.message}).`);
  const key = format === "json" ? record.reports.json : record.reports.html;
  let stream: Awaited<ReturnType<ObjectStore["get"]>>;
  try {
    stream = await runtime.store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) {
      throw new HttpProblem(
        DRIFT_PROBLEMS["report-not-found"],
        `The report of run "${id}" is gone from storage (${err.message}).`,
        {},
      );
    }
    throw err;
  }
  res.status(200).type(format === "json" ? "application/json" : "text/html; charset=utf-8");
  // Stored reports are served with the policy they were written for, whatever else reached the bucket.
  if (format === "html") res.setHeader("Content-Security-Policy", REPORT_CONTENT_SECURITY_POLICY_HEADER);
  await pipeline(stream, res);
}

function defaultExperiment(registry: ExperimentRegistry): ExperimentRuntime {
  return experimentOrProblem(registry, registry.defaultId());
}

const legacyQuery = z.object({
  exp_id: z.string().max(200).optional().meta({
    description: "The experiment to run (GET /api/experiments lists them); default: the first one",
    example: "Clarus_RedWine_experiment",
  }),
});

export function driftRunRoutes(deps: DriftRunsDependencies): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/detect_data_drift",
      operationId: "detectDataDrift",
      summary: "Run drift detection now (the original service's route)",
      description:
        "Compares MINIO_NEW_DATA with MINIO_REF_DATA (with EXPERIMENTS_FILE: the first experiment's data, or that of " +
        "`exp_id`). On drift: writes the reports, updates the IDS provider, triggers the Airflow DAG, archives the old " +
        "reference and replaces it with the new data. Kept as GET for existing callers; same as POST /api/drift/runs " +
        "(and POST /api/experiments/{id}/runs?wait=true). Because it changes state, a request a web page of another " +
        "site makes (a link, an <img>, a form) is refused like a cross-site POST.",
      tags: ["drift"],
      changesState: true,
      responses: {
        200: { description: "The run finished; `message` keeps the original wording", schema: runAnswer },
        ...FAILURES,
        404: problem(
          "A dataset is missing (`bucket` and `path` name it), or no experiment has the `exp_id` asked for",
          DRIFT_PROBLEMS["dataset-not-found"],
          DRIFT_PROBLEMS["experiment-not-found"],
        ),
      },
      query: legacyQuery,
      handler: async ({ query }) => ({
        status: 200,
        body: await runOnce(deps.registry, query.exp_id ?? deps.registry.defaultId()),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/api/drift/runs",
      operationId: "startDriftRun",
      summary: "Run drift detection now",
      description: "Concurrent calls join the run in flight. A call after a failed run resumes it: finished steps are reused.",
      tags: ["drift"],
      responses: { 201: { description: "The run finished", schema: runAnswer }, ...FAILURES },
      handler: async () => {
        const body = await runOnce(deps.registry, deps.registry.defaultId());
        return { status: 201, body, headers: { Location: `/api/drift/runs/${body.run_id}` } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/drift/runs",
      operationId: "listDriftRuns",
      summary: "Past runs, newest first",
      description:
        "Run records (drift verdicts, failed and resumed runs) stored as JSON beside the reports under " +
        "`MINIO_REPORT_PATH/runs/`, so they survive restarts. `total` counts all runs; a record that cannot be read " +
        "is listed by id under `unreadable` instead of hiding the others.",
      tags: ["drift"],
      query: runsPageQuery,
      responses: { 200: { description: "One page of runs", schema: runsPageSchema } },
      handler: async ({ query }) => {
        const page = await defaultExperiment(deps.registry).runs.page(query.offset, query.limit);
        return { status: 200, body: { ...page, limit: query.limit, offset: query.offset } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/drift/runs/{id}",
      operationId: "getDriftRun",
      summary: "One run",
      description:
        "The run's record: status, both datasets (path, size, ETag, SHA-256), the drift summary, report locations, " +
        "the DAG run id and each step's outcome. 500 names the stored file when the record cannot be read.",
      tags: ["drift"],
      params: runId,
      responses: {
        200: { description: "The run", schema: runRecordSchema },
        404: problem("No run with that id", DRIFT_PROBLEMS["run-not-found"]),
        500: RECORD_UNREADABLE,
      },
      handler: async ({ params }) => ({
        status: 200,
        body: await recordOrProblem(defaultExperiment(deps.registry).runs, params.id),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/api/drift/runs/{id}/report",
      operationId: "getDriftRunReport",
      summary: "The run's drift report (HTML, or the JSON twin with ?format=json)",
      description:
        "Streams the self-contained HTML report the run stored (it loads nothing from the network), or its JSON " +
        "twin. Only runs that found drift write a report; others answer 404 saying so. The HTML comes with its own " +
        "Content-Security-Policy header (its stylesheet and filter script only, no framing, sandboxed) and nosniff.",
      tags: ["drift"],
      params: runId,
      query: reportFormat,
      responses: {
        200: { description: "The report", schema: z.string(), contentType: "text/html" },
        404: problem(
          "No such run, or the run wrote no report (no drift, or it stopped before)",
          DRIFT_PROBLEMS["run-not-found"],
          DRIFT_PROBLEMS["report-not-found"],
        ),
        500: RECORD_UNREADABLE,
      },
      handler: async ({ params, query, res }) => {
        const runtime = defaultExperiment(deps.registry);
        await streamReport(runtime, params.id, query.format, res);
        return { status: 200 };
      },
    }),
  ];
}
