import { createHttpApp, type HttpAccess, type HttpApp, type Logger } from "@clarus/common";
import type { RetrainingTrigger } from "./adapters/airflow/retraining-trigger.js";
import type { DatasetPublisher } from "./adapters/ids/dataset-publisher.js";
import type { ObjectStore } from "./adapters/storage/object-store.js";
import { type DriftAnalysis, DriftPipeline, type PipelineSettings } from "./pipeline/drift-pipeline.js";
import { RunJournal } from "./pipeline/run-journal.js";
import type { RunRecord } from "./pipeline/run-record.js";
import { RunStore } from "./pipeline/run-store.js";
import { SingleFlight } from "./pipeline/single-flight.js";
import { driftRunRoutes } from "./routes/drift-runs.js";
import { healthRoutes } from "./routes/health.js";

export interface DriftAppOptions {
  settings: PipelineSettings;
  store: ObjectStore;
  analysis: DriftAnalysis;
  airflow: RetrainingTrigger | undefined;
  ids: DatasetPublisher | undefined;
  logger: Logger;
  /** The token and browser-facing checks; without it no token and no allowed origin or host beyond the defaults. */
  access?: Pick<HttpAccess, "apiToken" | "allowedOrigins" | "allowedHosts"> | undefined;
  /** Local folder where run records wait, fsynced, until storage has them. */
  journalDir: string;
}

export interface DriftApp extends HttpApp {
  /** Stores journalled run records and settles the newest run if its process died; call once at start. */
  recover(): Promise<RunRecord | undefined>;
  /** Stops background work (the journal's periodic flush). */
  close(): void;
}

/** The drift detector's HTTP app: one pipeline per experiment at a time (concurrent calls join it), runs stored beside the reports. */
export function createDriftApp(options: DriftAppOptions): DriftApp {
  const { settings, store, analysis, airflow, ids, logger } = options;
  const runs = new RunStore(store, settings.reportPath, {
    journal: new RunJournal(options.journalDir),
    logger,
    isActive: (id) => pipeline.activeRunId === id,
  });
  const pipeline: DriftPipeline = new DriftPipeline(settings, { store, runs, analysis, airflow, ids, logger });
  const flight = new SingleFlight<RunRecord>();
  const runDrift = async () => {
    const { promise, joined } = flight.run(settings.experimentId, () => pipeline.run());
    return { record: await promise, joined };
  };
  const http = createHttpApp({
    info: {
      title: "clarus drift detector",
      version: settings.detectorVersion,
      description:
        "Compares new data with the reference; on drift publishes a report, updates the IDS provider, triggers the Airflow " +
        "retraining DAG and makes the new data the reference. DRIFT_API_TOKEN, when set, protects all but ping and health. " +
        "Requests from other sites' web pages are refused on every route that changes something, the legacy GET " +
        "/api/detect_data_drift included.",
    },
    logger,
    apiToken: options.access?.apiToken,
    apiTokenVariable: "DRIFT_API_TOKEN",
    allowedOrigins: options.access?.allowedOrigins,
    allowedHosts: options.access?.allowedHosts,
    routes: [...driftRunRoutes({ runDrift, runs, store }), ...healthRoutes({ store, airflow, ids })],
  });
  return { ...http, recover: () => pipeline.recover(), close: () => runs.close() };
}
