import { UpstreamError } from "@clarus/common";
import { afterEach, describe, expect, it } from "vitest";
import { DRIFTED_CSV, REFERENCE_CSV } from "../support/datasets.js";
import { leaveRunningByDeadProcess, PATHS, type ServiceUnderTest, startDriftService } from "../support/drift-service.js";

const storageDown = () =>
  new UpstreamError("storage", "unreachable", "MinIO: cannot reach s3://127.0.0.1:9/datasets (ECONNREFUSED)");
const storageSlow = () => new UpstreamError("storage", "timeout", "MinIO: no answer within 400 ms");

interface Fault {
  name: string;
  step: string;
  status: number;
  inject: (service: ServiceUnderTest) => void;
  /** What the answer quotes from the upstream. */
  quotes?: unknown;
  /** Archive copies the failed run left behind (a copy that failed its verification stays until the retry rewrites it). */
  archivedBeforeRetry?: number;
  /** Airflow created the DAG run although the call failed (the answer was lost). */
  committed?: boolean;
}

/** The IDS provider or Airflow answering `status` to `operation`: the run quotes the answer and does not retry 4xx. */
function answers(target: "ids" | "airflow", operation: string, status: number, detail: string): Fault {
  return {
    name: `${target === "ids" ? "IDS" : "Airflow"} answers ${status} to ${operation}`,
    step: target === "ids" ? "update_ids" : "trigger_retraining",
    status: 502,
    inject: (s) => s[target]?.faults.fail(operation, { kind: "status", status, json: { detail } }),
    quotes: { detail },
  };
}

/** Every step of the run, one failure kind each at least; the Airflow ones run against both versions below. */
const FAULTS: Fault[] = [
  {
    name: "dataset stat: storage unreachable",
    step: "read_data",
    status: 503,
    inject: (s) => s.store.fail("stat", (k) => k === PATHS.reference, storageDown),
  },
  {
    name: "dataset read: storage timeout",
    step: "read_data",
    status: 504,
    inject: (s) => s.store.fail("get", (k) => k === PATHS.current, storageSlow),
  },
  {
    name: "dataset connection dropped while the core streams it",
    step: "detect_drift",
    status: 503,
    inject: (s) => s.store.dropWhileReading((k) => k === PATHS.current),
  },
  {
    name: "report write: storage unreachable",
    step: "write_reports",
    status: 503,
    inject: (s) => s.store.fail("put", (k) => k.endsWith(".html"), storageDown),
  },
  {
    name: "report write: storage timeout",
    step: "write_reports",
    status: 504,
    inject: (s) => s.store.fail("put", (k) => k.endsWith(".json") && !k.includes("/runs/"), storageSlow),
  },
  answers("ids", "asset", 500, "db down"),
  answers("ids", "asset", 422, "bad"),
  { name: "IDS hangs", step: "update_ids", status: 504, inject: (s) => s.ids?.faults.fail("asset", { kind: "hang" }) },
  answers("airflow", "trigger", 500, "scheduler"),
  answers("airflow", "dag", 401, "Invalid credentials"),
  answers("airflow", "trigger", 403, "Forbidden"),
  {
    name: "Airflow hangs after creating the run",
    step: "trigger_retraining",
    status: 504,
    inject: (s) => s.airflow?.faults.fail("trigger", { kind: "hang" }, { afterCommit: true }),
    committed: true,
  },
  {
    name: "Airflow connection dropped",
    step: "trigger_retraining",
    status: 503,
    inject: (s) => s.airflow?.faults.fail("dag", { kind: "reset" }),
  },
  {
    name: "DAG paused",
    step: "trigger_retraining",
    status: 503,
    inject: (s) => {
      if (s.airflow) s.airflow.paused = true;
    },
    quotes: { is_paused: true },
  },
  {
    name: "archive copy fails",
    step: "archive_reference",
    status: 503,
    inject: (s) => s.store.fail("copy", (k) => k.startsWith(PATHS.history), storageDown),
  },
  {
    name: "archive copy differs from the reference (verification)",
    step: "archive_reference",
    status: 502,
    inject: (s) => s.store.corruptCopiesTo((k) => k.startsWith(PATHS.history)),
    archivedBeforeRetry: 1,
  },
  {
    name: "reference swap stores other bytes (verification; the archive is put back)",
    step: "replace_reference",
    status: 502,
    inject: (s) => s.store.corruptCopiesTo((k) => k === PATHS.reference),
    archivedBeforeRetry: 1,
  },
  {
    name: "reference replace fails",
    step: "replace_reference",
    status: 503,
    inject: (s) => s.store.fail("copy", (k) => k === PATHS.reference, storageDown),
    archivedBeforeRetry: 1,
  },
];

