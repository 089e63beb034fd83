// POST /api/events/minio with MinIO's webhook bodies (test/fixtures/minio-events): each test really puts the object into
// s3rver, then posts the event MinIO would send for it. Duplicates, removals and unknown keys change nothing; bad
// tokens and bodies are refused before anything is queued; 50 events at once are 50 runs, one at a time.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ObjectInfo } from "../../src/adapters/storage/object-store.js";
import { REFERENCE_CSV, SAME_POPULATION_CSV } from "../support/datasets.js";
import { type ExperimentsService, startExperimentsService, WEBHOOK_TOKEN } from "../support/experiments-service.js";
import { type RunningS3rver, startS3rver } from "../support/s3rver.js";

const BUCKET = "events-bucket";
const FILE = `
experiments:
  - id: batches
    bucket: ${BUCKET}
    reference: line/reference.csv
    batch_prefix: line/batches/
    reports: line/reports
  - id: single
    bucket: ${BUCKET}
    reference: single/reference.csv
    new_data: single/new.csv
    reports: single/reports
  - id: quiet
    bucket: ${BUCKET}
    reference: quiet/reference.csv
    new_data: quiet/new.csv
    reports: quiet/reports
    triggers: { events: false }
`;

type Fixture = { Records: Array<{ s3: { bucket: { name: string }; object: Record<string, unknown> } }> } & Record<
  string,
  unknown
