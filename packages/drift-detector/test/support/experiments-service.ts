import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, listen } from "@clarus/common";
import { HttpAirflowClient } from "../../src/adapters/airflow/airflow-client.js";
import { HttpIdsProvider } from "../../src/adapters/ids/ids-provider-client.js";
import type { ObjectStore } from "../../src/adapters/storage/object-store.js";
import { createDriftApp } from "../../src/app.js";
import { CSV_LIMIT_VARIABLES } from "../../src/config.js";
import { csvLimits } from "../../src/csv/limits.js";
import type { Experiment } from "../../src/experiments/experiment.js";
import type { ExperimentRegistry } from "../../src/experiments/experiment-registry.js";
import { parseExperiments } from "../../src/experiments/experiments-file.js";
import { coreAnalysis } from "../../src/pipeline/core-analysis.js";
import { callService, FAST_POLICY, type HttpResult, restartAndClose } from "./drift-service.js";
import type { FakeAirflow } from "./fake-airflow.js";
import type { FakeIdsProvider } from "./fake-ids-provider.js";
import { Gate } from "./gate.js";
import { type RunningS3rver, s3StoreOn } from "./s3rver.js";

export const WEBHOOK_TOKEN = "minio-webhook-token-for-tests";
/** Storage calls of a loaded machine: bursts of 50 journal writes must not time out as the fault tests' 400 ms would. */
const STORAGE_POLICY = { timeoutMs: 15_000, retries: 2, retryDelayMs: 50 };

export interface ExperimentsServiceOptions {
  /** The experiments file's text (YAML or JSON), read as EXPERIMENTS_FILE would be. */
  file: string;
  s3: RunningS3rver;
  /** Fake Airflows by DAG id: each experiment's DAG is triggered on its own fake. */
  airflows?: FakeAirflow[];
  ids?: FakeIdsProvider;
  maxConcurrentRuns?: number;
  /** Text the reload route reads (defaults to `file`). */
  reloadFile?: () => string;
}

export interface ExperimentsService {
  url: string;
  registry: ExperimentRegistry;
  experiments: Experiment[];
  /** Detections per experiment id, and the most that ran at once. */
  detections: Map<string, number>;
  maxParallelDetections(): number;
  /** Holds every detection until the returned function is called. */
  holdDetections(): () => void;
  storeFor(bucket: string): ObjectStore;
  call(method: "GET" | "POST", path: string, options?: { bearer?: string; body?: unknown }): Promise<HttpResult>;
  /** A second app over the same storage and fakes, as after a restart (this one is closed). */
  restart(): Promise<ExperimentsService>;
  close(): Promise<void>;
}

/** The detector as main.ts wires it from an experiments file, over s3rver and the fakes, on a random port. */
export async function startExperimentsService(options: ExperimentsServiceOptions): Promise<ExperimentsService> {
  const defaults = {
    bucket: "datasets",
    airflowConfigured: (options.airflows ?? []).length > 0,
    airflowDagId: undefined,
    idsConfigured: options.ids !== undefined,
    drift: { drift_share: 0.5, p_value_correction: "none" as const },
  };
  const experiments = parseExperiments(options.file, defaults, "test experiments");
  const counters = { detections: new Map<string, number>(), active: 0, max: 0 };
  const gate = new Gate();
  const stores = new Map<string, ObjectStore>();
  const storeFor = (bucket: string) => {
    let store = stores.get(bucket);
    if (!store) {
      store = s3StoreOn(options.s3, bucket, STORAGE_POLICY);
      stores.set(bucket, store);
    }
    return store;
  };
  const limits = csvLimits({}, (name) => CSV_LIMIT_VARIABLES[name]);
  const journalDir = await mkdtemp(join(tmpdir(), "drift-experiments-journal-"));
  const logger = createLogger({ name: "drift-experiments-test", level: "silent" });

  const boot = async (): Promise<ExperimentsService> => {
    const drift = createDriftApp({
      settings: {
        experimentId: "unused",
        experimentDescription: "unused",
        referencePath: "unused/ref.csv",
        newDataPath: "unused/new.csv",
        reportPath: "unused/reports",
        historyPath: "unused/history",
        detectorVersion: "0.0.0-test",
      },
      store: storeFor("datasets"),
      analysis: coreAnalysis({ drift_share: 0.5, p_value_correction: "none" }, limits),
      airflow: undefined,
      ids: undefined,
      logger,
      journalDir,
      experiments: {
        list: experiments,
        source: "EXPERIMENTS_FILE test",
        services: {
          storeFor,
          analysisFor: (experiment) => {
            const core = coreAnalysis(experiment.drift, limits);
            return {
              ...core,
              detect: async (reference, current) => {
                counters.detections.set(experiment.id, (counters.detections.get(experiment.id) ?? 0) + 1);
                counters.active += 1;
                counters.max = Math.max(counters.max, counters.active);
                try {
                  await gate.passed();
                  return await core.detect(reference, current);
                } finally {
                  counters.active -= 1;
                }
              },
            };
          },
          airflowFor: (dagId) => {
            const fake = options.airflows?.find((airflow) => airflow.dagId === dagId);
            return (
              fake &&
              new HttpAirflowClient(
                {
                  baseUrl: fake.url,
                  dagId,
                  credentials: { username: "airflow", password: "airflow-secret" },
                  unpausePausedDag: false,
                },
                FAST_POLICY,
              )
            );
          },
          ids: options.ids && new HttpIdsProvider({ baseUrl: options.ids.url, storageEndpoint: "127.0.0.1:9000" }, FAST_POLICY),
        },
      },
      reloadExperiments: async () =>
        parseExperiments((options.reloadFile ?? (() => options.file))(), defaults, "test experiments"),
      maxConcurrentRuns: options.maxConcurrentRuns ?? 1,
      webhookToken: WEBHOOK_TOKEN,
    });
    const { app, registry } = drift;
    const server = await listen(app, { port: 0, host: "127.0.0.1" });
    await drift.recover();
    await registry.start();
    return {
      url: server.url,
      registry,
      experiments,
      detections: counters.detections,
      maxParallelDetections: () => counters.max,
      holdDetections: () => gate.close(),
      storeFor,
      call: (method, path, callOptions = {}) => callService(server.url, method, path, callOptions),
      ...restartAndClose({
        stop: () => drift.close(),
        settle: () => registry.idle(),
        server,
        boot,
        cleanUp: () => rm(journalDir, { recursive: true, force: true }),
      }),
    };
  };
  return boot();
}
