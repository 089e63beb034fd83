import { ConfigError, defineRoute, HttpProblem, type ResponseSpec, type Route } from "@clarus/common";
import { z } from "zod";
import type { Experiment } from "../experiments/experiment.js";
import type { ExperimentRegistry } from "../experiments/experiment-registry.js";
import { MONITOR_CONTENT_SECURITY_POLICY, renderMonitorPage } from "../history/monitor-page.js";
import { HISTORY_LIMITS, historySchema, runHistory } from "../history/run-history.js";
import { runRecordSchema } from "../pipeline/run-record.js";
import { DRIFT_PROBLEMS } from "../problem-types.js";
import { queuedTriggerSchema } from "../triggers/trigger.js";
import {
  experimentOrProblem,
  FAILURES,
  pageNumber,
  problem,
  RECORD_UNREADABLE,
  recordOrProblem,
  reportFormat,
  runAnswer,
  runIdSchema,
  runOnce,
  runsPageQuery,
  runsPageSchema,
  streamReport,
} from "./drift-runs.js";
import { triggerProblem } from "./run-problem.js";

export interface ExperimentRoutesDependencies {
  registry: ExperimentRegistry;
  /** Reads the experiments file again; undefined when the experiments come from the environment. */
  reload: (() => Promise<Experiment[]>) | undefined;
}

const NOT_FOUND = problem(
  "No experiment with that id; the detail names it and lists the known ones",
  DRIFT_PROBLEMS["experiment-not-found"],
);

/** A run failure's answer, or the answer of a trigger storage could not journal. */
const queuedToo = (failure: ResponseSpec): ResponseSpec =>
  problem(
    `${failure.description}; without wait=true, storage failed while journaling the trigger (nothing was queued)`,
    ...(failure.problems ?? []),
    DRIFT_PROBLEMS["trigger-not-queued"],
  );

const experimentId = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .meta({ description: "Experiment id (GET /api/experiments lists them)", example: "Clarus_RedWine_experiment" }),
});
const experimentRun = experimentId.extend({ run: runIdSchema });

const experimentSchema = z
  .object({
    id: z.string().meta({ example: "Clarus_RedWine_experiment" }),
    description: z.string(),
    bucket: z.string().meta({ example: "datasets" }),
    reference: z.string().meta({ example: "uc_wine/winequality-red.csv" }),
    new_data: z
      .union([z.object({ path: z.string() }), z.object({ batch_prefix: z.string() })])
      .meta({ description: "`path`: one object judged when it changes; `batch_prefix`: each new object under it is a batch" }),
    reports: z.string().meta({ description: "Reports, run records (`runs/`) and queued triggers (`queue/`) live here" }),
    history: z.string().meta({ description: "Where old references are archived" }),
    drift: z.record(z.string(), z.unknown()).meta({ description: "Drift options (the Evidently-named options of --config)" }),
    airflow: z.union([z.object({ dag_id: z.string() }), z.object({ off: z.string() })]),
    ids: z.union([z.object({ on: z.literal(true) }), z.object({ off: z.string() })]),
    triggers: z.object({
      events: z.boolean(),
      poll_seconds: z.number().int().nullable(),
      schedule: z.string().nullable(),
      timezone: z.string().nullable(),
      next_scheduled_run: z.iso.datetime().nullable(),
    }),
    queue: z.object({
      running: z.boolean().meta({ description: "A run of this experiment is going on" }),
      waiting: z.number().int().meta({ description: "Runs waiting for their turn" }),
      triggers: z.array(queuedTriggerSchema).meta({ description: "Accepted triggers not yet done (the running one first)" }),
    }),
    links: z.object({ runs: z.string(), history: z.string(), monitor: z.string() }),
  })
  .meta({ description: "An experiment as the detector runs it, with its queue" });

const listSchema = z.object({
  source: z.string().meta({ description: "`EXPERIMENTS_FILE <path>` or `environment`", example: "environment" }),
  loaded_at: z.iso.datetime(),
  last_reload_error: z
    .object({ at: z.iso.datetime(), problems: z.array(z.string()) })
    .optional()
    .meta({ description: "The last reload that was refused; the experiments listed are the ones in force" }),
  experiments: z.array(experimentSchema),
});

