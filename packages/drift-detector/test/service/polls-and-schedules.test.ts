// Runs that start themselves without notifications, on s3rver: a poll that sees the new data's ETag change, a poll of a
// batch prefix that takes batches oldest first, and a cron schedule that judges once, then records "unchanged" and
// repeats nothing downstream, never stacking triggers while a run is slow.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DRIFTED_CSV, REFERENCE_CSV, SAME_POPULATION_CSV } from "../support/datasets.js";
import { FAST_POLICY } from "../support/drift-service.js";
import { type ExperimentsService, startExperimentsService } from "../support/experiments-service.js";
import { type FakeAirflow, startFakeAirflow } from "../support/fake-airflow.js";
import { type RunningS3rver, s3StoreOn, startS3rver } from "../support/s3rver.js";

const BUCKET = "timers-bucket";
let s3: RunningS3rver;
let airflow: FakeAirflow;
let service: ExperimentsService | undefined;

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  airflow = await startFakeAirflow({ major: 3, dagId: "retrain_timed" });
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(async () => {
  await airflow?.close();
  await s3?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

type Run = { id: string; status: string; judged_by?: string; current: { path: string }; dag_run_id?: string };
async function runsOf(svc: ExperimentsService, id: string): Promise<Run[]> {
  return (await svc.call("GET", `/api/experiments/${id}/runs?limit=100`)).body.runs as Run[];
}
const atLeast = (svc: ExperimentsService, id: string, count: number) => async () => {
  const runs = await runsOf(svc, id);
  return runs.length >= count && !svc.registry.queue.isRunning(id) ? runs : undefined;
};

function file(entry: string): string {
  return `experiments:\n  - bucket: ${BUCKET}\n    airflow: { dag_id: retrain_timed }\n${entry
    .trim()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n")}\n`;
}

describe("polling", () => {
  it("runs when the new data's ETag changes, once per content", async () => {
    const store = s3StoreOn(s3, BUCKET, FAST_POLICY);
    await store.put("poll/reference.csv", REFERENCE_CSV, "text/csv");
    await store.put("poll/new.csv", DRIFTED_CSV, "text/csv");
    service = await startExperimentsService({
      s3,
      airflows: [airflow],
      file: file(
        "id: polled\nreference: poll/reference.csv\nnew_data: poll/new.csv\nreports: poll/reports\ntriggers: { poll_seconds: 5 }",
      ),
    });
    // The first look is at start.
    const [first] = await until("the first polled run", atLeast(service, "polled", 1));
    expect(first?.status).toBe("completed");

    // The drifted data is now the reference, so the population it came from drifts against it in turn.
    await store.put("poll/new.csv", SAME_POPULATION_CSV, "text/csv");
    const runs = await until("the run after the change", atLeast(service, "polled", 2), 20_000);
    expect(runs[0]).toMatchObject({ status: "completed", current: { path: "poll/new.csv" } });
    expect(runs[0]?.dag_run_id).not.toBe(runs[1]?.dag_run_id);
    const dagRuns = airflow.runs.size;
    // Unchanged data: later polls queue nothing, not even an "unchanged" record.
    await sleep(6_000);
    expect(await runsOf(service, "polled")).toHaveLength(2);
    expect(airflow.runs.size).toBe(dagRuns);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/drift_triggers_total\{experiment="polled",source="poll",service="clarus drift detector"\} 2\n/);
    expect(metrics).toMatch(/drift_detected\{experiment="polled",service="clarus drift detector"\} 1\n/);
  }, 60_000);

  it("takes the batches of a prefix oldest first, each once", async () => {
    const store = s3StoreOn(s3, BUCKET, FAST_POLICY);
    await store.put("line/reference.csv", REFERENCE_CSV, "text/csv");
    // Written in this order: names do not sort as they landed.
    for (const name of ["c-first", "a-second", "b-third"]) {
      await store.put(`line/batches/${name}.csv`, SAME_POPULATION_CSV, "text/csv");
      await sleep(1_100);
    }
    service = await startExperimentsService({
      s3,
      airflows: [airflow],
      file: file(
        "id: batched\nreference: line/reference.csv\nbatch_prefix: line/batches/\nreports: line/reports\ntriggers: { poll_seconds: 5, events: false }",
      ),
    });
    const runs = await until("three batch runs", atLeast(service, "batched", 3));
    expect(runs.map((run) => run.current.path).reverse()).toEqual([
      "line/batches/c-first.csv",
      "line/batches/a-second.csv",
      "line/batches/b-third.csv",
    ]);
    await sleep(6_000);
    expect(await runsOf(service, "batched")).toHaveLength(3);
    expect(service.detections.get("batched")).toBe(3);
  }, 60_000);
});

describe("schedules", () => {
  it("judge once, then record 'unchanged' without repeating anything, never stacking while a run is slow", async () => {
    const store = s3StoreOn(s3, BUCKET, FAST_POLICY);
    await store.put("cron/reference.csv", REFERENCE_CSV, "text/csv");
    await store.put("cron/new.csv", DRIFTED_CSV, "text/csv");
    const dagRunsBefore = airflow.runs.size;
    service = await startExperimentsService({
      s3,
      airflows: [airflow],
      file: file(
        'id: scheduled\nreference: cron/reference.csv\nnew_data: cron/new.csv\nreports: cron/reports\ntriggers: { schedule: "* * * * * *", events: false }',
      ),
    });
    const release = service.holdDetections();
    // Ticks every second while the first run is held: at most one more trigger waits.
    await until("the first scheduled run", async () => (service?.registry.queue.isRunning("scheduled") ? true : undefined));
    for (let tick = 0; tick < 4; tick++) {
      await sleep(1_000);
      expect(service.registry.queue.pending("scheduled").length).toBeLessThanOrEqual(2);
    }
    release();
    const runs = await until("two unchanged runs after the judged one", async () => {
      const all = await runsOf(service as ExperimentsService, "scheduled");
      return all.filter((run) => run.status === "unchanged").length >= 2 ? all : undefined;
    });
    const judged = runs.filter((run) => run.status !== "unchanged");
    expect(judged).toEqual([expect.objectContaining({ status: "completed" })]);
    for (const run of runs.filter((r) => r.status === "unchanged")) {
      expect(run.judged_by).toBe(judged[0]?.id);
      expect(run.dag_run_id).toBeUndefined();
    }
    expect(airflow.runs.size).toBe(dagRunsBefore + 1);
    expect(service.detections.get("scheduled")).toBe(1);
    const reports = (await store.list("cron/reports/")).filter((o) => o.key.endsWith(".html"));
    expect(reports).toHaveLength(1);
    const experiment = await service.call("GET", "/api/experiments/scheduled");
    expect(Date.parse(experiment.body.triggers.next_scheduled_run)).toBeGreaterThan(Date.now() - 1_000);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/drift_runs_total\{experiment="scheduled",outcome="completed",service="clarus drift detector"\} 1\n/);
    expect(metrics).toMatch(
      /drift_runs_total\{experiment="scheduled",outcome="unchanged",service="clarus drift detector"\} [2-9]/,
    );
    expect(metrics).toMatch(
      /drift_last_run_outcome\{experiment="scheduled",outcome="unchanged",service="clarus drift detector"\} 1\n/,
    );
  }, 60_000);
});
