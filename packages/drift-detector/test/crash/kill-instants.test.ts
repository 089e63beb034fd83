import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { S3Store } from "../../src/adapters/storage/s3-store.js";
import { buildPackage, PACKAGE_DIR } from "../support/build-package.js";
import { DRIFTED_CSV, REFERENCE_CSV } from "../support/datasets.js";
import { type DriftProcess, startDriftProcess } from "../support/drift-process.js";
import { PATHS, sha256 } from "../support/drift-service.js";
import { type FakeAirflow, startFakeAirflow } from "../support/fake-airflow.js";
import { type FakeIdsProvider, startFakeIdsProvider } from "../support/fake-ids-provider.js";
import { isCopyTo, isRead, isWriteTo, type S3Proxy, startS3Proxy } from "../support/s3-proxy.js";
import { type RunningS3rver, s3StoreOn, startS3rver } from "../support/s3rver.js";

/**
 * kill -9 of the built service at each instant of a drift run, each instant several times: s3rver behind a proxy that
 * holds answers (after forwarding the request) or swallows requests, the Airflow 3 and IDS fakes hanging after they
 * committed. After each kill: the reference is whole; after the restart, the records say what is true; after one
 * more call: the reference is the new data, one DAG run, one archive of the old reference, no record left `running`
 * or `interrupted` without naming the run that finished its work.
 */

const TRIALS = 3;

/** What the suite proves, as docs/drift-detector.md states it, word for word (checked below). */
const GUARANTEES = {
  whole: "Right after the kill, the reference is whole: the old data or the new, never a mix.",
  newData: "After the restart and one more call, the reference holds the new data.",
  oneDagRun: "Airflow has exactly one DAG run for the dataset.",
  oneArchive: "The history holds exactly one archive of the old reference, named by its content.",
  ids: "The IDS provider got the dataset once, or twice when the kill fell while the post was in flight (at least once).",
  records:
    "No run record is left `running`: a run that stopped is `interrupted` or `failed` and names the run that finished its work (`finished_by`), or is `completed` or `no_drift`.",
};
const ARCHIVE = `${PATHS.history}/reference.${sha256(REFERENCE_CSV).slice(0, 32)}.csv`;

interface Trial {
  bucket: string;
  proxy: S3Proxy;
  airflow: FakeAirflow;
  ids: FakeIdsProvider;
}

interface Instant {
  name: string;
  /** Arms the fault that stops the run at the instant; resolves once the run is there. */
  arm: (trial: Trial) => Promise<unknown>;
  /** The run's record after the restart: none (killed before the verdict), or its status and what its message says. */
  record: { status: "interrupted"; step: string } | { status: "completed" } | undefined;
  /** What the call after the restart answers. */
  retry: "Drift detected and retraining triggered" | "Drift NOT detected";
  /** IDS posts in all: at least once, so a post in flight at the kill is sent again. */
  idsPosts: number;
  /** The documented table's row: what the restarted service and the next call do, and what the run record says. */
  restart: string;
  says: string;
}

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

