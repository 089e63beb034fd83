import { UpstreamError } from "@clarus/common";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { S3Store } from "../../src/adapters/storage/s3-store.js";
import { DRIFTED_CSV, REFERENCE_CSV } from "../support/datasets.js";
import { FAST_POLICY, PATHS, type ServiceUnderTest, startDriftService } from "../support/drift-service.js";
import { type RunningS3rver, s3StoreOn, startS3rver } from "../support/s3rver.js";

let s3: RunningS3rver;
let service: ServiceUnderTest;
let bucketNumber = 0;

beforeAll(async () => {
  s3 = await startS3rver(["run-1", "run-2"]);
});
afterEach(async () => {
  await service?.close();
});
afterAll(async () => {
  await s3?.stop();
});

function s3Store(): S3Store {
  bucketNumber += 1;
  return s3StoreOn(s3, `run-${bucketNumber}`, FAST_POLICY);
}

describe("the pipeline on S3 storage (s3rver) with Airflow 2", () => {
  it("completes a drift run: one DAG run over /api/v1 with basic auth, verified archive and swap", async () => {
    service = await startDriftService({ store: s3Store(), airflow: 2 });
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);

    const answer = await service.call("GET", "/api/detect_data_drift");

    expect(answer.status).toBe(200);
    expect(answer.body.message).toBe("Drift detected and retraining triggered");
    expect(answer.body.run.steps.find((s: { name: string }) => s.name === "trigger_retraining").detail).toMatch(/Airflow API v1/);
    expect(service.airflow?.runs.size).toBe(1);
    expect(service.airflow?.violations).toEqual([]);
    expect(await service.read(PATHS.reference)).toBe(DRIFTED_CSV);
    expect(await service.read(answer.body.run.archived_reference)).toBe(REFERENCE_CSV);
    expect((await service.call("GET", `/api/drift/runs/${answer.body.run_id}/report`)).status).toBe(200);
  });

  it("keeps the reference when the swap fails on S3, then resumes to exactly one DAG run", async () => {
    service = await startDriftService({ store: s3Store(), airflow: 2 });
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.store.fail(
      "copy",
      (key) => key === PATHS.reference,
      () => new UpstreamError("storage", "timeout", "MinIO copy: no answer within 400 ms"),
    );

    const failed = await service.call("POST", "/api/drift/runs");
    expect(failed.status).toBe(504);
    expect(failed.body.step).toBe("replace_reference");
    expect(await service.read(PATHS.reference)).toBe(REFERENCE_CSV);

    service.store.heal();
    const retried = await service.call("POST", "/api/drift/runs");
    expect(retried.status).toBe(201);
    expect(service.airflow?.runs.size).toBe(1);
    expect(await service.read(PATHS.reference)).toBe(DRIFTED_CSV);
    expect(await service.keys(`${PATHS.history}/`)).toHaveLength(1);
  });
});
