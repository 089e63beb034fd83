import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { accessVariables, apiTokenVariable, ConfigError, envVar, type HttpAccess, loadConfig, readAccess } from "@clarus/common";
import { z } from "zod";
import { type CsvLimitName, type CsvLimits, csvLimits, DEFAULT_CSV_LIMITS } from "./csv/limits.js";
import type { DriftEngineSettings } from "./drift/detect-drift.js";
import { type DriftOptions, driftOptionsSchema } from "./drift/options.js";
import {
  BUCKET_NAME,
  defaultHistoryPath,
  type Experiment,
  type ExperimentDefaults,
  objectPath,
} from "./experiments/experiment.js";

/** The environment variable that sets each CSV limit. */
export const CSV_LIMIT_VARIABLES = {
  fileBytes: "CSV_MAX_FILE_BYTES",
  recordChars: "CSV_MAX_RECORD_CHARS",
  columns: "CSV_MAX_COLUMNS",
  distinctLabels: "CSV_MAX_DISTINCT_LABELS",
} as const satisfies Record<CsvLimitName, string>;

const csvLimit = (name: CsvLimitName) => envVar.integer({ min: 1, fallback: DEFAULT_CSV_LIMITS[name] });

/** The seed's variables (same names and meaning as the original service) plus extras with working defaults. */
const environmentSchema = z.object({
  PORT: envVar.port(5000),
  LOG_LEVEL: envVar.logLevel(),
  DRIFT_API_TOKEN: apiTokenVariable(),
  ...accessVariables,

  AIRFLOW_IP: envVar.optionalString(),
  AIRFLOW_PORT: envVar.port(8080),
  ID_AIRFLOW_DAG: envVar.optionalString(),
  AIRFLOW_USER: envVar.optionalString(),
  AIRFLOW_PASSWORD: envVar.optionalString(),
  AIRFLOW_USE_TLS: envVar.boolean(false),
  AIRFLOW_UNPAUSE_DAG: envVar.boolean(false),

  MINIO_IP: envVar.optionalString(),
  MINIO_PORT: envVar.port(9000),
  MINIO_USER: envVar.optionalString(),
  MINIO_PASSWORD: envVar.optionalString(),
  MINIO_USE_SSL: envVar.boolean(false),
  MINIO_REGION: envVar.string("us-east-1"),
  MINIO_BUCKET: envVar
    .string("datasets")
    .refine((name) => BUCKET_NAME.test(name), "must be a valid S3 bucket name (3-63 of a-z 0-9 . -)"),
  MINIO_REF_DATA: objectPath().default("uc_wine/winequality-red.csv"),
  MINIO_NEW_DATA: objectPath().default("uc_wine/winequality-red-new.csv"),
  MINIO_REPORT_PATH: objectPath().default("uc_wine/reports"),
  MINIO_HISTORY_PATH: objectPath().optional(),
  DATA_DIR: envVar.string("data"),

  EXPERIMENT_ID: envVar.string("Clarus_RedWine_experiment"),
  EXPERIMENT_DESCRIPTION: envVar.optionalString(),
  IDS_PROVIDER_IP: envVar.optionalString(),
  IDS_PROVIDER_PORT: envVar.optionalPort(),
  IDS_MINIO_ENDPOINT: envVar.optionalString(),

  UPSTREAM_TIMEOUT_MS: envVar.integer({ min: 100, max: 600_000, fallback: 10_000 }),
  UPSTREAM_RETRIES: envVar.integer({ min: 0, max: 10, fallback: 3 }),
  UPSTREAM_RETRY_DELAY_MS: envVar.integer({ min: 0, max: 60_000, fallback: 500 }),
  STORAGE_TIMEOUT_MS: envVar.integer({ min: 100, max: 600_000, fallback: 30_000 }),

  CSV_MAX_FILE_BYTES: csvLimit("fileBytes"),
  CSV_MAX_RECORD_CHARS: csvLimit("recordChars"),
  CSV_MAX_COLUMNS: csvLimit("columns"),
  CSV_MAX_DISTINCT_LABELS: csvLimit("distinctLabels"),

  DRIFT_CONFIG_FILE: envVar.optionalString(),

  EXPERIMENTS_FILE: envVar.optionalString(),
  MAX_CONCURRENT_RUNS: envVar.integer({ min: 1, max: 16, fallback: 1 }),
  MINIO_WEBHOOK_TOKEN: envVar
    .optionalString()
    .refine(
      (token) => token === undefined || token.length >= 16,
      "must be at least 16 characters (it is the only thing between the network and queued runs)",
    ),
  DRIFT_SHARE: z.coerce.number("must be a number").gt(0, "must be above 0").max(1, "must be at most 1").optional(),
  DRIFT_WORKERS: envVar.optionalInteger({ min: 1, max: 256 }),
  DRIFT_TEMP_DIR: envVar.optionalString(),
  DRIFT_MEMORY_BUDGET_MIB: envVar.integer({ min: 16, max: 1024 * 1024, fallback: 512 }),
});