/** The pipeline's instants, in order (docs/drift-detector.md, "Crash safety"). */
const INSTANTS: Instant[] = [
  {
    name: "read: stat of the reference sent",
    arm: (t) => t.proxy.trap(isRead("HEAD", t.bucket, PATHS.reference), { kind: "hold" }),
    record: undefined,
    retry: "Drift detected and retraining triggered",
    idsPosts: 1,
    restart: "Nothing to undo (nothing is written before the verdict); the next call runs from the start",
    says: "No record",
  },
  {
    name: "compare: half the new data streamed",
    arm: (t) => t.proxy.trap(isRead("GET", t.bucket, PATHS.current), { kind: "cut", bytes: Math.floor(DRIFTED_CSV.length / 2) }),
    record: undefined,
    retry: "Drift detected and retraining triggered",
    idsPosts: 1,
    restart: "Nothing to undo (nothing is written before the verdict); the next call runs from the start",
    says: "No record",
  },
  {
    name: "report: JSON report stored, answer held",
    arm: (t) =>
      t.proxy.trap(
        isWriteTo(t.bucket, (key) => key.startsWith(`${PATHS.reports}/drift-report-`)),
        { kind: "hold" },
      ),
    record: { status: "interrupted", step: "write_reports" },
    retry: "Drift detected and retraining triggered",
    idsPosts: 1,
    restart:
      "The next call on the same data resumes the run: its own reports, then the IDS post, the trigger, the archive and the swap",
    says: '`interrupted`, "stopped during write_reports", `reference_state: unchanged`; then `finished_by` the run that resumed it',
  },
  {
    name: "IDS: asset posted, answer held",
    arm: (t) => {
      t.ids.faults.fail("asset", { kind: "hang" }, { afterCommit: true, times: 1 });
      return until(() => t.ids.assets.length === 1);
    },
    record: { status: "interrupted", step: "update_ids" },
    retry: "Drift detected and retraining triggered",
    idsPosts: 2,
    restart:
      "The next call resumes the run and posts to the IDS again (at least once: the IDS API cannot tell whether a post arrived), then triggers, archives and swaps",
    says: '`interrupted`, "stopped during update_ids", `reference_state: unchanged`; then `finished_by`; the resuming run\'s `update_ids` says it posted again',
  },
  {
    name: "trigger: DAG run created, answer held",
    arm: (t) => {
      t.airflow.faults.fail("trigger", { kind: "hang" }, { afterCommit: true, times: 1 });
      return until(() => t.airflow.runs.size === 1);
    },
    record: { status: "interrupted", step: "trigger_retraining" },
    retry: "Drift detected and retraining triggered",
    idsPosts: 1,
    restart: "The next call resumes the run; its trigger, with the same DAG run id, gets Airflow's 409 and counts as triggered",
    says: '`interrupted`, "stopped during trigger_retraining", `reference_state: unchanged`; then `finished_by`',
  },
  {
    name: "archive: copy to history done, answer held",
    arm: (t) =>
      t.proxy.trap(
        isCopyTo(t.bucket, (key) => key.startsWith(`${PATHS.history}/`)),
        { kind: "hold" },
      ),
    record: { status: "interrupted", step: "archive_reference" },
    retry: "Drift detected and retraining triggered",
    idsPosts: 1,
    restart: "The next call resumes the run, finds the archive by its content name without copying again, and swaps",
    says: '`interrupted`, "stopped during archive_reference", `reference_state: unchanged`; then `finished_by`',
  },
  {
    name: "swap: copy onto the reference done, answer held",
    arm: (t) =>
      t.proxy.trap(
        isCopyTo(t.bucket, (key) => key === PATHS.reference),
        { kind: "hold" },
      ),
    record: { status: "completed" },
    retry: "Drift NOT detected",
    idsPosts: 1,
    restart:
      "At start the service reads the reference back, finds the new data and completes the run; the next call finds no drift",
    says: "`completed`, `reference_state: replaced`, `recovered` says what was read back",
  },
  {
    name: "record: final run record never reaches storage",
    arm: (t) =>
      t.proxy.trap(
        isWriteTo(
          t.bucket,
          (key) => key.startsWith(`${PATHS.reports}/runs/`),
          (body) => body.includes('"status": "completed"'),
        ),
        { kind: "swallow" },
      ),
    record: { status: "completed" },
    retry: "Drift NOT detected",
    idsPosts: 1,
    restart: "At start the service stores the record kept in `DATA_DIR/.run-journal`; the next call finds no drift",
    says: "`completed`",
  },
];

let s3: RunningS3rver;
let trialNumber = 0;

beforeAll(async () => {
  buildPackage();
  s3 = await startS3rver(Array.from({ length: INSTANTS.length * TRIALS }, (_, index) => `crash-${index + 1}`));
}, 120_000);
afterAll(async () => {
  await s3?.stop();
});

