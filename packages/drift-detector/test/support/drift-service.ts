import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { createLogger, listen, type RunningServer } from "@clarus/common";
import express from "express";
import { HttpAirflowClient } from "../../src/adapters/airflow/airflow-client.js";
import { HttpIdsProvider } from "../../src/adapters/ids/ids-provider-client.js";
import { LocalFolderStore } from "../../src/adapters/storage/local-folder-store.js";
import type { ObjectStore } from "../../src/adapters/storage/object-store.js";
import { createDriftApp } from "../../src/app.js";
import { CSV_LIMIT_VARIABLES } from "../../src/config.js";
import { type CsvLimitName, csvLimits } from "../../src/csv/limits.js";
import type { DriftEngineSettings } from "../../src/drift/detect-drift.js";
import { driftOptionsSchema } from "../../src/drift/options.js";
import { coreAnalysis } from "../../src/pipeline/core-analysis.js";
import type { DriftAnalysis } from "../../src/pipeline/drift-pipeline.js";
import { type FakeAirflow, startFakeAirflow } from "./fake-airflow.js";
import { type FakeIdsProvider, startFakeIdsProvider } from "./fake-ids-provider.js";
import { FaultyStore } from "./faulty-store.js";
import { Gate } from "./gate.js";

export const PATHS = {
  reference: "uc_test/reference.csv",
  current: "uc_test/new.csv",
  reports: "uc_test/reports",
  history: "uc_test/history",
};
export const EXPERIMENT = "UC_test experiment";
/** Short timeouts so hang and retry cases stay quick; still real timers, real sockets. */
export const FAST_POLICY = { timeoutMs: 400, retries: 1, retryDelayMs: 5 };

export interface HttpResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: any;
  headers: Headers;
}

export interface ServiceUnderTest {
  url: string;
  /** The listening server, for tests that watch every request arrive. */
  server: RunningServer;
  store: FaultyStore;
  airflow: FakeAirflow | undefined;
  ids: FakeIdsProvider | undefined;
  /** How many times the drift core ran. */
  detections(): number;
  /** Holds the next detections until the returned function is called. */
  holdDetections(): () => void;
  /** Resolves once the app has received `count` HTTP requests in all. */
  requestsArrived(count: number): Promise<void>;
  call(method: "GET" | "POST", path: string, bearer?: string): Promise<HttpResult>;
  /** Stores the two datasets: text as CSV, bytes as they are (Parquet). */
  seed(reference: string | Buffer, current: string | Buffer): Promise<void>;
  read(key: string): Promise<string>;
  keys(prefix?: string): Promise<string[]>;
  /** A second app over the same storage and fakes, as after a restart. */
  restart(): Promise<ServiceUnderTest>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Defaults to a local folder in a temp dir. */
  store?: ObjectStore;
  airflow?: 2 | 3 | false;
  ids?: boolean;
  apiToken?: string;
  /** CSV limits other than the defaults. */
  csvLimits?: Partial<Record<CsvLimitName, number>>;
  /** Engine settings (column threads, scratch space) other than the defaults. */
  engine?: DriftEngineSettings;
}

/** An answer with its body parsed as JSON when it is JSON, as text otherwise. */
export async function answerOf(response: Response): Promise<HttpResult> {
  const raw = await response.text();
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {}
  return { status: response.status, body, headers: response.headers };
}

