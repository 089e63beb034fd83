import { Cron } from "croner";
import { z } from "zod";
import { type DriftOptions, driftOptionsSchema } from "../drift/options.js";

/** S3 bucket naming rules (AWS "Bucket naming rules"): 3-63 chars of a-z, 0-9, dot and hyphen. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Experiment ids go into URLs, object keys of queued triggers and metric labels: printable, no slash. */
const EXPERIMENT_ID = /^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,99}$/;

export const LIMITS = {
  experiments: 200,
  pollSeconds: { min: 5, max: 86_400 },
} as const;

/** A path inside the bucket: leading and trailing slashes dropped, no `.`/`..` segments. */
export const objectPath = () =>
  z
    .string()
    .max(1024, "must be at most 1024 characters (S3's key limit)")
    .transform((text) => text.replace(/^\/+/, "").replace(/\/+$/, ""))
    .refine((path) => path.length > 0, "must name an object path inside the bucket")
    .refine(
      (path) => !path.split("/").some((segment) => segment === ".." || segment === "."),
      "must not contain . or .. segments",
    );

export const experimentIdSchema = z
  .string()
  .regex(EXPERIMENT_ID, "must be 1-100 letters, digits, spaces and _ . : - (starting with a letter or digit)");

const cronExpression = z
  .string()
  .max(200)
  .superRefine((expression, context) => {
    try {
      new Cron(expression, { paused: true }).stop();
    } catch (err) {
      context.addIssue({ code: "custom", message: `is not a cron expression (${err instanceof Error ? err.message : err})` });
    }
  });

const triggersSchema = z
  .strictObject({
    events: z
      .boolean()
      .default(true)
      .describe("Run when POST /api/events/minio reports the new-data object or a batch under the prefix"),
    poll_seconds: z
      .number()
      .int("must be a whole number of seconds")
      .min(LIMITS.pollSeconds.min, `must be at least ${LIMITS.pollSeconds.min}`)
      .max(LIMITS.pollSeconds.max, `must be at most ${LIMITS.pollSeconds.max}`)
      .optional()
      .describe("Check the new data every so many seconds (ETag of the path, or a listing of the prefix) and run on change"),
    schedule: cronExpression.optional().describe("Cron expression (5 or 6 fields, croner syntax): run at these times"),
    timezone: z.string().optional().describe("IANA time zone of the schedule (default: the machine's)"),
  })
  .superRefine((triggers, context) => {
    if (triggers.timezone === undefined) return;
    try {
      new Intl.DateTimeFormat("en", { timeZone: triggers.timezone });
    } catch {
      context.addIssue({ code: "custom", path: ["timezone"], message: "is not an IANA time zone such as Europe/Madrid" });
    }
  });

/** One experiment as written in EXPERIMENTS_FILE (snake_case, as the rest of the API). */
export const experimentEntrySchema = z
  .strictObject({
    id: experimentIdSchema,
    description: z.string().max(1000).optional(),
    bucket: z.string().regex(BUCKET_NAME, "must be a valid S3 bucket name (3-63 of a-z 0-9 . -)").optional(),
    reference: objectPath(),
    new_data: objectPath().optional(),
    batch_prefix: objectPath().optional(),
    reports: objectPath(),
    history: objectPath().optional(),
    drift: driftOptionsSchema.optional(),
    airflow: z
      .strictObject({
        dag_id: z.string().regex(/^[A-Za-z0-9_.-]{1,250}$/, "must be an Airflow DAG id (letters, digits, _ . -)"),
        trigger: z.boolean().default(true),
      })
      .optional(),
    ids: z.boolean().default(true),
    triggers: triggersSchema.default({ events: true }),
  })
  .superRefine((entry, context) => {
    if ((entry.new_data === undefined) === (entry.batch_prefix === undefined)) {
      context.addIssue({ code: "custom", path: ["new_data"], message: "give exactly one of new_data and batch_prefix" });
    }
    if (entry.new_data !== undefined && entry.new_data === entry.reference) {
      context.addIssue({ code: "custom", path: ["new_data"], message: "must differ from reference" });
    }
    if (entry.batch_prefix !== undefined) {
      const prefix = `${entry.batch_prefix}/`;
      for (const field of ["reference", "reports", "history"] as const) {
        const value = entry[field];
        if (value !== undefined && (`${value}/`.startsWith(prefix) || prefix.startsWith(`${value}/`)))
          context.addIssue({
            code: "custom",
            path: [field],
            message: `must lie outside batch_prefix ${entry.batch_prefix}/ (objects written there would count as batches)`,
          });
      }
    }
  });

export const experimentsFileSchema = z.strictObject({
  experiments: z.array(experimentEntrySchema).min(1, "must list at least one experiment").max(LIMITS.experiments),
});
export type ExperimentsFile = z.output<typeof experimentsFileSchema>;

export type NewData = { kind: "path"; path: string } | { kind: "prefix"; prefix: string };

export interface ExperimentTriggers {
  events: boolean;
  pollSeconds: number | undefined;
  schedule: string | undefined;
  timezone: string | undefined;
}