/** Storage as it really is, straight to s3rver (not through the proxy). */
function directStore(bucket: string): S3Store {
  // Patient: trials run side by side on a busy machine, and this client only sets up and checks.
  return s3StoreOn(s3, bucket, { timeoutMs: 10_000, retries: 2, retryDelayMs: 50 });
}

/** One trial's world: its own bucket, proxy, fakes and data folder, so trials run side by side. */
async function newTrial(cleanups: Array<() => Promise<unknown>>): Promise<{
  trial: Trial;
  env: Record<string, string>;
  storage: S3Store;
}> {
  trialNumber += 1;
  const bucket = `crash-${trialNumber}`;
  const storage = directStore(bucket);
  await storage.put(PATHS.reference, REFERENCE_CSV, "text/csv");
  await storage.put(PATHS.current, DRIFTED_CSV, "text/csv");
  const proxy = await startS3Proxy(s3.port);
  const airflow = await startFakeAirflow({ major: 3 });
  const ids = await startFakeIdsProvider();
  const dataDir = await mkdtemp(join(tmpdir(), "drift-crash-"));
  cleanups.push(
    () => proxy.close(),
    () => airflow.close(),
    () => ids.close(),
    () => rm(dataDir, { recursive: true, force: true }),
  );
  const env = {
    DATA_DIR: dataDir,
    MINIO_IP: "127.0.0.1",
    MINIO_PORT: String(proxy.port),
    MINIO_USER: s3.accessKey,
    MINIO_PASSWORD: s3.secretKey,
    MINIO_BUCKET: bucket,
    MINIO_REF_DATA: PATHS.reference,
    MINIO_NEW_DATA: PATHS.current,
    MINIO_REPORT_PATH: PATHS.reports,
    MINIO_HISTORY_PATH: PATHS.history,
    AIRFLOW_IP: "127.0.0.1",
    AIRFLOW_PORT: String(airflow.port),
    ID_AIRFLOW_DAG: airflow.dagId,
    AIRFLOW_USER: "airflow",
    AIRFLOW_PASSWORD: "airflow-secret",
    IDS_PROVIDER_IP: "127.0.0.1",
    IDS_PROVIDER_PORT: String(ids.port),
    UPSTREAM_TIMEOUT_MS: "5000",
    UPSTREAM_RETRIES: "1",
    UPSTREAM_RETRY_DELAY_MS: "50",
    STORAGE_TIMEOUT_MS: "5000",
  };
  return { trial: { bucket, proxy, airflow, ids }, env, storage };
}

async function started(env: Record<string, string>, cleanups: Array<() => Promise<unknown>>): Promise<DriftProcess> {
  const service = await startDriftProcess(env);
  cleanups.push(() => service.kill());
  return service;
}

/** Runs, newest first, once the newest satisfies `ready` (start-up recovery runs beside the first requests). */
type Answer = Awaited<ReturnType<DriftProcess["call"]>>["body"];