/** Calls a service under test, with a bearer token and a JSON body when given. */
export async function callService(
  url: string,
  method: string,
  path: string,
  options: { bearer?: string | undefined; body?: unknown } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const body = options.body === undefined || typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  return answerOf(await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
}

/**
 * Restart and close of an in-process detector: `stop` ends its timers, `settle` (on close only) waits for what it
 * still runs, then its server closes; a restart boots the next one over the same storage, a close cleans up after it.
 */
export function restartAndClose<T>(parts: {
  stop: () => void;
  settle?: () => Promise<void>;
  server: { close(): Promise<void> };
  boot: () => Promise<T>;
  cleanUp: () => Promise<void>;
}): { restart(): Promise<T>; close(): Promise<void> } {
  return {
    restart: async () => {
      parts.stop();
      await parts.server.close();
      return parts.boot();
    },
    close: async () => {
      parts.stop();
      await parts.settle?.();
      await parts.server.close();
      await parts.cleanUp();
    },
  };
}

export function sha256(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * Rewrites a stored run record as a process killed at some instant leaves it: `running`, its first `steps` steps kept,
 * `inFlight` stored as started, owned by a process that no longer exists (this pid with another start time, as when
 * the pid is reused after the crash).
 */
export async function leaveRunningByDeadProcess(
  service: ServiceUnderTest,
  id: string,
  steps: number,
  inFlight?: string,
): Promise<void> {
  const key = `${PATHS.reports}/runs/${id}.json`;
  const stored = JSON.parse(await service.read(key));
  const kept = stored.steps.slice(0, steps);
  if (inFlight) kept.push({ name: inFlight, status: "running", started_at: stored.started_at });
  const { finished_at: _finished, error: _error, reference_state: _state, ...rest } = stored;
  const running = { ...rest, status: "running", steps: kept, owner: { ...stored.owner, start_ticks: "1" } };
  await service.store.put(key, JSON.stringify(running), "application/json");
}

export async function startDriftService(options: ServiceOptions = {}): Promise<ServiceUnderTest> {
  const tempDir = options.store ? undefined : await mkdtemp(join(tmpdir(), "drift-service-"));
  const store = new FaultyStore(options.store ?? new LocalFolderStore(tempDir ?? "", "datasets"));
  const airflow = options.airflow === false ? undefined : await startFakeAirflow({ major: options.airflow ?? 3 });
  const ids = options.ids === false ? undefined : await startFakeIdsProvider();
  const counters = { detections: 0, requests: 0 };
  const gate = new Gate();
  const journalDir = await mkdtemp(join(tmpdir(), "drift-journal-"));

  const boot = async (): Promise<ServiceUnderTest> => {
    const limits = csvLimits(options.csvLimits ?? {}, (name) => CSV_LIMIT_VARIABLES[name]);
    const core = coreAnalysis(driftOptionsSchema.parse({}), limits, options.engine);
    const analysis: DriftAnalysis = {
      limits,
      renderReports: core.renderReports,
      detect: async (reference, current) => {
        counters.detections += 1;
        await gate.passed();
        return core.detect(reference, current);
      },
    };
    const drift = createDriftApp({
      settings: {
        experimentId: EXPERIMENT,
        experimentDescription: "test data",
        referencePath: PATHS.reference,
        newDataPath: PATHS.current,
        reportPath: PATHS.reports,
        historyPath: PATHS.history,
        detectorVersion: "0.0.0-test",
      },
      store,
      analysis,
      airflow:
        airflow &&
        new HttpAirflowClient(
          {
            baseUrl: airflow.url,
            dagId: airflow.dagId,
            credentials: { username: "airflow", password: "airflow-secret" },
            unpausePausedDag: false,
          },
          FAST_POLICY,
        ),
      ids: ids && new HttpIdsProvider({ baseUrl: ids.url, storageEndpoint: "127.0.0.1:9000" }, FAST_POLICY),
      logger: createLogger({ name: "drift-test", level: "silent" }),
      access: {
        apiToken: options.apiToken,
        allowedOrigins: [],
        allowedHosts: [],
      },
      journalDir,
    });
    const { app } = drift;
    // As main.ts does at start: journalled records go to storage, a run cut short by a crash is settled.
    await drift.recover();
    // An outer app counts requests as they arrive, so a test can wait for all its calls to be inside.
    const counting = express();
    counting.use((_req, _res, next) => {
      counters.requests += 1;
      next();
    });
    counting.use(app);
    const server = await listen(counting, { port: 0, host: "127.0.0.1" });
    const service: ServiceUnderTest = {
      url: server.url,
      server,
      store,
      airflow,
      ids,
      detections: () => counters.detections,
      requestsArrived: async (count) => {
        while (counters.requests < count) await new Promise((resolve) => setTimeout(resolve, 5));
      },
      holdDetections: () => gate.close(),
      call: (method, path, bearer) => callService(server.url, method, path, { bearer }),
      seed: async (reference, current) => {
        const type = (data: string | Buffer) => (typeof data === "string" ? "text/csv" : "application/vnd.apache.parquet");
        await store.put(PATHS.reference, reference, type(reference));
        await store.put(PATHS.current, current, type(current));
      },
      read: async (key) => text(await store.get(key)),
      keys: async (prefix = "") => (await store.list(prefix)).map((o) => o.key),
      ...restartAndClose({
        stop: () => drift.close(),
        server,
        boot,
        cleanUp: async () => {
          await rm(journalDir, { recursive: true, force: true });
          await airflow?.close();
          await ids?.close();
          if (tempDir) await rm(tempDir, { recursive: true, force: true });
        },
      }),
    };
    return service;
  };
  return boot();
}
