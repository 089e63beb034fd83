import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { LocalFolderStore } from "../../src/adapters/storage/local-folder-store.js";
import { CsvFormatError } from "../../src/csv/errors.js";
import { csvLimits } from "../../src/csv/limits.js";
import { driftOptionsSchema } from "../../src/drift/options.js";
import { coreAnalysis } from "../../src/pipeline/core-analysis.js";
import { DRIFTED_CSV, REFERENCE_CSV, SAME_POPULATION_CSV } from "../support/datasets.js";
import { EXPERIMENT, PATHS, type ServiceUnderTest, sha256, startDriftService } from "../support/drift-service.js";

let service: ServiceUnderTest;
afterEach(async () => {
  await service?.close();
});

describe("a drift run end to end (local folder storage, Airflow 3 and IDS fakes)", () => {
  it("on drift: reports, IDS, one DAG run with the content-derived id, archive, then the reference swap", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);

    const answer = await service.call("GET", "/api/detect_data_drift");

    expect(answer.status).toBe(200);
    expect(answer.body.message).toBe("Drift detected and retraining triggered");
    expect(answer.body.retraining).toBe("triggered");
    const run = answer.body.run;
    expect(run.status).toBe("completed");
    expect(run.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      "read_data:succeeded",
      "detect_drift:succeeded",
      "write_reports:succeeded",
      "update_ids:succeeded",
      "trigger_retraining:succeeded",
      "archive_reference:succeeded",
      "replace_reference:succeeded",
    ]);
    expect(run.drift.drift_detected).toBe(true);

    // The reference is now the new data; the old one is in the history, byte for byte, named by its content.
    expect(await service.read(PATHS.reference)).toBe(DRIFTED_CSV);
    expect(run.archived_reference).toBe(`uc_test/history/reference.${sha256(REFERENCE_CSV).slice(0, 32)}.csv`);
    expect(run.reference_state).toBe("replaced");
    expect(await service.read(run.archived_reference)).toBe(REFERENCE_CSV);

    // Exactly one DAG run, its id derived from both contents, its conf carrying what retraining needs.
    const runs = [...(service.airflow?.runs.values() ?? [])];
    expect(runs).toHaveLength(1);
    expect(runs[0]?.dag_run_id).toBe(
      `drift__UC_test-experiment__${sha256(DRIFTED_CSV).slice(0, 32)}.${sha256(REFERENCE_CSV).slice(0, 8)}`,
    );
    expect(runs[0]?.conf).toMatchObject({
      experiment_id: EXPERIMENT,
      detector_run_id: run.id,
      dataset: { bucket: "datasets", path: PATHS.current, sha256: sha256(DRIFTED_CSV) },
      reference: { bucket: "datasets", path: PATHS.reference },
      reports: run.reports,
      drift: { drift_detected: true, number_of_columns: 3 },
    });
    expect(service.airflow?.violations).toEqual([]);

    expect(service.ids?.assets).toEqual([
      {
        exp_id: EXPERIMENT,
        exp_description: "test data",
        asset_type: "dataset",
        minio_endpoint: "127.0.0.1:9000",
        minio_bucket: "datasets",
        minio_path: PATHS.current,
      },
    ]);

    // Reports exist under the report path and are served; the run is listed.
    expect(run.reports.html).toBe(`${PATHS.reports}/drift-report-${run.id}.html`);
    const html = await service.call("GET", `/api/drift/runs/${run.id}/report`);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(html.body).toContain("<html");
    // The report's own policy as a header, plus what only a header can say; never sniffed as something else.
    const policy = html.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("sandbox allow-scripts");
    expect(html.body).toContain(`content="${policy.split("; frame-ancestors")[0]}"`);
    expect(html.headers.get("x-content-type-options")).toBe("nosniff");
    const json = await service.call("GET", `/api/drift/runs/${run.id}/report?format=json`);
    expect(json.status).toBe(200);
    expect(json.headers.get("x-content-type-options")).toBe("nosniff");
    expect(typeof json.body).toBe("object");
    expect((await service.call("GET", `/api/drift/runs/${run.id}`)).body).toEqual(run);

    // Called again: the new reference equals the new data, so no drift and nothing more happens.
    const again = await service.call("POST", "/api/drift/runs");
    expect(again.status).toBe(201);
    expect(again.body.message).toBe("Drift NOT detected");
    expect(again.headers.get("location")).toBe(`/api/drift/runs/${again.body.run_id}`);
    expect(service.airflow?.runs.size).toBe(1);
  });

  it("without drift: answers the original message, records the run and changes nothing else", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, SAME_POPULATION_CSV);
    const before = await service.keys();

    const answer = await service.call("GET", "/api/detect_data_drift");

    expect(answer.status).toBe(200);
    expect(answer.body.message).toBe("Drift NOT detected");
    expect(answer.body.retraining).toBe("not_needed");
    expect(answer.body.run.status).toBe("no_drift");
    expect(answer.body.run.steps.slice(2).every((s: { status: string }) => s.status === "skipped")).toBe(true);
    expect(await service.read(PATHS.reference)).toBe(REFERENCE_CSV);
    expect(await service.keys()).toEqual([...before, `${PATHS.reports}/runs/${answer.body.run_id}.json`].sort());
    expect(service.airflow?.runs.size).toBe(0);
    expect(service.ids?.assets).toEqual([]);
    const report = await service.call("GET", `/api/drift/runs/${answer.body.run_id}/report`);
    expect(report.status).toBe(404);
    expect(report.body.detail).toMatch(/has no report \(Drift NOT detected\)/);
  });

  it("a missing dataset answers 404 naming bucket and path, and writes nothing", async () => {
    service = await startDriftService();
    await service.store.put(PATHS.reference, REFERENCE_CSV, "text/csv");
    const before = await service.keys();

    const answer = await service.call("GET", "/api/detect_data_drift");

    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(answer.body).toMatchObject({ step: "read_data", bucket: "datasets", path: PATHS.current });
    // The local folder store also says which file it looked for, so an operator knows where to put the dataset.
    expect(answer.body.detail).toBe(
      `Object "${PATHS.current}" not found in bucket "datasets" (no file DATA_DIR/datasets/${PATHS.current})`,
    );
    expect(await service.keys()).toEqual(before);
  });

  it("a bad CSV answers 422 with the core's message, and writes nothing", async () => {
    service = await startDriftService();
    const badCsv = 'temperature,pressure,grade\n1,2,"unterminated\n';
    await service.seed(REFERENCE_CSV, badCsv);
    const before = await service.keys();
    const named = (path: string, csv: string) => ({ name: `${service.store.location}/${path}`, stream: Readable.from([csv]) });
    const coreError = await coreAnalysis(
      driftOptionsSchema.parse({}),
      csvLimits({}, (name) => name),
    )
      .detect(named(PATHS.reference, REFERENCE_CSV), named(PATHS.current, badCsv))
      .catch((err: unknown) => err);
    expect(coreError).toBeInstanceOf(CsvFormatError);

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(422);
    expect(answer.body.step).toBe("detect_drift");
    expect(answer.body.detail).toBe((coreError as CsvFormatError).message);
    expect(answer.body.detail).toContain(PATHS.current);
    expect(await service.keys()).toEqual(before);
    expect(await service.read(PATHS.reference)).toBe(REFERENCE_CSV);
  });

  it("each drift run writes its own reports and never overwrites an older one", async () => {
    service = await startDriftService({ airflow: false, ids: false });
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    const first = (await service.call("POST", "/api/drift/runs")).body.run;
    const firstReports = [await service.read(first.reports.html), await service.read(first.reports.json)];
    // The reference is now DRIFTED_CSV: the old reference, arriving as new data, drifts again.
    await service.store.put(PATHS.current, REFERENCE_CSV, "text/csv");

    const second = (await service.call("POST", "/api/drift/runs")).body.run;

    expect(second.drift.drift_detected).toBe(true);
    expect(second.reports.html).toMatch(/^uc_test\/reports\/drift-report-\d{8}T\d{9}Z-[0-9a-f]{6}\.html$/);
    expect(await service.keys(`${PATHS.reports}/drift-report-`)).toEqual(
      [first.reports.html, first.reports.json, second.reports.html, second.reports.json].sort(),
    );
    expect([await service.read(first.reports.html), await service.read(first.reports.json)]).toEqual(firstReports);
  });

  it("without Airflow and IDS configured, those steps are skipped, not failed, and the swap still happens", async () => {
    service = await startDriftService({ airflow: false, ids: false });
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(201);
    // The original wording, to the letter (pilot scripts compare it); `retraining` says none started.
    expect(answer.body.message).toBe("Drift detected and retraining triggered");
    expect(answer.body.retraining).toBe("not_configured");
    const steps = Object.fromEntries(answer.body.run.steps.map((s: { name: string }) => [s.name, s]));
    expect(steps.update_ids).toMatchObject({ status: "skipped", detail: "not configured (IDS_PROVIDER_IP unset)" });
    expect(steps.trigger_retraining).toMatchObject({ status: "skipped", detail: "not configured (AIRFLOW_IP unset)" });
    expect(await service.read(PATHS.reference)).toBe(DRIFTED_CSV);
  });

  it("lists runs newest first with pagination, and keeps them across a restart", async () => {
    service = await startDriftService({ airflow: false, ids: false });
    await service.seed(REFERENCE_CSV, SAME_POPULATION_CSV);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await service.call("POST", "/api/drift/runs")).body.run_id);

    service = await service.restart();
    const first = await service.call("GET", "/api/drift/runs?limit=2");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(first.body.runs.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    const second = await service.call("GET", "/api/drift/runs?limit=2&offset=2");
    expect(second.body.runs.map((r: { id: string }) => r.id)).toEqual([ids[0]]);

    for (const query of ["limit=0", "limit=101", "limit=abc", "limit=2.5", "offset=-1", "offset=1.5", "offset=x"]) {
      const refused = await service.call("GET", `/api/drift/runs?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.errors, query).toEqual([expect.objectContaining({ location: "query", field: query.split("=")[0] })]);
    }
    const words = async (query: string) => (await service.call("GET", `/api/drift/runs?${query}`)).body.detail;
    expect(await words("limit=abc")).toBe("Invalid request query: limit: must be a whole number");
    expect(await words("limit=101&offset=-1")).toBe(
      "Invalid request query: limit: must be at most 100; offset: must be at least 0",
    );
    // A damaged record is named, and does not hide the others.
    await service.store.put(`${PATHS.reports}/runs/${ids[1]}.json`, '{"id": "cut sh', "application/json");
    const damaged = await service.call("GET", "/api/drift/runs?limit=3");
    expect(damaged.status).toBe(200);
    expect(damaged.body.runs.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[0]]);
    expect(damaged.body.unreadable).toEqual([ids[1]]);
    const named = await service.call("GET", `/api/drift/runs/${ids[1]}`);
    expect(named.status).toBe(500);
    expect(named.body.detail).toMatch(new RegExp(`^The run record ${PATHS.reports}/runs/${ids[1]}\\.json cannot be read: `));

    for (const path of ["/api/drift/runs/..%2F..%2Fwinequality-red", "/api/drift/runs/a%20b/report"]) {
      const refused = await service.call("GET", path);
      expect(refused.status, path).toBe(400);
      expect(refused.body.errors, path).toEqual([expect.objectContaining({ location: "path", field: "id" })]);
    }
    const unknown = await service.call("GET", "/api/drift/runs/20260101T000000000Z-abcdef");
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe('No drift run with id "20260101T000000000Z-abcdef".');
  });
});

describe("OpenAPI", () => {
  it("documents every route, the original messages and the failure answers; Swagger UI serves it", async () => {
    service = await startDriftService({ airflow: false, ids: false });
    const { body: openapi } = await service.call("GET", "/openapi.json");
    expect(Object.keys(openapi.paths).sort()).toEqual([
      "/api/detect_data_drift",
      "/api/drift/runs",
      "/api/drift/runs/{id}",
      "/api/drift/runs/{id}/report",
      "/api/events/minio",
      "/api/experiments",
      "/api/experiments/reload",
      "/api/experiments/{id}",
      "/api/experiments/{id}/history",
      "/api/experiments/{id}/monitor",
      "/api/experiments/{id}/runs",
      "/api/experiments/{id}/runs/{run}",
      "/api/experiments/{id}/runs/{run}/report",
      "/api/health",
      "/api/ping",
    ]);
    const detect = openapi.paths["/api/detect_data_drift"].get;
    expect(Object.keys(detect.responses).sort()).toEqual([
      "200",
      "400",
      "403",
      "404",
      "409",
      "415",
      "422",
      "500",
      "502",
      "503",
      "504",
    ]);
    expect(JSON.stringify(detect.responses["200"])).toContain(
      '"enum":["Drift detected and retraining triggered","Drift NOT detected"]',
    );
    const swagger = await fetch(`${service.url}/swagger/`);
    expect(swagger.status).toBe(200);
    expect(await swagger.text()).toContain("swagger-ui");
  });
});

describe("API token", () => {
  it("protects the run routes when set, leaving ping and health open", async () => {
    service = await startDriftService({ airflow: false, ids: false, apiToken: "s3cret" });
    await service.seed(REFERENCE_CSV, SAME_POPULATION_CSV);
    const none = await service.call("POST", "/api/drift/runs");
    expect(none.status).toBe(401);
    expect(none.body.detail).toBe("This route needs the header Authorization: Bearer <DRIFT_API_TOKEN>.");
    expect((await service.call("GET", "/api/detect_data_drift", "wrong")).status).toBe(401);
    expect((await service.call("POST", "/api/drift/runs", "s3cret")).status).toBe(201);
    expect((await service.call("GET", "/api/health")).status).toBe(200);
    expect((await service.call("GET", "/api/ping")).status).toBe(200);
  });
});

describe("concurrency", () => {
  it("20 simultaneous calls run one pipeline and start one DAG run", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    const release = service.holdDetections();

    const calls = Array.from({ length: 20 }, (_, i) =>
      service.call(i % 2 ? "GET" : "POST", i % 2 ? "/api/detect_data_drift" : "/api/drift/runs"),
    );
    await service.requestsArrived(20);
    release();
    const answers = await Promise.all(calls);

    expect(service.detections()).toBe(1);
    expect(new Set(answers.map((a) => a.body.run_id)).size).toBe(1);
    expect(answers.filter((a) => a.body.joined_run_in_flight)).toHaveLength(19);
    expect(answers.every((a) => a.body.message === "Drift detected and retraining triggered")).toBe(true);
    expect(service.airflow?.runs.size).toBe(1);
    expect(service.ids?.assets).toHaveLength(1);
    expect((await service.call("GET", "/api/drift/runs")).body.total).toBe(1);
  });
});

describe("health", () => {
  it("reports each dependency with its reason, and 503 when a configured one fails", async () => {
    service = await startDriftService();
    const healthy = await service.call("GET", "/api/health");
    expect(healthy.status).toBe(200);
    expect(healthy.body.status).toBe("ok");
    expect(healthy.body.checks.airflow).toEqual({
      status: "ok",
      reason: "Airflow 3.1.0 (API /api/v2), DAG retrain_model is active",
    });
    expect(healthy.body.checks.storage).toEqual({
      status: "ok",
      reason: `bucket ${service.store.location} is readable and writable`,
    });
    expect(healthy.body.checks.ids).toEqual({ status: "ok", reason: "IDS provider answered /api/ping" });

    service.ids?.faults.fail("ping", { kind: "status", status: 500 });
    const degraded = await service.call("GET", "/api/health");
    expect(degraded.status).toBe(503);
    expect(degraded.body.checks.ids).toMatchObject({ status: "failed" });
    expect(degraded.body.checks.ids.reason).toMatch(/HTTP 500/);
    expect((await service.call("GET", "/api/ping")).body).toBe("OK");

    if (service.airflow) service.airflow.paused = true;
    const paused = await service.call("GET", "/api/health");
    expect(paused.body.checks.airflow).toEqual({
      status: "failed",
      reason: "Airflow 3.1.0 (API /api/v2), DAG retrain_model is paused: drift runs would stop at trigger_retraining",
    });
  });

  it("names what is not configured, and why storage fails", async () => {
    const dir = await mkdtemp(join(tmpdir(), "drift-health-"));
    try {
      const notAFolder = join(dir, "not-a-folder");
      await writeFile(notAFolder, "a file where DATA_DIR should be");
      service = await startDriftService({ store: new LocalFolderStore(notAFolder, "datasets"), airflow: false, ids: false });

      const answer = await service.call("GET", "/api/health");

      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({
        status: "degraded",
        checks: {
          storage: {
            status: "failed",
            reason: expect.stringMatching(/^local folder DATA_DIR\/datasets: check the folder: ENOTDIR/),
          },
          airflow: { status: "not_configured", reason: "AIRFLOW_IP is not set; the step is skipped" },
          ids: { status: "not_configured", reason: "IDS_PROVIDER_IP is not set; the step is skipped" },
        },
      });
      // No absolute path of this machine in the answer.
      expect(JSON.stringify(answer.body)).not.toContain(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
