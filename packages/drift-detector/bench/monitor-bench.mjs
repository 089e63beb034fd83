#!/usr/bin/env node
// Trigger-to-verdict latency of the built detector (dist/main.js) on s3rver, and its memory with many experiments:
//   pnpm bench:monitor                      (ROWS=65536 REPEATS=5 by default)
// - event: a 64k-row batch is put into s3rver, MinIO's webhook body is posted, and the clock stops when the run record
//   with that batch's verdict can be read from the API;
// - poll: the new-data object is overwritten and the clock stops at its verdict (poll_seconds 5: up to 5 s of waiting);
// - baseline, same process and data: POST /api/experiments/{id}/runs?wait=true, the run alone;
// - memory: resident set size of the idle process with 1 and with 20 experiments configured (each polling).
// Prints median, min and max of each. The machine is shared: figures move with its load; ratios to the baseline less.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "minio";
import S3rver from "s3rver";
import { writeWineLike } from "./wine-like-data.mjs";

const ROWS = Number(process.env.ROWS ?? 65_536);
const REPEATS = Number(process.env.REPEATS ?? 5);
const BUCKET = "bench";
const TOKEN = "monitor-bench-webhook-token";
const MAIN = new URL("../dist/main.js", import.meta.url).pathname;

const folder = mkdtempSync(join(tmpdir(), "monitor-bench-"));
const s3dir = join(folder, "s3");
const s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: s3dir, configureBuckets: [{ name: BUCKET }] });
const { port: s3port } = await s3.run();
const client = new Client({
  endPoint: "127.0.0.1",
  port: s3port,
  useSSL: false,
  accessKey: "S3RVER",
  secretKey: "S3RVER",
  pathStyle: true,
});

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function startDetector(experimentsYaml) {
  const file = join(folder, `experiments-${Date.now()}.yaml`);
  writeFileSync(file, experimentsYaml);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      LOG_LEVEL: "warn",
      EXPERIMENTS_FILE: file,
      MINIO_IP: "127.0.0.1",
      MINIO_PORT: String(s3port),
      MINIO_USER: "S3RVER",
      MINIO_PASSWORD: "S3RVER",
      MINIO_BUCKET: BUCKET,
      DATA_DIR: join(folder, "data"),
      DRIFT_TEMP_DIR: folder,
      MINIO_WEBHOOK_TOKEN: TOKEN,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`${base}/api/ping`)).ok) break;
    } catch {}
    if (tries > 300) throw new Error("the detector did not start");
    await sleep(100);
  }
  createInterface({ input: child.stdout }).on("line", () => {});
  return { child, base };
}

async function putFile(key, path) {
  await client.fPutObject(BUCKET, key, path, { "Content-Type": "text/csv" });
  return client.statObject(BUCKET, key);
}

async function verdictOf(base, experiment, predicate) {
  for (;;) {
    const page = await (await fetch(`${base}/api/experiments/${experiment}/runs?limit=5`)).json();
    const run = page.runs.find(predicate);
    if (run && run.status !== "running") return run;
    await sleep(25);
  }
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${median.toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)}, n=${sorted.length})`;
};

const rssMiB = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return Number(line?.[1] ?? 0) / 1024;
};

try {
  const reference = join(folder, "reference.csv");
  await writeWineLike(reference, { rows: ROWS, seed: 1, shifted: false });
  const batches = [];
  for (let index = 0; index < REPEATS; index++) {
    const path = join(folder, `batch-${index}.csv`);
    await writeWineLike(path, { rows: ROWS, seed: 100 + index, shifted: false });
    batches.push(path);
  }
  await putFile("evt/reference.csv", reference);
  await putFile("poll/reference.csv", reference);
  await putFile("sync/reference.csv", reference);
  const { child, base } = await startDetector(`experiments:
  - { id: evt, reference: evt/reference.csv, batch_prefix: evt/batches, reports: evt/reports, ids: false }
  - { id: polled, reference: poll/reference.csv, new_data: poll/new.csv, reports: poll/reports, ids: false, triggers: { poll_seconds: 5, events: false } }
  - { id: sync, reference: sync/reference.csv, new_data: sync/new.csv, reports: sync/reports, ids: false, triggers: { events: false } }
`);
  try {
    const baseline = [];
    const event = [];
    const poll = [];
    for (const [index, path] of batches.entries()) {
      await putFile("sync/new.csv", path);
      let started = performance.now();
      const answer = await fetch(`${base}/api/experiments/sync/runs?wait=true`, { method: "POST" });
      if (answer.status !== 201) throw new Error(`sync run answered ${answer.status}`);
      baseline.push(performance.now() - started);

      const key = `evt/batches/b${index}.csv`;
      const info = await putFile(key, path);
      started = performance.now();
      const posted = await fetch(`${base}/api/events/minio`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          EventName: "s3:ObjectCreated:Put",
          Key: `${BUCKET}/${key}`,
          Records: [
            {
              eventName: "s3:ObjectCreated:Put",
              s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key), eTag: info.etag, size: info.size } },
            },
          ],
        }),
      });
      if (posted.status !== 202) throw new Error(`event answered ${posted.status}`);
      const run = await verdictOf(base, "evt", (candidate) => candidate.current.path === key);
      if (run.status !== "no_drift" && run.status !== "completed") throw new Error(`event run ${run.status}`);
      event.push(performance.now() - started);

      const polled = await putFile("poll/new.csv", path);
      started = performance.now();
      const judged = await verdictOf(base, "polled", (run) => run.current.etag === polled.etag && run.status !== "unchanged");
      if (judged.status !== "no_drift" && judged.status !== "completed") throw new Error(`polled run ${judged.status}`);
      poll.push(performance.now() - started);
    }
    console.log(
      `trigger-to-verdict, ${ROWS} rows x 12 columns (${(readFileSync(batches[0]).length / 1e6).toFixed(1)} MB per batch), s3rver:`,
    );
    console.log(`  run alone (POST ?wait=true): ${stats(baseline)}`);
    console.log(`  MinIO event                : ${stats(event)}`);
    console.log(`  poll (poll_seconds 5)      : ${stats(poll)}`);
  } finally {
    child.kill("SIGTERM");
  }

  const experiments = (count) =>
    `experiments:\n${Array.from(
      { length: count },
      (_, index) =>
        `  - { id: line_${index}, reference: m${index}/reference.csv, new_data: m${index}/new.csv, reports: m${index}/reports, ids: false, triggers: { poll_seconds: 60 } }`,
    ).join("\n")}\n`;
  for (const count of [1, 20]) {
    const samples = [];
    for (let repeat = 0; repeat < 3; repeat++) {
      const detector = await startDetector(experiments(count));
      await sleep(3_000);
      await fetch(`${detector.base}/metrics`);
      await fetch(`${detector.base}/api/experiments`);
      samples.push(rssMiB(detector.child.pid));
      detector.child.kill("SIGTERM");
      await sleep(500);
    }
    samples.sort((a, b) => a - b);
    console.log(
      `memory, idle with ${String(count).padStart(2)} experiment(s): RSS median ${samples[1].toFixed(1)} MiB (min ${samples[0].toFixed(1)}, max ${samples[2].toFixed(1)})`,
    );
  }
} finally {
  await s3.close();
  rmSync(folder, { recursive: true, force: true });
}