function describe(registry: ExperimentRegistry, experiment: Experiment): z.output<typeof experimentSchema> {
  const base = `/api/experiments/${encodeURIComponent(experiment.id)}`;
  const next = registry.nextScheduledRun(experiment.id);
  return {
    id: experiment.id,
    description: experiment.description,
    bucket: experiment.bucket,
    reference: experiment.referencePath,
    new_data:
      experiment.newData.kind === "path" ? { path: experiment.newData.path } : { batch_prefix: experiment.newData.prefix },
    reports: experiment.reportPath,
    history: experiment.historyPath,
    drift: experiment.drift,
    airflow: "dagId" in experiment.airflow ? { dag_id: experiment.airflow.dagId } : { off: experiment.airflow.off },
    ids: experiment.ids,
    triggers: {
      events: experiment.triggers.events,
      poll_seconds: experiment.triggers.pollSeconds ?? null,
      schedule: experiment.triggers.schedule ?? null,
      timezone: experiment.triggers.timezone ?? null,
      next_scheduled_run: next ? next.toISOString() : null,
    },
    queue: {
      running: registry.queue.isRunning(experiment.id),
      waiting: registry.queue.length(experiment.id),
      triggers: registry.queue.pending(experiment.id),
    },
    links: { runs: `${base}/runs`, history: `${base}/history`, monitor: `${base}/monitor` },
  };
}

function listAnswer(registry: ExperimentRegistry): z.output<typeof listSchema> {
  return {
    source: registry.source,
    loaded_at: registry.state.loaded_at,
    ...(registry.state.last_error ? { last_reload_error: registry.state.last_error } : {}),
    experiments: registry.list().map((experiment) => describe(registry, experiment)),
  };
}

