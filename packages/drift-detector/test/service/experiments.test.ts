// Several experiments in one detector, on s3rver with one fake Airflow per DAG: each has its own paths, options, DAG
// and records; the original route picks one with ?exp_id=; unknown ids answer 404 naming them; reloads are atomic.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DRIFTED_CSV, REFERENCE_CSV } from "../support/datasets.js";
import { type ExperimentsService, startExperimentsService } from "../support/experiments-service.js";
import { type FakeAirflow, startFakeAirflow } from "../support/fake-airflow.js";
import { type FakeIdsProvider, startFakeIdsProvider } from "../support/fake-ids-provider.js";
import { type RunningS3rver, startS3rver } from "../support/s3rver.js";

const TWO_EXPERIMENTS = `
experiments:
  - id: line_a
    bucket: exp-line-a
    reference: a/reference.csv
    new_data: a/new.csv
    reports: a/reports
    airflow: { dag_id: retrain_a }
    drift: { drift_share: 0.5 }
  - id: line_b
    bucket: exp-line-b
    reference: b/reference.csv
    new_data: b/new.csv
    reports: b/reports
    airflow: { dag_id: retrain_b }
    ids: false
    drift: { drift_share: 0.9, columns: [temperature, pressure] }
`;

let s3: RunningS3rver;
let airflowA: FakeAirflow;
let airflowB: FakeAirflow;
let ids: FakeIdsProvider;
let service: ExperimentsService | undefined;

