import { UpstreamError } from "@clarus/common";
import { afterEach, describe, expect, it } from "vitest";
import { currentOwner } from "../../src/pipeline/process-owner.js";
import { DRIFTED_CSV, REFERENCE_CSV, SAME_POPULATION_CSV } from "../support/datasets.js";
import { leaveRunningByDeadProcess, PATHS, type ServiceUnderTest, sha256, startDriftService } from "../support/drift-service.js";

const answerLost = () =>
  new UpstreamError("storage", "unreachable", "MinIO copy: cannot reach s3://127.0.0.1:9/datasets (ECONNRESET)");
const storageDown = () =>
  new UpstreamError("storage", "unreachable", "MinIO: cannot reach s3://127.0.0.1:9/datasets (ECONNREFUSED)");
const isRecord = (key: string) => key.includes("/runs/");

let service: ServiceUnderTest;
afterEach(async () => {
  await service?.close();
});

describe("answers and records say what is true after an ambiguous failure", () => {
  it("a swap whose answer is lost is read back: the reference holds the new data, so the run completed", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.store.fail("copy", (k) => k === PATHS.reference, answerLost, { afterCommit: true, times: 1 });

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(201);
    expect(answer.body.message).toBe("Drift detected and retraining triggered");
    expect(answer.body.run.reference_state).toBe("replaced");
    const swap = answer.body.run.steps.find((s: { name: string }) => s.name === "replace_reference");
    expect(swap.status).toBe("succeeded");
    expect(swap.detail).toMatch(
      /the storage's answer was lost \(MinIO copy: .*ECONNRESET\)\), read back: uc_test\/reference\.csv holds the new data/,
    );
    expect(await service.read(PATHS.reference)).toBe(DRIFTED_CSV);
  });

  it("a swap whose answer is lost while storage stays down answers unknown with how to tell; the next call settles it", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    // The copy is done, its answer lost, and storage stays down from then on.
    const downAfterCopy = () => {
      service.store.fail("stat", (k) => k === PATHS.reference, storageDown);
      return answerLost();
    };
    service.store.fail("copy", (k) => k === PATHS.reference, downAfterCopy, { afterCommit: true, times: 1 });

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(503);
    expect(answer.body.step).toBe("replace_reference");
    expect(answer.body.reference_state).toBe("unknown");
    const current = answer.body.run.current;
    expect(answer.body.detail).toContain(
      `whether ${PATHS.reference} was replaced is unknown: storage could not be read after the copy was sent. It holds the new data if its ETag is ${current.etag} (${current.size} bytes)`,
    );
    expect(answer.body.run.message).toMatch(
      /^Drift detected; the run stopped at replace_reference; whether .* was replaced is unknown/,
    );
    expect(answer.body.run.message).not.toMatch(/left unchanged/);
    // The truth the answer could not see: the copy happened.
    expect(await service.read(PATHS.reference)).toBe(DRIFTED_CSV);

    service.store.heal();
    const next = await service.call("POST", "/api/drift/runs");

    expect(next.status).toBe(201);
    expect(next.body.message).toBe("Drift NOT detected");
    const settled = await service.call("GET", `/api/drift/runs/${answer.body.run_id}`);
    expect(settled.body).toMatchObject({
      status: "completed",
      reference_state: "replaced",
      message: "Drift detected and retraining triggered",
    });
    expect(settled.body.error).toBeUndefined();
    expect(settled.body.recovered.detail).toMatch(
      /^the storage's answer to the swap was lost; read back: uc_test\/reference\.csv holds the new data/,
    );
    expect(service.airflow?.runs.size).toBe(1);
  });

  it("an archive copy whose answer is lost is read back and not stored twice", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.store.fail("copy", (k) => k.startsWith(`${PATHS.history}/`), answerLost, { afterCommit: true, times: 1 });

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(201);
    const archive = answer.body.run.steps.find((s: { name: string }) => s.name === "archive_reference");
    expect(archive.detail).toMatch(/read back: the copy is there$/);
    expect(await service.keys(`${PATHS.history}/`)).toEqual([
      `${PATHS.history}/reference.${sha256(REFERENCE_CSV).slice(0, 32)}.csv`,
    ]);
  });

  it("an archive already holding the reference's content is found by name, not copied again", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    const name = `${PATHS.history}/reference.${sha256(REFERENCE_CSV).slice(0, 32)}.csv`;
    await service.store.put(name, REFERENCE_CSV, "text/csv");

    const answer = await service.call("POST", "/api/drift/runs");

    const archive = answer.body.run.steps.find((s: { name: string }) => s.name === "archive_reference");
    expect(archive).toMatchObject({
      status: "succeeded",
      detail: `the reference's content is already archived at ${name}; not copied again`,
    });
    expect(await service.keys(`${PATHS.history}/`)).toEqual([name]);
  });
});

