import { join } from "node:path";
import { createHttpApp, type HttpAccess, type HttpApp, type Logger } from "@clarus/common";
import type { RetrainingTrigger } from "./adapters/airflow/retraining-trigger.js";
import type { DatasetPublisher } from "./adapters/ids/dataset-publisher.js";
import type { ObjectStore } from "./adapters/storage/object-store.js";
import type { Experiment } from "./experiments/experiment.js";
import { ExperimentRegistry } from "./experiments/experiment-registry.js";
import type { ExperimentServices } from "./experiments/experiment-runtime.js";
import { ExperimentMetrics } from "./metrics/experiment-metrics.js";
import type { DriftAnalysis, PipelineSettings } from "./pipeline/drift-pipeline.js";
import type { RunRecord } from "./pipeline/run-record.js";
import { driftRunRoutes } from "./routes/drift-runs.js";
import { experimentRoutes } from "./routes/experiments.js";
import { healthRoutes } from "./routes/health.js";
import { minioEventRoutes } from "./routes/minio-events.js";

export interface DriftAppOptions {
  /** The experiment of the environment (and the detector's version); the only one unless `experiments` is given. */
  settings: PipelineSettings;
  /** Storage of the environment's bucket: health checks it. */
  store: ObjectStore;
  /** The drift core with the environment's options. */
  analysis: DriftAnalysis;
  airflow: RetrainingTrigger | undefined;
  ids: DatasetPublisher | undefined;
  logger: Logger;
  /** The token and browser-facing checks; without it no token and no allowed origin or host beyond the defaults. */
  access?: Pick<HttpAccess, "apiToken" | "allowedOrigins" | "allowedHosts"> | undefined;
  /**
   * Local folder where run records wait, fsynced, until storage has them; experiments from EXPERIMENTS_FILE each get a
   * folder inside it.
   */
  journalDir: string;
  /** From EXPERIMENTS_FILE, with the adapters they need; replaces the experiment of `settings`. */
  experiments?: {
    list: Experiment[];
    source: string;
    services: Omit<ExperimentServices, "logger" | "detectorVersion" | "journalFolder">;
  };
  /** Reads the experiments file again (POST /api/experiments/reload, SIGHUP); absent without a file. */
  reloadExperiments?: () => Promise<Experiment[]>;
  /** Runs at once in this process (default 1). */
  maxConcurrentRuns?: number;
  /** The bearer token MinIO sends with bucket notifications; without it POST /api/events/minio refuses every event. */
  webhookToken?: string | undefined;
}

export interface DriftApp extends HttpApp {
  registry: ExperimentRegistry;
  /**
   * Stores journalled run records and settles each experiment's newest run if its process died; resolves with the
   * default experiment's. Call once at start, before `registry.start()`.
   */
  recover(): Promise<RunRecord | undefined>;
  /** Stops background work (timers, the journals' periodic flush). */
  close(): void;
}

/** The experiment the environment describes, for a detector started without EXPERIMENTS_FILE. */
function settingsExperiment(options: DriftAppOptions): Experiment {
  const { settings, airflow, ids } = options;
  return {
    id: settings.experimentId,
    description: settings.experimentDescription,
    bucket: options.store.bucket,
    referencePath: settings.referencePath,
    newData: { kind: "path", path: settings.newDataPath },
    reportPath: settings.reportPath,
    historyPath: settings.historyPath,
    drift: { drift_share: 0.5, p_value_correction: "none" },
    airflow: airflow ? { dagId: airflow.dagId } : { off: "not configured (AIRFLOW_IP unset)" },
    ids: ids ? { on: true } : { off: "not configured (IDS_PROVIDER_IP unset)" },
    triggers: { events: true, pollSeconds: undefined, schedule: undefined, timezone: undefined },
  };
}

/**
 * The drift detector's HTTP app: its experiments (from the environment, or EXPERIMENTS_FILE), the queue and timers
 * that start their runs, and the routes. Call `registry.start()` once listening, to resume queued triggers and start
 * polls and schedules.
 */
export function createDriftApp(options: DriftAppOptions): DriftApp {
  const { settings, store, analysis, airflow, ids, logger } = options;
  const services: ExperimentServices = {
    ...(options.experiments?.services ?? {
      storeFor: () => store,
      analysisFor: () => analysis,
      airflowFor: () => airflow,
      ids,
    }),
    logger,
    detectorVersion: settings.detectorVersion,
    journalFolder:
      (options.experiments?.source ?? "environment") === "environment"
        ? () => options.journalDir
        : (experiment) => join(options.journalDir, "experiments", encodeURIComponent(experiment.id)),
  };
  const metrics = new ExperimentMetrics();
  const registry = new ExperimentRegistry({
    experiments: options.experiments?.list ?? [settingsExperiment(options)],
    source: options.experiments?.source ?? "environment",
    services,
    maxConcurrentRuns: options.maxConcurrentRuns ?? 1,
    observer: metrics,
  });
  metrics.observe(registry);
  const http = createHttpApp({
    info: {
      title: "clarus drift detector",
      version: settings.detectorVersion,
      description:
        "Compares new data with the reference, per experiment; on drift publishes a report, updates the IDS provider, " +
        "triggers the Airflow retraining DAG and makes the new data the reference. Runs start on request, on MinIO bucket " +
        "notifications, on polls and on schedules; each experiment's drift over time is on its monitor page. " +
        "DRIFT_API_TOKEN, when set, protects all but ping, health and the MinIO webhook (which has its own token). " +
        "Requests from other sites' web pages are refused on every route that changes something, the legacy GET " +
        "/api/detect_data_drift included.",
    },
    logger,
    apiToken: options.access?.apiToken,
    apiTokenVariable: "DRIFT_API_TOKEN",
    allowedOrigins: options.access?.allowedOrigins,
    allowedHosts: options.access?.allowedHosts,
    routes: [
      ...driftRunRoutes({ registry }),
      ...experimentRoutes({ registry, reload: options.reloadExperiments }),
      ...minioEventRoutes({ registry, token: options.webhookToken }),
      ...healthRoutes({ store, airflow, ids }),
    ],
    metricsRegistry: metrics.registry,
  });
  return {
    ...http,
    registry,
    recover: async () => (await registry.recover()).get(registry.defaultId()),
    close: () => registry.stop(),
  };
}
