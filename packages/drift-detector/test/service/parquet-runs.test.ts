// Parquet objects in S3 (s3rver): the service reads them through a scratch folder it removes after every run, gives
// the verdict the same data in CSV gives, and refuses a bad file with 422 naming file and column, changing nothing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TempScratchSpace } from "../../src/adapters/scratch/temp-scratch-space.js";
import { DRIFTED_CSV, REFERENCE_CSV } from "../support/datasets.js";
import { FAST_POLICY, PATHS, type ServiceUnderTest, startDriftService } from "../support/drift-service.js";
import { duckdb, sqlPath } from "../support/duckdb-parquet.js";
import { type RunningS3rver, s3StoreOn, startS3rver } from "../support/s3rver.js";

let s3: RunningS3rver;
let service: ServiceUnderTest;
const work = mkdtempSync(join(tmpdir(), "clarus-drift-parquet-service-"));
const scratchParent = join(work, "scratch");
const parquet: Record<string, Buffer> = {};

beforeAll(async () => {
  s3 = await startS3rver(["parquet-1", "parquet-2", "parquet-3"]);
  mkdirSync(scratchParent);
  writeFileSync(join(work, "reference.csv"), REFERENCE_CSV);
  writeFileSync(join(work, "drifted.csv"), DRIFTED_CSV);
  const copy = (csv: string, file: string) =>
    `COPY (SELECT * FROM read_csv(${sqlPath(join(work, csv))})) TO ${sqlPath(join(work, file))} (FORMAT parquet, ROW_GROUP_SIZE 100)`;
  await duckdb(copy("reference.csv", "reference.parquet"), copy("drifted.csv", "drifted.parquet"));
  for (const name of ["reference", "drifted"]) parquet[name] = readFileSync(join(work, `${name}.parquet`));
}, 120_000);
afterEach(async () => {
  await service?.close();
});
afterAll(async () => {
  await s3?.stop();
  rmSync(work, { recursive: true, force: true });
});

let bucket = 0;
async function parquetService(): Promise<ServiceUnderTest> {
  bucket += 1;
  const store = s3StoreOn(s3, `parquet-${bucket}`, FAST_POLICY);
  return startDriftService({ store, engine: { scratchSpace: () => new TempScratchSpace(scratchParent) } });
}

describe("Parquet objects in the service", () => {
  it("finds the drift the same data in CSV shows, and leaves no scratch file behind", async () => {
    service = await parquetService();
    await service.seed(parquet.reference as Buffer, parquet.drifted as Buffer);
    const fromParquet = await service.call("POST", "/api/drift/runs");
    expect(fromParquet.status).toBe(201);
    expect(readdirSync(scratchParent)).toEqual([]);

    await service.close();
    service = await parquetService();
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    const fromCsv = await service.call("POST", "/api/drift/runs");
    expect(fromParquet.body.run.drift).toEqual(fromCsv.body.run.drift);
    expect(fromParquet.body.run.drift).toMatchObject({ drift_detected: true, rows_reference: expect.any(Number) });
  });

  it("answers 422 naming the file and the column of a bad Parquet object; nothing is written", async () => {
    service = await parquetService();
    const damaged = Buffer.from(parquet.reference as Buffer);
    damaged.fill(0xff, 100, 2000);
    await service.seed(REFERENCE_CSV, damaged);
    const before = await service.keys();

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ type: "urn:clarus:problem:invalid-csv", step: "detect_drift" });
    expect(answer.body.file).toContain(PATHS.current);
    expect(answer.body.column).toEqual(expect.any(String));
    expect(answer.body.detail).toMatch(/cannot read this column/);
    expect(await service.keys()).toEqual(before);
    expect(readdirSync(scratchParent)).toEqual([]);
  });
});
