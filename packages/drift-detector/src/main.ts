import { readFileSync } from "node:fs";
import { ConfigError, createLogger, exitOnSignal, exposureWarning, listen } from "@clarus/common";
import { HttpAirflowClient } from "./adapters/airflow/airflow-client.js";
import { HttpIdsProvider } from "./adapters/ids/ids-provider-client.js";
import { TempScratchSpace } from "./adapters/scratch/temp-scratch-space.js";
import { LocalFolderStore } from "./adapters/storage/local-folder-store.js";
import type { ObjectStore } from "./adapters/storage/object-store.js";
import { S3Store } from "./adapters/storage/s3-store.js";
import { createDriftApp } from "./app.js";
import { loadServiceConfig, type ServiceConfig } from "./config.js";
import { coreAnalysis } from "./pipeline/core-analysis.js";

function configOrExit(): ServiceConfig {
  try {
    return loadServiceConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`drift-detector cannot start. ${err.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();
const logger = createLogger({ name: "drift-detector", level: config.logLevel });
const unprotected = exposureWarning(config.access);
if (unprotected) logger.warn(unprotected);
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const storagePolicy = { ...config.outbound, timeoutMs: config.storageTimeoutMs };

const store: ObjectStore =
  config.storage.kind === "s3"
    ? new S3Store({ ...config.storage, bucket: config.bucket, policy: storagePolicy })
    : new LocalFolderStore(config.storage.dataDir, config.bucket);
const airflow = config.airflow && new HttpAirflowClient(config.airflow, config.outbound);
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
  analysis: coreAnalysis(config.drift, config.csvLimits, {
    ...config.engine,
    scratchSpace: () => new TempScratchSpace(config.tempDir),
  }),
  airflow,
  ids,
  logger,
  access: config.access,
  journalDir: config.journalDir,
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
  },
  "drift detector listening",
);
// Run records journalled before a crash go to storage, and a run the crash cut short gets its true status.
void drift.recover();
exitOnSignal(logger, async () => {
  drift.close();
  await server.close();
});