type Environment = z.output<typeof environmentSchema>;

export type StorageConfig =
  | { kind: "s3"; endPoint: string; port: number; useSSL: boolean; region: string; accessKey: string; secretKey: string }
  | { kind: "local"; dataDir: string };

export interface AirflowConfig extends AirflowConnection {
  dagId: string;
}

/** Where Airflow is and how to call it; each experiment names its DAG. */
export interface AirflowConnection {
  baseUrl: string;
  /** Both or neither: an Airflow with AUTH_ROLE_PUBLIC needs no credentials. */
  credentials: { username: string; password: string } | undefined;
  unpausePausedDag: boolean;
}

export interface IdsConfig {
  baseUrl: string;
  /** `host:port` of the storage as the data space sees it (the Postman body's `minio_endpoint`). */
  storageEndpoint: string;
}

export interface OutboundCallPolicy {
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

export interface ServiceConfig {
  port: number;
  logLevel: Environment["LOG_LEVEL"];
  /** Where it listens, its token and the browser-facing checks (docs/security.md). */
  access: HttpAccess;
  storage: StorageConfig;
  storageTimeoutMs: number;
  /** `DATA_DIR/.run-journal`: run records wait there, fsynced, until storage has them (a dot name is no bucket's). */
  journalDir: string;
  bucket: string;
  referencePath: string;
  newDataPath: string;
  reportPath: string;
  historyPath: string;
  experimentId: string;
  experimentDescription: string;
  /** Set with AIRFLOW_IP; `airflow` adds ID_AIRFLOW_DAG to it. */
  airflowConnection: AirflowConnection | undefined;
  airflow: AirflowConfig | undefined;
  ids: IdsConfig | undefined;
  outbound: OutboundCallPolicy;
  /** From DRIFT_CONFIG_FILE (Evidently DataDriftPreset parameters), with DRIFT_SHARE on top. */
  drift: DriftOptions;
  /** What each dataset may hold (CSV_MAX_*). */
  csvLimits: CsvLimits;
  /** How a run uses the machine (DRIFT_WORKERS, DRIFT_MEMORY_BUDGET_MIB). */
  engine: DriftEngineSettings;
  /** Parent of each run's scratch folder (DRIFT_TEMP_DIR, default the system's temporary folder). */
  tempDir: string;
  /** Declares the experiments; unset, the variables above define exactly one. */
  experimentsFile: string | undefined;
  /** Runs at once in this process, across experiments. */
  maxConcurrentRuns: number;
  /** The bearer token MinIO sends with bucket notifications (its notify_webhook auth_token). */
  webhookToken: string | undefined;
}

function set(env: Record<string, string | undefined>, name: string): boolean {
  return (env[name] ?? "").trim() !== "";
}

/** Rules across variables; checked on the raw environment so they are listed together with per-variable problems. */
function crossVariableProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const requireWith = (anchor: string, needed: string[]) => {
    if (!set(env, anchor)) return;
    for (const name of needed) if (!set(env, name)) problems.push(`${name}: required when ${anchor} is set`);
  };
  requireWith("MINIO_IP", ["MINIO_USER", "MINIO_PASSWORD"]);
  // With an experiments file each experiment may name its own DAG; ID_AIRFLOW_DAG is then only the default.
  if (!set(env, "EXPERIMENTS_FILE")) requireWith("AIRFLOW_IP", ["ID_AIRFLOW_DAG"]);
  requireWith("IDS_PROVIDER_IP", ["IDS_PROVIDER_PORT"]);
  if (set(env, "AIRFLOW_USER") !== set(env, "AIRFLOW_PASSWORD")) {
    problems.push(
      `${set(env, "AIRFLOW_USER") ? "AIRFLOW_PASSWORD" : "AIRFLOW_USER"}: AIRFLOW_USER and AIRFLOW_PASSWORD go together`,
    );
  }
  if (set(env, "IDS_PROVIDER_IP") && !set(env, "MINIO_IP") && !set(env, "IDS_MINIO_ENDPOINT")) {
    problems.push("IDS_MINIO_ENDPOINT: required when IDS_PROVIDER_IP is set and storage is a local folder (MINIO_IP unset)");
  }
  for (const host of ["AIRFLOW_IP", "MINIO_IP", "IDS_PROVIDER_IP"]) {
    if (set(env, host) && /[/\s]/.test(env[host] ?? ""))
      problems.push(`${host}: must be a host name or IP address, without scheme or path`);
  }
  const paths = ["MINIO_REF_DATA", "MINIO_NEW_DATA"].filter((name) => set(env, name));
  if (paths.length === 2 && env.MINIO_REF_DATA?.trim() === env.MINIO_NEW_DATA?.trim()) {
    problems.push("MINIO_NEW_DATA: must differ from MINIO_REF_DATA");
  }
  return problems;
}

