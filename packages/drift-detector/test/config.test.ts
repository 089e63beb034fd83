import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { ConfigError } from "@clarus/common";
import { beforeAll, describe, expect, it } from "vitest";
import { loadServiceConfig } from "../src/config.js";
import { buildPackage, PACKAGE_DIR } from "./support/build-package.js";

/** One problem per rule kind: range, naming, path, cross-variable, host syntax, number parsing. */
const BAD_ENV = {
  PORT: "99999",
  MINIO_IP: "127.0.0.1",
  MINIO_BUCKET: "Bad_Bucket",
  MINIO_REF_DATA: "a/../b.csv",
  AIRFLOW_IP: "http://127.0.0.1/",
  AIRFLOW_USER: "admin",
  IDS_PROVIDER_IP: "127.0.0.1",
  UPSTREAM_RETRIES: "many",
  DRIFT_SHARE: "2",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadServiceConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("configuration was accepted");
}

describe("service configuration", () => {
  it("starts with no environment at all: local folder storage, Airflow and IDS not configured", () => {
    const config = loadServiceConfig({});
    expect(config).toMatchObject({
      port: 5000,
      storage: { kind: "local", dataDir: resolve("data") },
      bucket: "datasets",
      referencePath: "uc_wine/winequality-red.csv",
      newDataPath: "uc_wine/winequality-red-new.csv",
      reportPath: "uc_wine/reports",
      historyPath: "uc_wine/history",
      experimentId: "Clarus_RedWine_experiment",
      airflow: undefined,
      ids: undefined,
      outbound: { timeoutMs: 10_000, retries: 3, retryDelayMs: 500 },
      drift: { drift_share: 0.5 },
    });
  });

  it("reads the seed's variables", () => {
    const config = loadServiceConfig({
      AIRFLOW_IP: "127.0.0.1",
      AIRFLOW_PORT: "8085",
      ID_AIRFLOW_DAG: "retrain",
      AIRFLOW_USER: "admin",
      AIRFLOW_PASSWORD: "pw",
      MINIO_IP: "127.0.0.1",
      MINIO_PORT: "9100",
      MINIO_USER: "minio",
      MINIO_PASSWORD: "minio123",
      MINIO_BUCKET: "clarus",
      MINIO_REF_DATA: "/uc/ref.csv",
      MINIO_NEW_DATA: "uc/new.csv",
      MINIO_REPORT_PATH: "uc/reports/",
      EXPERIMENT_ID: "UC05",
      IDS_PROVIDER_IP: "127.0.0.1",
      IDS_PROVIDER_PORT: "8082",
      DRIFT_SHARE: "0.3",
    });
    expect(config).toMatchObject({
      storage: { kind: "s3", endPoint: "127.0.0.1", port: 9100, useSSL: false, accessKey: "minio", secretKey: "minio123" },
      bucket: "clarus",
      referencePath: "uc/ref.csv",
      reportPath: "uc/reports",
      historyPath: "uc/history",
      airflow: { baseUrl: "http://127.0.0.1:8085", dagId: "retrain", credentials: { username: "admin", password: "pw" } },
      ids: { baseUrl: "http://127.0.0.1:8082", storageEndpoint: "127.0.0.1:9100" },
      drift: { drift_share: 0.3 },
    });
  });

  it("lists every problem at once", () => {
    const problems = problemsOf(BAD_ENV);
    expect(problems).toEqual(
      expect.arrayContaining([
        "PORT: must be 1-65535",
        "MINIO_BUCKET: must be a valid S3 bucket name (3-63 of a-z 0-9 . -)",
        "MINIO_REF_DATA: must not contain . or .. segments",
        "DRIFT_SHARE: must be at most 1",
        "MINIO_USER: required when MINIO_IP is set",
        "MINIO_PASSWORD: required when MINIO_IP is set",
        "ID_AIRFLOW_DAG: required when AIRFLOW_IP is set",
        "IDS_PROVIDER_PORT: required when IDS_PROVIDER_IP is set",
        "AIRFLOW_PASSWORD: AIRFLOW_USER and AIRFLOW_PASSWORD go together",
        "AIRFLOW_IP: must be a host name or IP address, without scheme or path",
      ]),
    );
    expect(problems.some((p) => p.startsWith("UPSTREAM_RETRIES:"))).toBe(true);
    expect(problems).toHaveLength(11);
  });

  it("validates the drift options file with the core's schema", () => {
    const dir = mkdtempSync(join(tmpdir(), "drift-config-"));
    try {
      const file = join(dir, "drift.json");
      writeFileSync(file, JSON.stringify({ drift_share: 0.4, stattest: "ks", num_stattest_threshold: 0.01 }));
      expect(loadServiceConfig({ DRIFT_CONFIG_FILE: file }).drift).toMatchObject({ drift_share: 0.4, stattest: "ks" });
      writeFileSync(file, JSON.stringify({ stattest: "t-test", unknown_key: 1 }));
      const problems = problemsOf({ DRIFT_CONFIG_FILE: file });
      expect(problems.some((p) => p.startsWith("DRIFT_CONFIG_FILE: stattest:"))).toBe(true);
      expect(problems.some((p) => p.includes("unknown_key"))).toBe(true);
      expect(problemsOf({ DRIFT_CONFIG_FILE: join(dir, "absent.json") })[0]).toMatch(
        /^DRIFT_CONFIG_FILE: cannot read .*absent\.json as JSON/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("listens on loopback by default; elsewhere it needs DRIFT_API_TOKEN or the explicit opt-out", () => {
    expect(loadServiceConfig({}).access).toMatchObject({ listenHost: "127.0.0.1", apiToken: undefined });
    const problems = problemsOf({ LISTEN_HOST: "0.0.0.0" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^DRIFT_API_TOKEN: required because LISTEN_HOST=0\.0\.0\.0 lets other machines reach the drift detector/,
    );
    expect(problems[0]).toContain("`openssl rand -hex 24`");
    const token = "d".repeat(48);
    expect(loadServiceConfig({ LISTEN_HOST: "0.0.0.0", DRIFT_API_TOKEN: token }).access.apiToken).toBe(token);
    expect(loadServiceConfig({ LISTEN_HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED: "true" }).access.allowUnauthenticated).toBe(true);
    expect(problemsOf({ DRIFT_API_TOKEN: "s3cret" })).toEqual([
      "DRIFT_API_TOKEN: must be at least 16 characters; make one with `openssl rand -hex 24`",
    ]);
  });

  it("requires IDS_MINIO_ENDPOINT when IDS is configured but storage is a local folder", () => {
    expect(problemsOf({ IDS_PROVIDER_IP: "127.0.0.1", IDS_PROVIDER_PORT: "8082" })).toEqual([
      "IDS_MINIO_ENDPOINT: required when IDS_PROVIDER_IP is set and storage is a local folder (MINIO_IP unset)",
    ]);
  });
});

/** A port nobody listens on right now (PORT must be 1-65535, so 0 cannot ask the system for one). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("the built service", () => {
  beforeAll(buildPackage, 120_000);

  it("refuses to start on bad configuration, listing every problem", () => {
    const run = spawnSync(process.execPath, [join(PACKAGE_DIR, "dist", "main.js")], {
      env: { PATH: process.env.PATH, ...BAD_ENV },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`drift-detector cannot start. ${new ConfigError(problemsOf(BAD_ENV)).message}\n`);
  });

  it("starts on a fresh machine with no MinIO, Airflow or IDS, and answers from its local folder", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "drift-main-"));
    const port = await freePort();
    const child = spawn(process.execPath, [join(PACKAGE_DIR, "dist", "main.js")], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATA_DIR: dataDir,
        MINIO_REF_DATA: "uc/ref.csv",
        MINIO_NEW_DATA: "uc/new.csv",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      // The JSON log line that says where it listens.
      const listening = await new Promise<{ port: number; storage: string; airflow: string }>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.on("line", (line) => {
          const entry = JSON.parse(line);
          if (entry.msg === "drift detector listening") resolve(entry);
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code} before listening`)));
      });
      expect(listening).toMatchObject({ port, storage: join(dataDir, "datasets"), airflow: "not configured" });
      const base = `http://127.0.0.1:${port}`;

      const health = await fetch(`${base}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ checks: { storage: { status: "ok" }, airflow: { status: "not_configured" } } });
      const missing = await fetch(`${base}/api/detect_data_drift`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ bucket: "datasets", path: "uc/ref.csv" });
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(undefined)));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