describe("run records are durable and say which process ran them", () => {
  it("a final status storage refuses waits in the local journal, is shown from there, and reaches storage once it is back", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.store.fail("put", isRecord, storageDown);

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(201);
    expect(await service.keys(`${PATHS.reports}/runs/`)).toEqual([]);
    const shown = await service.call("GET", `/api/drift/runs/${answer.body.run_id}`);
    expect(shown.body.status).toBe("completed");
    const listed = await service.call("GET", "/api/drift/runs");
    expect(listed.body.runs.map((r: { id: string }) => r.id)).toEqual([answer.body.run_id]);

    service.store.heal();
    service = await service.restart();

    const stored = JSON.parse(await service.read(`${PATHS.reports}/runs/${answer.body.run_id}.json`));
    expect(stored.status).toBe("completed");
  });

  it("a record left running by a live process is not interrupted", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.ids?.faults.fail("asset", { kind: "status", status: 500 });
    const failed = await service.call("POST", "/api/drift/runs");
    const key = `${PATHS.reports}/runs/${failed.body.run_id}.json`;
    const stored = JSON.parse(await service.read(key));
    // The parent of this test process: alive, and not the service.
    const owner = currentOwner(process.ppid);
    await service.store.put(
      key,
      JSON.stringify({ ...stored, status: "running", owner, finished_at: undefined }),
      "application/json",
    );

    const shown = await service.call("GET", `/api/drift/runs/${failed.body.run_id}`);

    expect(shown.body.status).toBe("running");
    expect(shown.body.message).toBe(`Running in process ${process.ppid} on ${owner.host}`);
  });

  it("killed after the swap: the restart settles the run as completed instead of leaving it interrupted", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    const done = await service.call("POST", "/api/drift/runs");
    await leaveRunningByDeadProcess(service, done.body.run_id, 6, "replace_reference");

    service = await service.restart();

    const settled = await service.call("GET", `/api/drift/runs/${done.body.run_id}`);
    expect(settled.body).toMatchObject({
      status: "completed",
      reference_state: "replaced",
      message: "Drift detected and retraining triggered",
    });
    expect(settled.body.recovered.detail).toMatch(
      new RegExp(
        `^Interrupted: the process running it \\(pid ${process.pid} on .*\\) stopped during replace_reference; read back: uc_test/reference.csv holds the new data`,
      ),
    );
    expect(settled.body.steps.at(-1)).toMatchObject({ name: "replace_reference", status: "succeeded" });
    const next = await service.call("POST", "/api/drift/runs");
    expect(next.body.message).toBe("Drift NOT detected");
    expect((await service.call("GET", `/api/drift/runs/${done.body.run_id}`)).body.superseded_by).toBeUndefined();
  });

  it("killed before the swap, then the data changed: the stopped run names the run that superseded it", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.airflow?.faults.fail("trigger", { kind: "status", status: 500 });
    const stopped = await service.call("POST", "/api/drift/runs");
    service.airflow?.faults.clear();
    await leaveRunningByDeadProcess(service, stopped.body.run_id, 4, "trigger_retraining");
    service = await service.restart();
    const interrupted = await service.call("GET", `/api/drift/runs/${stopped.body.run_id}`);
    expect(interrupted.body).toMatchObject({ status: "interrupted", reference_state: "unchanged" });
    expect(interrupted.body.message).toMatch(/stopped during trigger_retraining; a call on the same data resumes it$/);

    await service.store.put(PATHS.current, SAME_POPULATION_CSV, "text/csv");
    const next = await service.call("POST", "/api/drift/runs");

    expect(next.body.run.resumed_from).toBeUndefined();
    const superseded = await service.call("GET", `/api/drift/runs/${stopped.body.run_id}`);
    expect(superseded.body.superseded_by).toBe(next.body.run_id);
    expect(superseded.body.message).toMatch(
      new RegExp(
        `; superseded by run ${next.body.run_id}, which read other data, so this run's remaining steps will not be done$`,
      ),
    );
  });
});
