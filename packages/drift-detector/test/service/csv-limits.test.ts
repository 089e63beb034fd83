import { afterEach, describe, expect, it } from "vitest";
import type { CsvLimitName } from "../../src/csv/limits.js";
import { REFERENCE_CSV } from "../support/datasets.js";
import { PATHS, type ServiceUnderTest, startDriftService } from "../support/drift-service.js";

let service: ServiceUnderTest;
afterEach(async () => {
  await service?.close();
});

const header = REFERENCE_CSV.slice(0, REFERENCE_CSV.indexOf("\n"));
const rows = REFERENCE_CSV.slice(header.length + 1)
  .trimEnd()
  .split("\n");

/** A crafted new batch per limit (small limits make small files), and where the refusal must point. */
const CASES: Array<{
  limit: CsvLimitName;
  value: number;
  variable: string;
  csv: string;
  row?: number;
  column?: string;
  step: string;
}> = [
  {
    limit: "recordChars",
    value: 200,
    variable: "CSV_MAX_RECORD_CHARS",
    csv: `${header}\n${rows[0]}\n${rows[1]}${"7".repeat(300)}\n`,
    row: 3,
    step: "detect_drift",
  },
  {
    limit: "columns",
    value: 3,
    variable: "CSV_MAX_COLUMNS",
    csv: `${header},extra\n${rows.map((row) => `${row},1`).join("\n")}\n`,
    row: 1,
    step: "detect_drift",
  },
  {
    limit: "distinctLabels",
    value: 50,
    variable: "CSV_MAX_DISTINCT_LABELS",
    csv: `${header}\n${rows.map((row, i) => row.replace(/[^,]*$/, `batch-${i}`)).join("\n")}\n`,
    row: 52,
    column: header.split(",").at(-1) as string,
    step: "detect_drift",
  },
  {
    limit: "fileBytes",
    value: REFERENCE_CSV.length + 10,
    variable: "CSV_MAX_FILE_BYTES",
    csv: `${REFERENCE_CSV}${REFERENCE_CSV.slice(header.length + 1)}`,
    step: "read_data",
  },
];

describe("CSV limits in the service: 422 invalid-csv naming file, row, column, limit and variable; nothing changes", () => {
  it.each(CASES)("$variable", async ({ limit, value, variable, csv, row, column, step }) => {
    service = await startDriftService({ csvLimits: { [limit]: value } });
    await service.seed(REFERENCE_CSV, csv);
    const before = await service.keys();

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      type: "urn:clarus:problem:invalid-csv",
      step,
      file: `${service.store.location}/${PATHS.current}`,
      limit: { name: limit, value, setting: variable },
    });
    expect(answer.body.row).toBe(row);
    expect(answer.body.column).toBe(column);
    expect(answer.body.detail).toContain(`more than the limit of ${value.toLocaleString("en-US")}`);
    expect(answer.body.detail).toContain(`raise it with ${variable}`);
    // Refused before the core ran when the size alone says so.
    if (limit === "fileBytes") expect(service.detections()).toBe(0);
    expect(await service.keys()).toEqual(before);
    expect(await service.read(PATHS.reference)).toBe(REFERENCE_CSV);
    expect(service.airflow?.runs.size).toBe(0);
    expect(service.ids?.assets).toEqual([]);
  });
});