beforeAll(async () => {
  s3 = await startS3rver(["exp-line-a", "exp-line-b", "exp-line-c"]);
  airflowA = await startFakeAirflow({ major: 3, dagId: "retrain_a" });
  airflowB = await startFakeAirflow({ major: 2, dagId: "retrain_b" });
  ids = await startFakeIdsProvider();
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(async () => {
  await Promise.all([airflowA?.close(), airflowB?.close(), ids?.close()]);
  await s3?.stop();
});

async function seed(svc: ExperimentsService, bucket: string, folder: string): Promise<void> {
  const store = svc.storeFor(bucket);
  await store.put(`${folder}/reference.csv`, REFERENCE_CSV, "text/csv");
  await store.put(`${folder}/new.csv`, DRIFTED_CSV, "text/csv");
}

async function keys(svc: ExperimentsService, bucket: string): Promise<string[]> {
  return (await svc.storeFor(bucket).list("")).map((object) => object.key);
}

describe("two experiments in one detector", () => {
  it("run with their own paths, options and DAGs; ?exp_id= picks one, the first is the default", async () => {
    service = await startExperimentsService({ file: TWO_EXPERIMENTS, s3, airflows: [airflowA, airflowB], ids });
    await seed(service, "exp-line-a", "a");
    await seed(service, "exp-line-b", "b");

    const listed = await service.call("GET", "/api/experiments");
    expect(listed.status).toBe(200);
    expect(listed.body.source).toBe("EXPERIMENTS_FILE test");
    expect(listed.body.experiments.map((e: { id: string }) => e.id)).toEqual(["line_a", "line_b"]);
    expect(listed.body.experiments[1]).toMatchObject({
      bucket: "exp-line-b",
      new_data: { path: "b/new.csv" },
      airflow: { dag_id: "retrain_b" },
      ids: { off: "off for this experiment (ids: false)" },
      drift: { drift_share: 0.9, columns: ["temperature", "pressure"] },
      links: { monitor: "/api/experiments/line_b/monitor" },
    });

    const b = await service.call("GET", "/api/detect_data_drift?exp_id=line_b");
    expect(b.status).toBe(200);
    expect(b.body.message).toBe("Drift detected and retraining triggered");
    expect(b.body.run).toMatchObject({
      experiment_id: "line_b",
      bucket: "exp-line-b",
      current: { path: "b/new.csv" },
      drift: { drift_share_threshold: 0.9, number_of_columns: 2 },
    });
    expect(b.body.run.steps.find((step: { name: string }) => step.name === "update_ids")).toMatchObject({
      status: "skipped",
      detail: "off for this experiment (ids: false)",
    });
    expect([...airflowB.runs.keys()]).toEqual([b.body.run.dag_run_id]);
    expect(airflowA.runs.size).toBe(0);

    const a = await service.call("GET", "/api/detect_data_drift");
    expect(a.status).toBe(200);
    expect(a.body.run).toMatchObject({ experiment_id: "line_a", bucket: "exp-line-a", drift: { drift_share_threshold: 0.5 } });
    expect(a.body.run.drift.number_of_columns).toBe(3);
    expect([...airflowA.runs.keys()]).toEqual([a.body.run.dag_run_id]);
    expect(airflowB.runs.size).toBe(1);

    // Each experiment's records and reports stay in its own bucket and folder.
    expect((await keys(service, "exp-line-a")).filter((key) => key.startsWith("a/reports/runs/"))).toHaveLength(1);
    expect((await keys(service, "exp-line-b")).filter((key) => key.startsWith("b/reports/runs/"))).toHaveLength(1);
    const runsB = await service.call("GET", "/api/experiments/line_b/runs");
    expect(runsB.body.runs.map((run: { id: string }) => run.id)).toEqual([b.body.run_id]);
    const report = await service.call("GET", `/api/experiments/line_b/runs/${b.body.run_id}/report`);
    expect(report.status).toBe(200);
    expect(report.body).toContain('href="/api/experiments/line_b/monitor"');
    // The original run routes keep serving the default experiment.
    expect((await service.call("GET", `/api/drift/runs/${a.body.run_id}`)).body.experiment_id).toBe("line_a");
    expect((await service.call("GET", `/api/drift/runs/${b.body.run_id}`)).status).toBe(404);
  });

  it("POST /api/experiments/{id}/runs queues a run (202), or runs and answers with wait=true", async () => {
    service = await startExperimentsService({ file: TWO_EXPERIMENTS, s3, airflows: [airflowA, airflowB] });
    await seed(service, "exp-line-a", "a");
    const queued = await service.call("POST", "/api/experiments/line_a/runs");
    expect(queued.status).toBe(202);
    expect(queued.headers.get("location")).toBe("/api/experiments/line_a/runs");
    expect(queued.body.queued).toEqual([
      expect.objectContaining({ experiment_id: "line_a", source: "api", object: "a/new.csv" }),
    ]);
    await service.registry.idle();
    const after = await service.call("GET", "/api/experiments/line_a/runs?limit=1");
    expect(after.body.queued).toEqual([]);
    expect(after.body.runs[0]).toMatchObject({ experiment_id: "line_a", current: { path: "a/new.csv" } });
    expect(await keys(service, "exp-line-a")).not.toContain(expect.stringContaining("a/reports/queue/"));

    const waited = await service.call("POST", "/api/experiments/line_a/runs?wait=true");
    expect(waited.status).toBe(201);
    expect(waited.headers.get("location")).toBe(`/api/experiments/line_a/runs/${waited.body.run_id}`);
    expect(waited.body.run.experiment_id).toBe("line_a");
  });
});

describe("unknown experiments", () => {
  it("answer 404 naming the id, on every route, and write or trigger nothing", async () => {
    service = await startExperimentsService({ file: TWO_EXPERIMENTS, s3, airflows: [airflowA, airflowB] });
    await seed(service, "exp-line-a", "a");
    const before = await keys(service, "exp-line-a");
    const dagRuns = airflowA.runs.size;
    for (const [method, path] of [
      ["GET", "/api/detect_data_drift?exp_id=nope"],
      ["GET", "/api/experiments/nope"],
      ["POST", "/api/experiments/nope/runs"],
      ["POST", "/api/experiments/nope/runs?wait=true"],
      ["GET", "/api/experiments/nope/runs"],
      ["GET", "/api/experiments/nope/history"],
      ["GET", "/api/experiments/nope/monitor"],
      ["GET", "/api/experiments/nope/runs/20260101T000000000Z-abcdef"],
    ] as const) {
      const answer = await service.call(method, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.detail, path).toMatch(/^No experiment with id "nope"\. Known: line_a, line_b\.$/);
      expect(answer.headers.get("content-type"), path).toContain("application/problem+json");
    }
    expect(await keys(service, "exp-line-a")).toEqual(before);
    expect(airflowA.runs.size).toBe(dagRuns);
    expect(service.registry.queue.pending()).toEqual([]);
  });
});

describe("reloading the experiments file", () => {
  it("applies a valid file at once and keeps the old set, with every problem, when the new one is invalid", async () => {
    let text = TWO_EXPERIMENTS;
    service = await startExperimentsService({
      file: TWO_EXPERIMENTS,
      s3,
      airflows: [airflowA, airflowB],
      reloadFile: () => text,
    });
    text = `${TWO_EXPERIMENTS}
  - id: line_c
    bucket: exp-line-c
    reference: c/reference.csv
    new_data: c/new.csv
    reports: c/reports
    colour: blue
    triggers: { poll_seconds: 2 }
`;
    const refused = await service.call("POST", "/api/experiments/reload");
    expect(refused.status).toBe(422);
    const problems = refused.body.errors.map((error: { message: string }) => error.message);
    expect(problems.sort()).toEqual([
      "test experiments: experiments.2.triggers.poll_seconds: must be at least 5",
      'test experiments: experiments.2: Unrecognized key: "colour"',
    ]);
    const unchanged = await service.call("GET", "/api/experiments");
    expect(unchanged.body.experiments.map((e: { id: string }) => e.id)).toEqual(["line_a", "line_b"]);
    expect(unchanged.body.last_reload_error.problems).toHaveLength(2);
    expect((await service.call("GET", "/api/experiments/line_c")).status).toBe(404);

    text = text.replace("    colour: blue\n", "").replace("poll_seconds: 2", "poll_seconds: 3600");
    const applied = await service.call("POST", "/api/experiments/reload");
    expect(applied.status).toBe(200);
    expect(applied.body.experiments.map((e: { id: string }) => e.id)).toEqual(["line_a", "line_b", "line_c"]);
    expect(applied.body.last_reload_error).toBeUndefined();
    expect((await service.call("GET", "/api/experiments/line_c")).body.triggers.poll_seconds).toBe(3600);
  });
});