/** An experiment as the detector runs it: every default applied. */
export interface Experiment {
  id: string;
  description: string;
  bucket: string;
  referencePath: string;
  newData: NewData;
  reportPath: string;
  historyPath: string;
  drift: DriftOptions;
  /** The DAG to trigger on drift, or why none is. */
  airflow: { dagId: string } | { off: string };
  /** Publish to the IDS provider on drift, or why not. */
  ids: { on: true } | { off: string };
  triggers: ExperimentTriggers;
}

/** What the experiments file falls back on: the connection settings and defaults of the environment. */
export interface ExperimentDefaults {
  bucket: string;
  /** AIRFLOW_IP is set. */
  airflowConfigured: boolean;
  /** ID_AIRFLOW_DAG: the DAG of entries without their own. */
  airflowDagId: string | undefined;
  idsConfigured: boolean;
  /** Options of DRIFT_CONFIG_FILE / DRIFT_SHARE, used when an entry has no `drift`. */
  drift: DriftOptions;
}

export function parentFolder(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

export function defaultHistoryPath(referencePath: string): string {
  const folder = parentFolder(referencePath);
  return folder ? `${folder}/history` : "history";
}

/** The file's entries with defaults applied, and the rules across entries and against the environment checked. */
export function experimentsFrom(
  file: ExperimentsFile,
  defaults: ExperimentDefaults,
): { experiments: Experiment[]; problems: string[] } {
  const problems: string[] = [];
  const experiments = file.experiments.map((entry, index): Experiment => {
    const where = `experiments.${index} (${entry.id})`;
    let airflow: Experiment["airflow"];
    if (entry.airflow && !entry.airflow.trigger) airflow = { off: "off for this experiment (airflow.trigger: false)" };
    else if (entry.airflow) {
      if (!defaults.airflowConfigured)
        problems.push(`${where}.airflow: AIRFLOW_IP is unset, so DAG ${entry.airflow.dag_id} cannot be triggered`);
      airflow = { dagId: entry.airflow.dag_id };
    } else if (defaults.airflowConfigured && defaults.airflowDagId) airflow = { dagId: defaults.airflowDagId };
    else
      airflow = {
        off: defaults.airflowConfigured
          ? "not configured (no airflow.dag_id, and ID_AIRFLOW_DAG unset)"
          : "not configured (AIRFLOW_IP unset)",
      };
    return {
      id: entry.id,
      description: entry.description ?? `New dataset of ${entry.id} after data drift`,
      bucket: entry.bucket ?? defaults.bucket,
      referencePath: entry.reference,
      newData:
        entry.batch_prefix !== undefined
          ? { kind: "prefix", prefix: `${entry.batch_prefix}/` }
          : { kind: "path", path: entry.new_data ?? "" },
      reportPath: entry.reports,
      historyPath: entry.history ?? defaultHistoryPath(entry.reference),
      drift: entry.drift ?? defaults.drift,
      airflow,
      ids: !entry.ids
        ? { off: "off for this experiment (ids: false)" }
        : defaults.idsConfigured
          ? { on: true }
          : { off: "not configured (IDS_PROVIDER_IP unset)" },
      triggers: {
        events: entry.triggers.events,
        pollSeconds: entry.triggers.poll_seconds,
        schedule: entry.triggers.schedule,
        timezone: entry.triggers.timezone,
      },
    };
  });
  problems.push(...crossExperimentProblems(experiments));
  return { experiments, problems };
}

/** Two experiments must not share an id, nor write runs, reports or queued triggers into the same folder. */
function crossExperimentProblems(experiments: Experiment[]): string[] {
  const problems: string[] = [];
  const seenIds = new Map<string, number>();
  const seenReports = new Map<string, string>();
  for (const [index, experiment] of experiments.entries()) {
    const earlier = seenIds.get(experiment.id);
    if (earlier !== undefined)
      problems.push(`experiments.${index}.id: "${experiment.id}" is also the id of experiments.${earlier}`);
    else seenIds.set(experiment.id, index);
    const reports = `${experiment.bucket}/${experiment.reportPath}`;
    const owner = seenReports.get(reports);
    if (owner !== undefined)
      problems.push(
        `experiments.${index}.reports: ${reports} is also the report folder of "${owner}" (their run records would mix)`,
      );
    else seenReports.set(reports, experiment.id);
  }
  return problems;
}

/** Where an experiment's runs, reports and queued triggers live: beside each other, so they survive restarts. */
export function queueFolder(experiment: Experiment): string {
  return `${experiment.reportPath}/queue/`;
}

/** The new-data object an experiment watches, or the prefix of its batches, for messages. */
export function newDataLabel(experiment: Experiment): string {
  return experiment.newData.kind === "path" ? experiment.newData.path : `${experiment.newData.prefix}*`;
}

/** Whether an object (bucket, key) is new data of the experiment: its path, or a batch under its prefix. */
export function watches(experiment: Experiment, bucket: string, key: string): boolean {
  if (bucket !== experiment.bucket) return false;
  if (experiment.newData.kind === "path") return key === experiment.newData.path;
  return key.startsWith(experiment.newData.prefix) && key.length > experiment.newData.prefix.length && !key.endsWith("/");
}
