// The queue survives kill -9: the built detector (dist/main.js, EXPERIMENTS_FILE, s3rver) accepts a trigger while its
// one run slot is taken by a run hung on the IDS provider, is killed with SIGKILL, and after the restart runs the
// accepted trigger, and the interrupted one too.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../node-agent/test/support/free-port.js";
import { buildPackage, PACKAGE_DIR } from "../support/build-package.js";
import { DRIFTED_CSV, REFERENCE_CSV, SAME_POPULATION_CSV } from "../support/datasets.js";
import { FAST_POLICY } from "../support/drift-service.js";
import { type FakeIdsProvider, startFakeIdsProvider } from "../support/fake-ids-provider.js";
import { type RunningS3rver, s3StoreOn, startS3rver } from "../support/s3rver.js";

const BUCKET = "restart-bucket";
const TOKEN = "restart-test-webhook-token";
const EXPERIMENTS = `
experiments:
  - id: slow_line
    reference: slow/reference.csv
    new_data: slow/new.csv
    reports: slow/reports
  - id: waiting_line
    reference: wait/reference.csv
    batch_prefix: wait/batches/
    reports: wait/reports
    ids: false
`;

let s3: RunningS3rver;
let ids: FakeIdsProvider;
let folder: string;

beforeAll(async () => {
  buildPackage();
  s3 = await startS3rver([BUCKET]);
  ids = await startFakeIdsProvider();
  folder = mkdtempSync(join(tmpdir(), "drift-restart-"));
  writeFileSync(join(folder, "experiments.yaml"), EXPERIMENTS);
});
afterAll(async () => {
  await ids?.close();
  await s3?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function startDetector(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(PACKAGE_DIR, "dist", "main.js")], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      LOG_LEVEL: "info",
      EXPERIMENTS_FILE: join(folder, "experiments.yaml"),
      MINIO_IP: "127.0.0.1",
      MINIO_PORT: String(s3.port),
      MINIO_USER: s3.accessKey,
      MINIO_PASSWORD: s3.secretKey,
      MINIO_BUCKET: BUCKET,
      DATA_DIR: join(folder, "data"),
      DRIFT_TEMP_DIR: folder,
      IDS_PROVIDER_IP: "127.0.0.1",
      IDS_PROVIDER_PORT: String(ids.port),
      UPSTREAM_TIMEOUT_MS: "600000",
      UPSTREAM_RETRIES: "0",
      MINIO_WEBHOOK_TOKEN: TOKEN,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess["stdout"]> });
    lines.on("line", (line) => {
      if (line.includes('"msg":"drift detector listening"')) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the detector exited with ${code} before listening`)));
  });
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe("the trigger queue across kill -9", () => {
  it("runs a trigger accepted before the kill once the detector is back", async () => {
    const store = s3StoreOn(s3, BUCKET, FAST_POLICY);
    await store.put("slow/reference.csv", REFERENCE_CSV, "text/csv");
    const slowData = await store.put("slow/new.csv", DRIFTED_CSV, "text/csv");
    await store.put("wait/reference.csv", REFERENCE_CSV, "text/csv");
    const batch = await store.put("wait/batches/2026-12-05T10-00.csv", SAME_POPULATION_CSV, "text/csv");
    const event = (key: string, etag: string) => ({
      EventName: "s3:ObjectCreated:Put",
      Key: `${BUCKET}/${key}`,
      Records: [
        {
          eventName: "s3:ObjectCreated:Put",
          s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key), eTag: etag, size: 1 } },
        },
      ],
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const post = (body: unknown) =>
      fetch(`${base}/api/events/minio`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const getJson = async (path: string) => (await fetch(`${base}${path}`)).json();

    // The IDS provider hangs: the slow line's run holds the only run slot at update_ids.
    ids.faults.fail("asset", { kind: "hang" });
    let detector = await startDetector(port);
    try {
      expect((await post(event("slow/new.csv", slowData.etag))).status).toBe(202);
      await until("the slow run to hang at update_ids", async () => {
        const runs = await getJson("/api/experiments/slow_line/runs");
        return runs.runs[0]?.status === "running" ? true : undefined;
      });
      const accepted = await post(event(batch.key, batch.etag));
      expect(accepted.status).toBe(202);
      const trigger = (await accepted.json()).queued[0];
      expect(trigger).toMatchObject({ experiment_id: "waiting_line", object: batch.key });
      const waiting = await getJson("/api/experiments/waiting_line");
      expect(waiting.queue).toMatchObject({ running: false, waiting: 1 });
      expect((await store.list("wait/reports/queue/")).map((o) => o.key)).toEqual([`wait/reports/queue/${trigger.id}.json`]);

      detector.kill("SIGKILL");
      await new Promise((resolve) => detector.once("exit", resolve));
      expect((await store.list("wait/reports/runs/")).length).toBe(0);

      ids.faults.clear();
      detector = await startDetector(port);
      const runs = await until("the accepted trigger's run after the restart", async () => {
        const page = await getJson("/api/experiments/waiting_line/runs");
        return page.runs.length === 1 && page.queued.length === 0 ? page.runs : undefined;
      });
      expect(runs[0]).toMatchObject({ experiment_id: "waiting_line", status: "no_drift", current: { path: batch.key } });
      expect(await store.list("wait/reports/queue/")).toEqual([]);

      // The slow line's trigger was journaled too: its run comes back and finishes, resuming the interrupted one.
      const slow = await until("the slow line's run to finish", async () => {
        const page = await getJson("/api/experiments/slow_line/runs");
        return page.runs.some((run: { status: string }) => run.status === "completed") && page.queued.length === 0
          ? page.runs
          : undefined;
      });
      expect(slow.map((run: { status: string }) => run.status)).toEqual(["completed", "interrupted"]);
      expect(await store.list("slow/reports/queue/")).toEqual([]);
    } finally {
      detector.kill("SIGKILL");
    }
  }, 180_000);
});