async function runsWhen(service: DriftProcess, ready: (runs: Answer[]) => boolean): Promise<Answer[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const runs = (await service.call("GET", "/api/drift/runs")).body.runs;
    if (ready(runs) || Date.now() > deadline) return runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("kill -9 at each instant of a drift run (built service, s3rver behind a proxy, Airflow 3 and IDS fakes)", () => {
  const cases = INSTANTS.flatMap((instant) => Array.from({ length: TRIALS }, (_, index) => ({ ...instant, trial: index + 1 })));

  // Trials are independent (bucket, proxy, fakes, process), so a few run at once.
  it.concurrent.for(cases)("$name (trial $trial)", { timeout: 90_000 }, async (instant, { expect, onTestFinished }) => {
    const cleanups: Array<() => Promise<unknown>> = [];
    onTestFinished(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    });
    const { trial, env, storage } = await newTrial(cleanups);
    const { proxy } = trial;
    let service = await started(env, cleanups);
    const atInstant = instant.arm(trial);
    const answer = service.call("POST", "/api/drift/runs").catch(() => undefined);
    await atInstant;
    await service.kill();
    await answer;
    proxy.reset();
    trial.airflow.faults.clear();
    trial.ids.faults.clear();

    // Whatever the instant, the reference is whole: the old data or the new, never a mix.
    expect([REFERENCE_CSV, DRIFTED_CSV], GUARANTEES.whole).toContain(await text(await storage.get(PATHS.reference)));

    service = await started(env, cleanups);
    const expected = instant.record;
    const runs = await runsWhen(service, (list) =>
      expected ? list[0]?.status === expected.status && (expected.status !== "interrupted" || list[0]?.recovered) : true,
    );
    if (!expected) {
      expect(runs).toEqual([]);
    } else {
      expect(runs).toHaveLength(1);
      const stopped = runs[0];
      expect(stopped.status).toBe(expected.status);
      if (expected.status === "interrupted") {
        expect(stopped.message).toMatch(
          new RegExp(
            `^Interrupted: the process running it \\(pid \\d+ on .+\\) stopped during ${expected.step}; a call on the same data resumes it$`,
          ),
        );
        expect(stopped.reference_state).toBe("unchanged");
      } else {
        expect(stopped.message).toBe("Drift detected and retraining triggered");
        expect(stopped.reference_state).toBe("replaced");
        expect(stopped.steps.map((step: { status: string }) => step.status)).not.toContain("running");
      }
    }

    const retried = await service.call("POST", "/api/drift/runs");

    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(retried.body.message).toBe(instant.retry);
    expect(await text(await storage.get(PATHS.reference)), GUARANTEES.newData).toBe(DRIFTED_CSV);
    expect(trial.airflow.runs.size, GUARANTEES.oneDagRun).toBe(1);
    expect(trial.airflow.violations).toEqual([]);
    expect(
      (await storage.list(`${PATHS.history}/`)).map((o) => o.key),
      GUARANTEES.oneArchive,
    ).toEqual([ARCHIVE]);
    expect(await text(await storage.get(ARCHIVE)), GUARANTEES.oneArchive).toBe(REFERENCE_CSV);
    expect(trial.ids.assets, GUARANTEES.ids).toHaveLength(instant.idsPosts);
    expect(trial.ids.violations).toEqual([]);
    const all = (await service.call("GET", "/api/drift/runs")).body.runs;
    for (const run of all) {
      if (run.status === "failed" || run.status === "interrupted")
        expect(run.finished_by, GUARANTEES.records).toBe(retried.body.run_id);
      else expect(["completed", "no_drift"], GUARANTEES.records).toContain(run.status);
    }
    if (instant.idsPosts > 1) {
      const update = retried.body.run.steps.find((step: { name: string }) => step.name === "update_ids");
      expect(update.detail).toMatch(/without learning whether it arrived \(the IDS API cannot tell\), so it was posted again$/);
    }
    if (expected?.status === "interrupted") {
      expect(retried.body.run.resumed_from).toBe(runs[0].id);
      const finished = (await service.call("GET", `/api/drift/runs/${runs[0].id}`)).body;
      expect(finished.message).toMatch(new RegExp(`; run ${retried.body.run_id} resumed it and finished its work$`));
    }
  });
});

describe("the crash-safety section of docs/drift-detector.md", () => {
  it("states exactly what this suite proves: the instants table and the guarantees, word for word", async ({ expect }) => {
    // Table cells as biome pads them, compared with single spaces; list items and paragraphs as one line each.
    const page = (await readFile(join(PACKAGE_DIR, "..", "..", "docs", "drift-detector.md"), "utf8")).replace(/ {2,}\|/g, " |");
    const listItems = page.replace(/\n {2}(?=\S)/g, " ");
    for (const instant of INSTANTS) expect(page).toContain(`| ${instant.name} | ${instant.restart} | ${instant.says} |`);
    for (const guarantee of Object.values(GUARANTEES)) expect(listItems).toContain(`\n- ${guarantee}\n`);
    expect(page.replace(/\s+/g, " ")).toContain(`each instant ${TRIALS} times`);
  });
});
