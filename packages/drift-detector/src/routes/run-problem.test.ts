import { UpstreamError } from "@clarus/common";
import { describe, expect, test } from "vitest";
import { ObjectNotFoundError } from "../adapters/storage/errors.js";
import { CsvFormatError } from "../csv/errors.js";
import { DriftOptionsError } from "../drift/options-error.js";
import { RunFailure } from "../pipeline/run-failure.js";
import { runProblem } from "./run-problem.js";

describe("a failed run as a problem answer", () => {
  test("each cause has its own type: missing dataset, unreadable CSV, options that do not fit the data", () => {
    const missing = runProblem(new RunFailure("read_data", new ObjectNotFoundError("data", "new.csv")));
    expect(missing).toMatchObject({ status: 404, type: "urn:clarus:problem:dataset-not-found" });
    expect(missing.extensions).toMatchObject({ step: "read_data", bucket: "data", path: "new.csv" });

    const csv = runProblem(new RunFailure("read_data", new CsvFormatError("new.csv", "row 3 has 2 fields", { row: 3 })));
    expect(csv).toMatchObject({ status: 422, type: "urn:clarus:problem:invalid-csv" });
    expect(csv.extensions).toMatchObject({ file: "new.csv", row: 3 });

    const options = runProblem(new RunFailure("detect_drift", new DriftOptionsError('test "ks" cannot compare column "grade"')));
    expect(options).toMatchObject({ status: 422, type: "urn:clarus:problem:invalid-drift-options" });
    expect(options.message).toBe('test "ks" cannot compare column "grade"');
  });

  test("an upstream failure names the step and quotes the upstream as service, failure, status and body", () => {
    const cause = new UpstreamError("airflow", "rejected", "Airflow answered 500", { status: 500, body: { detail: "db down" } });
    const problem = runProblem(new RunFailure("trigger_retraining", cause));
    expect(problem).toMatchObject({ status: 502, type: "urn:clarus:problem:trigger-retraining-failed" });
    expect(problem.message).toBe("Step trigger_retraining failed: Airflow answered 500");
    expect(problem.extensions.upstream).toEqual({
      service: "airflow",
      failure: "rejected",
      status: 500,
      body: { detail: "db down" },
    });
  });

  test("quotes a long upstream answer in a bounded way, in the problem's upstream body", () => {
    const failure = new UpstreamError("ids", "rejected", "IDS provider answered HTTP 400", {
      status: 400,
      body: { detail: "z".repeat(100_000) },
      transient: false,
    });
    const problem = runProblem(new RunFailure("update_ids", failure)).toBody();
    const body = (problem.upstream as { body: unknown }).body;
    expect(typeof body).toBe("string");
    expect((body as string).length).toBeLessThan(600);
    expect(body).toMatch(/… \(\d+ more characters\)$/);
    expect(JSON.stringify(problem).length).toBeLessThan(2000);
  });

  test("keeps a short upstream answer as the upstream sent it", () => {
    const failure = new UpstreamError("airflow", "rejected", "Airflow answered HTTP 409", {
      status: 409,
      body: { detail: "DAG run exists" },
      transient: false,
    });
    const problem = runProblem(new RunFailure("trigger_retraining", failure)).toBody();
    expect((problem.upstream as { body: unknown }).body).toEqual({ detail: "DAG run exists" });
  });
});