/** Failures before the verdict write nothing at all: no report, no run record (step 1 of the issue). */
const BEFORE_VERDICT = new Set(["read_data", "detect_drift"]);

let service: ServiceUnderTest;
afterEach(async () => {
  await service?.close();
});

describe("fault matrix: each step failing in turn, then a clean retry", () => {
  /** Every fault against Airflow 3; the Airflow faults against Airflow 2 as well. */
  const MATRIX = [
    ...FAULTS.map((fault) => ({ ...fault, airflow: 3 as const })),
    ...FAULTS.filter((fault) => fault.step === "trigger_retraining").map((fault) => ({ ...fault, airflow: 2 as const })),
  ];

  it.each(MATRIX)(
    "$name (Airflow $airflow) → $status at $step; reference untouched; retry ends with one DAG run and the swap",
    async (fault) => {
      service = await startDriftService({ airflow: fault.airflow });
      await service.seed(REFERENCE_CSV, DRIFTED_CSV);
      const before = await service.keys();
      fault.inject(service);

      const failed = await service.call("POST", "/api/drift/runs");

      expect(failed.status).toBe(fault.status);
      expect(failed.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(failed.body.step).toBe(fault.step);
      expect(failed.body.detail).toMatch(new RegExp(`^Step ${fault.step} failed: `));
      if (fault.quotes) expect(failed.body.upstream.body).toMatchObject(fault.quotes);
      expect(await service.read(PATHS.reference)).toBe(REFERENCE_CSV);
      expect(await service.keys(`${PATHS.history}/`)).toHaveLength(fault.archivedBeforeRetry ?? 0);
      const triggered = fault.committed || fault.step === "archive_reference" || fault.step === "replace_reference";
      expect(service.airflow?.runs.size).toBe(triggered ? 1 : 0);
      if (BEFORE_VERDICT.has(fault.step)) {
        expect(failed.body.run).toBeUndefined();
        expect(await service.keys()).toEqual(before);
      } else {
        expect(failed.body.run).toMatchObject({ status: "failed", error: { step: fault.step, status: fault.status } });
        const recorded = await service.call("GET", `/api/drift/runs/${failed.body.run_id}`);
        expect(recorded.body.status).toBe("failed");
        expect(recorded.body.steps.find((s: { name: string }) => s.name === fault.step).status).toBe("failed");
      }

      service.store.heal();
      service.airflow?.faults.clear();
      service.ids?.faults.clear();
      if (service.airflow) service.airflow.paused = false;
      const retried = await service.call("POST", "/api/drift/runs");

      expect(retried.status).toBe(201);
      expect(retried.body.message).toBe("Drift detected and retraining triggered");
      expect(retried.body.retraining).toBe("triggered");
      expect(retried.body.run.resumed_from).toBe(BEFORE_VERDICT.has(fault.step) ? undefined : failed.body.run_id);
      expect(service.airflow?.runs.size).toBe(1);
      expect(service.airflow?.violations).toEqual([]);
      expect(service.ids?.violations).toEqual([]);
      expect(service.ids?.assets).toHaveLength(1);
      expect(await service.read(PATHS.reference)).toBe(DRIFTED_CSV);
      // The archive is named by the reference's content: the retry finds or rewrites the failed run's copy, never adds one.
      expect(await service.keys(`${PATHS.history}/`)).toHaveLength(1);
      expect(await service.read(retried.body.run.archived_reference)).toBe(REFERENCE_CSV);
      // Reports are written once per dataset, not again by the retry (a report write that failed half way leaves its
      // first half behind: never overwritten, never served).
      const reports = await service.keys(`${PATHS.reports}/drift-report-`);
      expect(reports).toEqual(expect.arrayContaining([retried.body.run.reports.html, retried.body.run.reports.json]));
      if (fault.step !== "write_reports") expect(reports).toHaveLength(2);
    },
  );

  it("reuses what the failed run finished, naming it", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.store.fail("copy", (k) => k === PATHS.reference, storageDown);
    const failed = await service.call("POST", "/api/drift/runs");
    service.store.heal();

    const retried = await service.call("POST", "/api/drift/runs");

    const statuses = Object.fromEntries(retried.body.run.steps.map((s: { name: string; status: string }) => [s.name, s.status]));
    expect(statuses).toEqual({
      read_data: "succeeded",
      detect_drift: "succeeded",
      write_reports: "reused",
      update_ids: "reused",
      trigger_retraining: "reused",
      archive_reference: "reused",
      replace_reference: "succeeded",
    });
    expect(retried.body.run.reports).toEqual(failed.body.run.reports);
    expect(retried.body.run.archived_reference).toBe(failed.body.run.archived_reference);
  });

  it("a run cut short by a restart shows as interrupted, and the next call resumes it", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.ids?.faults.fail("asset", { kind: "status", status: 500 });
    const failed = await service.call("POST", "/api/drift/runs");
    // What a crash during update_ids leaves behind.
    await leaveRunningByDeadProcess(service, failed.body.run_id, 3, "update_ids");
    const owner = JSON.parse(await service.read(`${PATHS.reports}/runs/${failed.body.run_id}.json`)).owner;
    service.ids?.faults.clear();

    service = await service.restart();
    const shown = await service.call("GET", `/api/drift/runs/${failed.body.run_id}`);
    expect(shown.body.status).toBe("interrupted");
    expect(shown.body.message).toBe(
      `Interrupted: the process running it (pid ${process.pid} on ${owner.host}) stopped during update_ids; a call on the same data resumes it`,
    );
    const resumed = await service.call("POST", "/api/drift/runs");

    expect(resumed.status).toBe(201);
    expect(resumed.body.run.resumed_from).toBe(failed.body.run_id);
    expect(resumed.body.run.steps.find((s: { name: string }) => s.name === "update_ids").detail).toMatch(
      /had sent it too, without learning whether it arrived \(the IDS API cannot tell\), so it was posted again$/,
    );
    expect(service.airflow?.runs.size).toBe(1);
    expect(await service.read(PATHS.reference)).toBe(DRIFTED_CSV);
    const earlier = await service.call("GET", `/api/drift/runs/${failed.body.run_id}`);
    expect(earlier.body).toMatchObject({ status: "interrupted", finished_by: resumed.body.run_id });
    expect(earlier.body.message).toMatch(new RegExp(`; run ${resumed.body.run_id} resumed it and finished its work$`));
  });

  it("a swap whose restore fails too names where the intact old reference is", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    service.store.corruptCopiesTo((k) => k === PATHS.reference);
    service.store.corruptCopiesTo((k) => k === PATHS.reference);

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(502);
    expect(answer.body.step).toBe("replace_reference");
    const archived = answer.body.run.archived_reference;
    expect(answer.body.detail).toMatch(
      new RegExp(`restoring ${PATHS.reference} from ${archived} failed too .*: the old reference is intact at ${archived}$`),
    );
    expect(answer.body.run.message).toBe(
      `Drift detected; the run stopped at replace_reference and could not put the reference back: the old one is intact at ${archived}`,
    );
    expect(await service.read(archived)).toBe(REFERENCE_CSV);
  });

  it("refuses to swap in data that changed after it was analysed (409), leaving the reference as it was", async () => {
    service = await startDriftService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    // The archive step is where the run pauses long enough for an upload to land: simulate it there.
    const original = service.store.copy.bind(service.store);
    service.store.copy = async (source, destination, options) => {
      if (destination === PATHS.reference)
        await service.store.put(PATHS.current, "temperature,pressure,grade\n1,2,A\n", "text/csv");
      return original(source, destination, options);
    };

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(409);
    expect(answer.body.step).toBe("replace_reference");
    expect(await service.read(PATHS.reference)).toBe(REFERENCE_CSV);
  });
});