>;
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/minio-events/${name}.json`, import.meta.url), "utf8")) as Fixture;

/** The event MinIO sends for this object: the recorded body with the object's bucket, key, size and ETag. */
function eventFor(name: string, object: ObjectInfo, bucket = BUCKET): Fixture {
  const event = fixture(name);
  event.Key = `${bucket}/${object.key}`;
  const record = event.Records[0] as Fixture["Records"][number];
  record.s3.bucket.name = bucket;
  record.s3.object.key = encodeURIComponent(object.key);
  if ("eTag" in record.s3.object) {
    record.s3.object.eTag = object.etag;
    record.s3.object.size = object.size;
  }
  return event;
}

let s3: RunningS3rver;
let service: ExperimentsService | undefined;

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(async () => {
  await s3?.stop();
});

async function start(): Promise<ExperimentsService> {
  service = await startExperimentsService({ file: FILE, s3 });
  const store = service.storeFor(BUCKET);
  for (const folder of ["line", "single", "quiet"]) {
    for (const object of await store.list(`${folder}/`)) await store.remove(object.key);
    await store.put(`${folder}/reference.csv`, REFERENCE_CSV, "text/csv");
  }
  return service;
}

const post = (svc: ExperimentsService, body: unknown, bearer: string | undefined = WEBHOOK_TOKEN) =>
  svc.call("POST", "/api/events/minio", { body, ...(bearer ? { bearer } : {}) });

async function runsOf(svc: ExperimentsService, id: string) {
  return (await svc.call("GET", `/api/experiments/${id}/runs?limit=100`)).body.runs as Array<{
    id: string;
    status: string;
    current: { path: string; etag: string };
  }>;
}

describe("MinIO bucket notifications", () => {
  it("a batch put into s3rver, then its event: one run of that batch; the same event again changes nothing", async () => {
    const svc = await start();
    const batch = await svc.storeFor(BUCKET).put("line/batches/2026-12-05T10-00.csv", SAME_POPULATION_CSV, "text/csv");
    const event = eventFor("put-object", batch);
    expect(event.Records[0]?.s3.object.key).toBe("line%2Fbatches%2F2026-12-05T10-00.csv");

    const first = await post(svc, event);
    expect(first.status).toBe(202);
    expect(first.body.queued).toEqual([
      expect.objectContaining({ experiment_id: "batches", source: "event", object: batch.key, etag: batch.etag }),
    ]);
    // While it waits or runs, a second delivery is a duplicate.
    const again = await post(svc, event);
    expect(again.status).toBe(200);
    expect(again.body.ignored[0].reason).toMatch(/already (queued|judged)/);
    await svc.registry.idle();
    const runs = await runsOf(svc, "batches");
    expect(runs).toEqual([
      expect.objectContaining({ status: "no_drift", current: expect.objectContaining({ path: batch.key }) }),
    ]);

    // Delivered again after the run: judged with this ETag, nothing queued, nothing run.
    const late = await post(svc, event);
    expect(late.status).toBe(200);
    expect(late.body.ignored).toEqual([
      { object: batch.key, experiment_id: "batches", reason: `already judged with this ETag by run ${runs[0]?.id}` },
    ]);
    await svc.registry.idle();
    expect(await runsOf(svc, "batches")).toHaveLength(1);
    expect(svc.detections.get("batches")).toBe(1);
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/drift_triggers_total\{experiment="batches",source="event",service="clarus drift detector"\} 1\n/);
  });

  it("the new-data path overwritten (multipart upload): a run of the path experiment only", async () => {
    const svc = await start();
    const object = await svc.storeFor(BUCKET).put("single/new.csv", SAME_POPULATION_CSV, "text/csv");
    const answer = await post(svc, eventFor("complete-multipart", object));
    expect(answer.status).toBe(202);
    expect(answer.body.queued.map((t: { experiment_id: string }) => t.experiment_id)).toEqual(["single"]);
    await svc.registry.idle();
    expect((await runsOf(svc, "single")).map((run) => run.current.path)).toEqual(["single/new.csv"]);
    expect(await runsOf(svc, "batches")).toEqual([]);
  });

  it("removals, keys no experiment watches and experiments without events start nothing", async () => {
    const svc = await start();
    const store = svc.storeFor(BUCKET);
    const batch = await store.put("line/batches/gone.csv", SAME_POPULATION_CSV, "text/csv");
    await store.remove(batch.key);
    const removal = await post(svc, eventFor("remove-object", batch));
    expect(removal.status).toBe(200);
    expect(removal.body).toEqual({
      queued: [],
      ignored: [{ object: `${BUCKET}/line/batches/gone.csv`, reason: "s3:ObjectRemoved:Delete does not bring new data" }],
    });
    const elsewhere = await store.put("line/notes.txt", "not data", "text/plain");
    expect((await post(svc, eventFor("put-object", elsewhere))).body.ignored[0].reason).toBe("no experiment watches this object");
    const otherBucket = await post(svc, eventFor("put-object", batch, "another-bucket"));
    expect(otherBucket.body.ignored[0].reason).toBe("no experiment watches this object");
    const quiet = await store.put("quiet/new.csv", SAME_POPULATION_CSV, "text/csv");
    expect((await post(svc, eventFor("put-object", quiet))).body.ignored[0].reason).toBe(
      "the experiments watching it have triggers.events: false",
    );
    expect(svc.registry.queue.pending()).toEqual([]);
    expect((await store.list("line/reports/")).map((o) => o.key)).toEqual([]);
  });

  it("refuses a missing or wrong token (401) and a body that is not an event (400), queuing and writing nothing", async () => {
    const svc = await start();
    const store = svc.storeFor(BUCKET);
    const batch = await store.put("line/batches/b.csv", SAME_POPULATION_CSV, "text/csv");
    const event = eventFor("put-object", batch);

    const none = await post(svc, event, "");
    expect(none.status).toBe(401);
    expect(none.body.detail).toBe("This route needs the header Authorization: Bearer <MINIO_WEBHOOK_TOKEN>.");
    const wrong = await post(svc, event, "not-the-token-at-all");
    expect(wrong.status).toBe(401);

    const malformed = await svc.call("POST", "/api/events/minio", { body: "{not json", bearer: WEBHOOK_TOKEN });
    expect(malformed.status).toBe(400);
    const noRecords = await post(svc, { EventName: "s3:ObjectCreated:Put", Key: "x" });
    expect(noRecords.status).toBe(400);
    expect(noRecords.body.errors).toEqual([expect.objectContaining({ location: "body", field: "Records" })]);
    const noKey = await post(svc, {
      Records: [{ eventName: "s3:ObjectCreated:Put", s3: { bucket: { name: BUCKET }, object: {} } }],
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0].field).toBe("Records.0.s3.object.key");
    const badKey = await post(svc, {
      Records: [
        { eventName: "s3:ObjectCreated:Put", s3: { bucket: { name: BUCKET }, object: { key: "line%2Fbatches%ZZ", eTag: "x" } } },
      ],
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors[0].field).toBe("Records.0.s3.object.key");

    expect(svc.registry.queue.pending()).toEqual([]);
    expect((await store.list("line/reports/")).map((o) => o.key)).toEqual([]);
    expect(svc.detections.size).toBe(0);
  });

  it("50 events in one second: 50 queued runs, one at a time, each batch judged once, oldest accepted first", async () => {
    const svc = await start();
    const store = svc.storeFor(BUCKET);
    const batches: ObjectInfo[] = [];
    for (let index = 0; index < 50; index++)
      batches.push(await store.put(`line/batches/b${String(index).padStart(2, "0")}.csv`, SAME_POPULATION_CSV, "text/csv"));
    const release = svc.holdDetections();
    const answers = await Promise.all(batches.map((batch) => post(svc, eventFor("put-object", batch))));
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(202));
    const accepted = answers
      .map((answer) => answer.body.queued[0] as { id: string; object: string })
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((trigger) => trigger.object);
    // Accepted means journaled: every trigger is in the experiment's queue folder before its run.
    expect((await store.list("line/reports/queue/")).length).toBeGreaterThanOrEqual(49);
    expect(svc.registry.queue.pending("batches")).toHaveLength(50);
    release();
    await svc.registry.idle();
    const runs = await runsOf(svc, "batches");
    expect(runs).toHaveLength(50);
    // The first accepted to reach the journal starts at once; the others run in acceptance (trigger id) order.
    const [first, ...rest] = runs.map((run) => run.current.path).reverse();
    expect(rest).toEqual(accepted.filter((object) => object !== first));
    expect(svc.detections.get("batches")).toBe(50);
    expect(svc.maxParallelDetections()).toBe(1);
    expect(await store.list("line/reports/queue/")).toEqual([]);
  }, 120_000);
});