const columnList = z
  .string()
  .max(10_000)
  .transform((text) => [
    ...new Set(
      text
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ])
  .refine((names) => names.length <= HISTORY_LIMITS.columnsAsked, `must name at most ${HISTORY_LIMITS.columnsAsked} columns`);

export function experimentRoutes(deps: ExperimentRoutesDependencies): Route[] {
  const { registry } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/api/experiments",
      operationId: "listExperiments",
      summary: "The experiments in force, with their triggers and queues",
      description:
        "From EXPERIMENTS_FILE, or the one experiment the environment variables describe. `last_reload_error` keeps the " +
        "problems of a refused reload (the experiments listed are then the ones from before it).",
      tags: ["experiments"],
      responses: { 200: { description: "The experiments", schema: listSchema } },
      handler: () => ({ status: 200, body: listAnswer(registry) }),
    }),
    defineRoute({
      method: "post",
      path: "/api/experiments/reload",
      operationId: "reloadExperiments",
      summary: "Read EXPERIMENTS_FILE again and apply it at once (as SIGHUP does)",
      description:
        "A valid file replaces every experiment at once (runs in flight finish as they started). An invalid one changes " +
        "nothing: 422 lists every problem, and GET /api/experiments shows them as `last_reload_error`.",
      tags: ["experiments"],
      responses: {
        200: { description: "Applied; the experiments now in force", schema: listSchema },
        409: problem(
          "The experiments come from the environment (EXPERIMENTS_FILE unset): nothing to reload",
          DRIFT_PROBLEMS["experiments-not-reloadable"],
        ),
        422: problem(
          "The file is invalid; `errors` lists every problem; the experiments in force are unchanged",
          DRIFT_PROBLEMS["experiments-file-invalid"],
        ),
      },
      handler: async () => {
        if (!deps.reload)
          throw new HttpProblem(
            DRIFT_PROBLEMS["experiments-not-reloadable"],
            "EXPERIMENTS_FILE is not set: the experiment comes from the environment, restart to change it.",
          );
        try {
          await registry.reload(await deps.reload());
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          registry.reloadFailed(err.problems);
          throw new HttpProblem(
            DRIFT_PROBLEMS["experiments-file-invalid"],
            `The experiments file was not applied; the experiments in force are unchanged. ${err.problems.length} problem(s).`,
            {
              errors: err.problems.map((message) => ({ location: "body", field: "EXPERIMENTS_FILE", message })),
            },
          );
        }
        return { status: 200, body: listAnswer(registry) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/experiments/{id}",
      operationId: "getExperiment",
      summary: "One experiment: its data, options, triggers and queue",
      description:
        "As listed by GET /api/experiments: data paths, drift options, DAG, IDS, triggers with the next scheduled run, " +
        "and the queue (running, waiting, accepted triggers).",
      tags: ["experiments"],
      params: experimentId,
      responses: { 200: { description: "The experiment", schema: experimentSchema }, 404: NOT_FOUND },
      handler: ({ params }) => ({
        status: 200,
        body: describe(registry, experimentOrProblem(registry, params.id).experiment),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/api/experiments/{id}/runs",
      operationId: "startExperimentRun",
      summary: "Queue a run of the experiment (or run it and wait, with wait=true)",
      description:
        "Queues a run (202): of the new-data path, or of every batch under the prefix not yet judged, oldest first. The " +
        "queue survives restarts and runs MAX_CONCURRENT_RUNS at once. With `wait=true` the call runs the experiment and " +
        "answers when done (201), as POST /api/drift/runs does; callers waiting at once join one run.",
      tags: ["experiments"],
      params: experimentId,
      query: z.object({
        wait: z
          .enum(["true", "false"])
          .default("false")
          .meta({ description: "`true`: answer when the run is done, with the run", example: "false" }),
      }),
      responses: {
        201: { description: "wait=true: the run finished", schema: runAnswer },
        202: {
          description: "Queued (or nothing to queue: `ignored` says why)",
          schema: z.object({
            queued: z.array(queuedTriggerSchema),
            ignored: z.array(z.object({ object: z.string().optional(), reason: z.string() })),
            queue_length: z.number().int().meta({ description: "Runs of this experiment waiting, these included" }),
          }),
        },
        ...FAILURES,
        404: problem(
          "No experiment with that id (or, with wait=true, a dataset is missing)",
          DRIFT_PROBLEMS["experiment-not-found"],
          DRIFT_PROBLEMS["dataset-not-found"],
        ),
        // Without wait=true the trigger is journaled, not run: storage failing then is trigger-not-queued.
        502: queuedToo(FAILURES[502]),
        503: queuedToo(FAILURES[503]),
        504: queuedToo(FAILURES[504]),
      },
      handler: async ({ params, query }) => {
        experimentOrProblem(registry, params.id);
        const base = `/api/experiments/${encodeURIComponent(params.id)}/runs`;
        if (query.wait === "true") {
          const body = await runOnce(registry, params.id);
          return { status: 201, body, headers: { Location: `${base}/${body.run_id}` } };
        }
        const outcomes = await registry.trigger(params.id, "api").catch((err: unknown) => {
          throw triggerProblem(err);
        });
        return {
          status: 202,
          headers: { Location: base },
          body: {
            queued: outcomes.flatMap((outcome) => ("accepted" in outcome ? [outcome.accepted] : [])),
            ignored: outcomes.flatMap((outcome) => ("ignored" in outcome ? [outcome.ignored] : [])),
            queue_length: registry.queue.length(params.id),
          },
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/experiments/{id}/runs",
      operationId: "listExperimentRuns",
      summary: "The experiment's runs, newest first, and its queued triggers",
      description:
        "Run records from `<reports>/runs/` (statuses include `unchanged` for triggered runs that found judged data), " +
        "and `queued`: triggers accepted and not yet done, the running one first.",
      tags: ["experiments"],
      params: experimentId,
      query: runsPageQuery,
      responses: {
        200: {
          description: "One page of runs",
          schema: runsPageSchema.extend({
            queued: z.array(queuedTriggerSchema).meta({ description: "Accepted triggers not yet done" }),
          }),
        },
        404: NOT_FOUND,
      },
      handler: async ({ params, query }) => {
        const runtime = experimentOrProblem(registry, params.id);
        const page = await runtime.runs.page(query.offset, query.limit);
        return {
          status: 200,
          body: { ...page, limit: query.limit, offset: query.offset, queued: registry.queue.pending(params.id) },
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/experiments/{id}/runs/{run}",
      operationId: "getExperimentRun",
      summary: "One run of the experiment",
      description: "The run's record, as GET /api/drift/runs/{id} answers for the default experiment.",
      tags: ["experiments"],
      params: experimentRun,
      responses: {
        200: { description: "The run", schema: runRecordSchema },
        404: problem("No such experiment or run", DRIFT_PROBLEMS["experiment-not-found"], DRIFT_PROBLEMS["run-not-found"]),
        500: RECORD_UNREADABLE,
      },
      handler: async ({ params }) => ({
        status: 200,
        body: await recordOrProblem(experimentOrProblem(registry, params.id).runs, params.run),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/api/experiments/{id}/runs/{run}/report",
      operationId: "getExperimentRunReport",
      summary: "The run's drift report (HTML, or JSON with ?format=json)",
      description: "The self-contained report the run stored; only runs that found drift write one.",
      tags: ["experiments"],
      params: experimentRun,
      query: reportFormat,
      responses: {
        200: { description: "The report", schema: z.string(), contentType: "text/html" },
        404: problem(
          "No such experiment or run, or the run wrote no report (no drift)",
          DRIFT_PROBLEMS["experiment-not-found"],
          DRIFT_PROBLEMS["run-not-found"],
          DRIFT_PROBLEMS["report-not-found"],
        ),
        500: RECORD_UNREADABLE,
      },
      handler: async ({ params, query, res }) => {
        await streamReport(experimentOrProblem(registry, params.id), params.run, query.format, res);
        return { status: 200 };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/experiments/{id}/history",
      operationId: "getExperimentHistory",
      summary: "Drift over time: per run, the verdict, drifted share and each column's test, score and verdict",
      description:
        "From the run records, newest first, without re-computation. Runs that found their data unchanged are left out; " +
        `so are runs that stopped before a verdict. Reads at most ${HISTORY_LIMITS.recordsRead} records.`,
      tags: ["experiments"],
      params: experimentId,
      query: z.object({
        columns: columnList.optional().meta({
          description: `Comma-separated column names (at most ${HISTORY_LIMITS.columnsAsked}); default: all`,
          example: "alcohol,pH",
        }),
        limit: pageNumber(1, HISTORY_LIMITS.runs)
          .default(HISTORY_LIMITS.defaultRuns)
          .meta({ description: `Runs (1-${HISTORY_LIMITS.runs}, default ${HISTORY_LIMITS.defaultRuns})`, example: 30 }),
      }),
      responses: { 200: { description: "The history", schema: historySchema }, 404: NOT_FOUND },
      handler: async ({ params, query }) => ({
        status: 200,
        body: await runHistory(experimentOrProblem(registry, params.id), query.limit, query.columns),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/api/experiments/{id}/monitor",
      operationId: "getExperimentMonitor",
      summary: "The experiment's monitor page (HTML): last verdict, drifted share over time, runs × columns heat map",
      description:
        "Self-contained like the reports (no script, loads nothing); each heat-map cell links to that run's report. " +
        "`limit` runs, newest first.",
      tags: ["experiments"],
      params: experimentId,
      query: z.object({
        limit: pageNumber(1, HISTORY_LIMITS.runs)
          .default(HISTORY_LIMITS.defaultRuns)
          .meta({ description: `Runs shown (1-${HISTORY_LIMITS.runs}, default ${HISTORY_LIMITS.defaultRuns})`, example: 30 }),
      }),
      responses: { 200: { description: "The page", schema: z.string(), contentType: "text/html" }, 404: NOT_FOUND },
      handler: async ({ params, query }) => {
        const runtime = experimentOrProblem(registry, params.id);
        const history = await runHistory(runtime, query.limit, undefined);
        return {
          status: 200,
          contentType: "text/html; charset=utf-8",
          headers: { "Content-Security-Policy": MONITOR_CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff" },
          body: renderMonitorPage(runtime.experiment, history, new Date()),
        };
      },
    }),
  ];
}