function hostUrl(useTls: boolean, host: string, port: number): string {
  return `${useTls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** Reads and validates the environment; throws ConfigError listing every problem at once. */
export function loadServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  let parsed: Environment | undefined;
  const problems: string[] = [];
  try {
    parsed = loadConfig(environmentSchema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  problems.push(...crossVariableProblems(env));
  const drift = driftOptions(env.DRIFT_CONFIG_FILE?.trim() || undefined, parsed?.DRIFT_SHARE, problems);
  const guarded =
    parsed &&
    readAccess(parsed, parsed.DRIFT_API_TOKEN, "DRIFT_API_TOKEN", {
      name: "drift detector",
      power: "swap the reference data, publish datasets and trigger retraining",
    });
  problems.push(...(guarded?.problems ?? []));
  if (problems.length > 0 || !parsed || !drift || !guarded) throw new ConfigError(problems);
  const { access } = guarded;
  const e = parsed;

  const storage: StorageConfig = e.MINIO_IP
    ? {
        kind: "s3",
        endPoint: e.MINIO_IP,
        port: e.MINIO_PORT,
        useSSL: e.MINIO_USE_SSL,
        region: e.MINIO_REGION,
        accessKey: e.MINIO_USER ?? "",
        secretKey: e.MINIO_PASSWORD ?? "",
      }
    : { kind: "local", dataDir: resolve(e.DATA_DIR) };
  const airflowConnection: AirflowConnection | undefined = e.AIRFLOW_IP
    ? {
        baseUrl: hostUrl(e.AIRFLOW_USE_TLS, e.AIRFLOW_IP, e.AIRFLOW_PORT),
        credentials:
          e.AIRFLOW_USER && e.AIRFLOW_PASSWORD ? { username: e.AIRFLOW_USER, password: e.AIRFLOW_PASSWORD } : undefined,
        unpausePausedDag: e.AIRFLOW_UNPAUSE_DAG,
      }
    : undefined;

  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    access,
    storage,
    storageTimeoutMs: e.STORAGE_TIMEOUT_MS,
    journalDir: join(resolve(e.DATA_DIR), ".run-journal"),
    bucket: e.MINIO_BUCKET,
    referencePath: e.MINIO_REF_DATA,
    newDataPath: e.MINIO_NEW_DATA,
    reportPath: e.MINIO_REPORT_PATH,
    historyPath: e.MINIO_HISTORY_PATH ?? defaultHistoryPath(e.MINIO_REF_DATA),
    experimentId: e.EXPERIMENT_ID,
    experimentDescription: e.EXPERIMENT_DESCRIPTION ?? `New dataset of ${e.EXPERIMENT_ID} after data drift`,
    airflowConnection,
    airflow: airflowConnection && e.ID_AIRFLOW_DAG ? { ...airflowConnection, dagId: e.ID_AIRFLOW_DAG } : undefined,
    ids:
      e.IDS_PROVIDER_IP && e.IDS_PROVIDER_PORT
        ? {
            baseUrl: hostUrl(false, e.IDS_PROVIDER_IP, e.IDS_PROVIDER_PORT),
            storageEndpoint: e.IDS_MINIO_ENDPOINT ?? `${e.MINIO_IP}:${e.MINIO_PORT}`,
          }
        : undefined,
    outbound: { timeoutMs: e.UPSTREAM_TIMEOUT_MS, retries: e.UPSTREAM_RETRIES, retryDelayMs: e.UPSTREAM_RETRY_DELAY_MS },
    drift,
    csvLimits: csvLimits(
      {
        fileBytes: e.CSV_MAX_FILE_BYTES,
        recordChars: e.CSV_MAX_RECORD_CHARS,
        columns: e.CSV_MAX_COLUMNS,
        distinctLabels: e.CSV_MAX_DISTINCT_LABELS,
      },
      (name) => CSV_LIMIT_VARIABLES[name],
    ),
    engine: {
      ...(e.DRIFT_WORKERS !== undefined && { workers: e.DRIFT_WORKERS }),
      memoryBudgetBytes: e.DRIFT_MEMORY_BUDGET_MIB * 1024 ** 2,
    },
    tempDir: resolve(e.DRIFT_TEMP_DIR ?? tmpdir()),
    experimentsFile: e.EXPERIMENTS_FILE,
    maxConcurrentRuns: e.MAX_CONCURRENT_RUNS,
    webhookToken: e.MINIO_WEBHOOK_TOKEN,
  };
}

/** What an experiments file falls back on. */
export function experimentDefaults(config: ServiceConfig): ExperimentDefaults {
  return {
    bucket: config.bucket,
    airflowConfigured: config.airflowConnection !== undefined,
    airflowDagId: config.airflow?.dagId,
    idsConfigured: config.ids !== undefined,
    drift: config.drift,
  };
}

/** Without EXPERIMENTS_FILE: the one experiment the variables describe, as the detector has always run it. */
export function environmentExperiment(config: ServiceConfig): Experiment {
  return {
    id: config.experimentId,
    description: config.experimentDescription,
    bucket: config.bucket,
    referencePath: config.referencePath,
    newData: { kind: "path", path: config.newDataPath },
    reportPath: config.reportPath,
    historyPath: config.historyPath,
    drift: config.drift,
    airflow: config.airflow ? { dagId: config.airflow.dagId } : { off: "not configured (AIRFLOW_IP unset)" },
    ids: config.ids ? { on: true } : { off: "not configured (IDS_PROVIDER_IP unset)" },
    triggers: { events: true, pollSeconds: undefined, schedule: undefined, timezone: undefined },
  };
}

/** The drift options file, validated by the core's own schema; its problems join the configuration's. */
function driftOptions(file: string | undefined, driftShare: number | undefined, problems: string[]): DriftOptions | undefined {
  let options: unknown = {};
  if (file) {
    try {
      options = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      problems.push(`DRIFT_CONFIG_FILE: cannot read ${file} as JSON (${err instanceof Error ? err.message : String(err)})`);
      return undefined;
    }
  }
  const withShare = driftShare === undefined ? options : { ...(options as object), drift_share: driftShare };
  const result = driftOptionsSchema.safeParse(withShare);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push(`DRIFT_CONFIG_FILE: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return undefined;
}
