import { readFileSync } from "node:fs";
import { ConfigError, createLogger, exitOnSignal, exposureWarning, listen } from "@clarus/common";
import { HttpAirflowClient } from "./adapters/airflow/airflow-client.js";
import { HttpIdsProvider } from "./adapters/ids/ids-provider-client.js";
import { TempScratchSpace } from "./adapters/scratch/temp-scratch-space.js";
import { LocalFolderStore } from "./adapters/storage/local-folder-store.js";
import type { ObjectStore } from "./adapters/storage/object-store.js";
import { S3Store } from "./adapters/storage/s3-store.js";
import { createDriftApp } from "./app.js";
import { environmentExperiment, experimentDefaults, loadServiceConfig, type ServiceConfig } from "./config.js";
import type { Experiment } from "./experiments/experiment.js";
import { readExperimentsFile } from "./experiments/experiments-file.js";
import { coreAnalysis } from "./pipeline/core-analysis.js";

async function orExit<T>(load: () => T | Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`drift-detector cannot start. ${err.message}\n`);
    process.exit(1);
  }
}

const config: ServiceConfig = await orExit(() => loadServiceConfig());
const experimentsFile = config.experimentsFile;
const readExperiments = experimentsFile ? () => readExperimentsFile(experimentsFile, experimentDefaults(config)) : undefined;
const experiments: Experiment[] = await orExit(async () =>
  readExperiments ? readExperiments() : [environmentExperiment(config)],
);
const logger = createLogger({ name: "drift-detector", level: config.logLevel });
const unprotected = exposureWarning(config.access);
if (unprotected) logger.warn(unprotected);
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const storagePolicy = { ...config.outbound, timeoutMs: config.storageTimeoutMs };

const stores = new Map<string, ObjectStore>();
/** One client per bucket, shared by the experiments that use it. */
function storeFor(bucket: string): ObjectStore {
  let store = stores.get(bucket);
  if (!store) {
    store =
      config.storage.kind === "s3"
        ? new S3Store({ ...config.storage, bucket, policy: storagePolicy })
        : new LocalFolderStore(config.storage.dataDir, bucket);
    stores.set(bucket, store);
  }
  return store;
}
const airflowClients = new Map<string, HttpAirflowClient>();
/** One client per DAG, over the one Airflow connection of the environment. */
function airflowFor(dagId: string): HttpAirflowClient | undefined {
  const connection = config.airflowConnection;
  if (!connection) return undefined;
  let client = airflowClients.get(dagId);
  if (!client) {
    client = new HttpAirflowClient({ ...connection, dagId }, config.outbound);
    airflowClients.set(dagId, client);
  }
  return client;
}
const store = storeFor(config.bucket);
const engine = { ...config.engine, scratchSpace: () => new TempScratchSpace(config.tempDir) };
const airflow = config.airflow && airflowFor(config.airflow.dagId);
const ids = config.ids && new HttpIdsProvider(config.ids, config.outbound);

const drift = createDriftApp({
  settings: {
    experimentId: config.experimentId,
    experimentDescription: config.experimentDescription,
    referencePath: config.referencePath,
    newDataPath: config.newDataPath,
    reportPath: config.reportPath,
    historyPath: config.historyPath,
    detectorVersion: version,
  },
  store,
  analysis: coreAnalysis(config.drift, config.csvLimits, engine),
  airflow,
  ids,
  logger,
  access: config.access,
  journalDir: config.journalDir,
  experiments: {
    list: experiments,
    source: experimentsFile ? `EXPERIMENTS_FILE ${experimentsFile}` : "environment",
    services: {
      storeFor,
      analysisFor: (experiment) => coreAnalysis(experiment.drift, config.csvLimits, engine),
      airflowFor,
      ids,
    },
  },
  reloadExperiments: readExperiments,
  maxConcurrentRuns: config.maxConcurrentRuns,
  webhookToken: config.webhookToken,
});

if (store instanceof LocalFolderStore) {
  await store.check();
  logger.info(
    { folder: store.folder },
    `MINIO_IP is unset: storage is the local folder ${store.folder}; put the reference at ${config.referencePath} and new data at ${config.newDataPath} inside it`,
  );
}
const server = await listen(drift.app, { port: config.port, host: config.access.listenHost });
logger.info(
  {
    host: config.access.listenHost,
    port: server.port,
    // The log is the operator's: it names the folder itself, which answers never do.
    storage: store instanceof LocalFolderStore ? store.folder : store.location,
    airflow: config.airflow ? `${config.airflow.baseUrl} DAG ${config.airflow.dagId}` : "not configured",
    ids: config.ids?.baseUrl ?? "not configured",
    experiments: experiments.map((experiment) => experiment.id),
    max_concurrent_runs: config.maxConcurrentRuns,
  },
  "drift detector listening",
);
// Run records journalled before a crash go to storage and a run the crash cut short gets its true status; then the
// triggers accepted before the restart run, and polls and schedules start.
void drift
  .recover()
  .then(() => drift.registry.start())
  .catch((err: unknown) => logger.error({ err }, "could not resume the queued triggers"));
if (readExperiments) {
  // SIGHUP re-reads the experiments file, as POST /api/experiments/reload does; an invalid file changes nothing.
  process.on("SIGHUP", () => {
    readExperiments().then(
      async (next) => {
        await drift.registry.reload(next);
        logger.info({ experiments: next.map((experiment) => experiment.id) }, "experiments reloaded");
      },
      (err: unknown) => {
        if (!(err instanceof ConfigError)) {
          logger.error({ err }, "experiments file not applied");
          return;
        }
        drift.registry.reloadFailed(err.problems);
        logger.error({ problems: err.problems }, "experiments file not applied; the experiments in force are unchanged");
      },
    );
  });
}
exitOnSignal(logger, async () => {
  drift.close();
  await server.close();
});
