import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { UpstreamError } from "@clarus/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectNotFoundError, PreconditionFailedError } from "../../src/adapters/storage/errors.js";
import { LocalFolderStore } from "../../src/adapters/storage/local-folder-store.js";
import type { ObjectStore } from "../../src/adapters/storage/object-store.js";
import { S3Store } from "../../src/adapters/storage/s3-store.js";
import { type RunningS3rver, startS3rver } from "../support/s3rver.js";

const BUCKET = "datasets";
const QUICK = { timeoutMs: 2_000, retries: 1, retryDelayMs: 10 };

/** The same behaviour is required of every store. */
function behavesLikeAnObjectStore(name: string, open: () => ObjectStore) {
  describe(`${name}: ObjectStore behaviour`, () => {
    it("writes, stats and streams back an object", async () => {
      const store = open();
      const written = await store.put("a/b/data.csv", "x,y\n1,2\n", "text/csv");
      expect(written).toMatchObject({ key: "a/b/data.csv", size: 8 });
      // MD5 of the content in both stores: ETags compare across them.
      expect(written.etag).toBe(createHash("md5").update("x,y\n1,2\n").digest("hex"));
      expect(await store.stat("a/b/data.csv")).toMatchObject({ size: 8, etag: written.etag });
      expect(await text(await store.get("a/b/data.csv"))).toBe("x,y\n1,2\n");
    });

    it("names bucket and key when an object is missing", async () => {
      const store = open();
      await expect(store.get("nope/missing.csv")).rejects.toThrow(ObjectNotFoundError);
      const err = await store.stat("nope/missing.csv").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ObjectNotFoundError);
      expect((err as ObjectNotFoundError).message).toMatch(
        new RegExp(`^Object "nope/missing\\.csv" not found in bucket "${BUCKET}"`),
      );
    });

    it("overwrites on put and keeps the newest content", async () => {
      const store = open();
      await store.put("over.txt", "one", "text/plain");
      await store.put("over.txt", "two!", "text/plain");
      expect(await text(await store.get("over.txt"))).toBe("two!");
    });

    it("copies server-side, the copy having the source's size and ETag", async () => {
      const store = open();
      const source = await store.put("copy/src.csv", "a\n1\n2\n", "text/csv");
      const copied = await store.copy("copy/src.csv", "copy/history/dst.csv", { ifMatch: source.etag });
      expect(copied).toMatchObject({ key: "copy/history/dst.csv", size: source.size, etag: source.etag });
      expect(await text(await store.get("copy/history/dst.csv"))).toBe("a\n1\n2\n");
    });

    it("refuses a conditional copy when the source changed, leaving the destination as it was", async () => {
      const store = open();
      const before = await store.put("cond/src.csv", "old", "text/plain");
      await store.put("cond/dst.csv", "keep me", "text/plain");
      await store.put("cond/src.csv", "new content", "text/plain");
      await expect(store.copy("cond/src.csv", "cond/dst.csv", { ifMatch: before.etag })).rejects.toThrow(PreconditionFailedError);
      expect(await text(await store.get("cond/dst.csv"))).toBe("keep me");
    });

    it("reports a missing copy source as not found", async () => {
      await expect(open().copy("cond/absent.csv", "cond/x.csv")).rejects.toThrow(ObjectNotFoundError);
    });

    it("lists objects under a prefix in key order", async () => {
      const store = open();
      await store.put("list/b.json", "{}", "application/json");
      await store.put("list/a.json", "{}", "application/json");
      await store.put("list/sub/c.json", "{}", "application/json");
      await store.put("listing-other.json", "{}", "application/json");
      expect((await store.list("list/")).map((o) => o.key)).toEqual(["list/a.json", "list/b.json", "list/sub/c.json"]);
      expect(await store.list("empty-prefix/")).toEqual([]);
    });

    it("passes its health check", async () => {
      await expect(open().check()).resolves.toBeUndefined();
    });
  });
}

let s3: RunningS3rver;
let dataDir: string;

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  dataDir = await mkdtemp(join(tmpdir(), "drift-local-store-"));
});

afterAll(async () => {
  await s3?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const s3Store = (bucket = BUCKET, port = () => s3.port) =>
  new S3Store({
    endPoint: "127.0.0.1",
    port: port(),
    useSSL: false,
    region: "us-east-1",
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    bucket,
    policy: QUICK,
  });

behavesLikeAnObjectStore("S3 (s3rver)", () => s3Store());
behavesLikeAnObjectStore("local folder", () => new LocalFolderStore(dataDir, BUCKET));

describe("store-specific failures", () => {
  it("S3: a missing bucket fails the health check and names the bucket on reads", async () => {
    const store = s3Store("no-such-bucket");
    await expect(store.check()).rejects.toThrow(/bucket "no-such-bucket"/);
    await expect(store.get("x.csv")).rejects.toThrow(/Object "x.csv" not found in bucket "no-such-bucket"/);
  });

  it("S3: an unreachable server is reported as unreachable after the bounded retries", async () => {
    const store = s3Store(BUCKET, () => 1);
    const err = await store.stat("x.csv").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ service: "storage", kind: "unreachable" });
  });

  it("S3: a body that stops flowing fails the read with a timeout instead of hanging", async () => {
    // A stand-in S3 endpoint that answers the object's headers and first bytes, then goes silent.
    const stalling = createServer((req, res) => {
      res.writeHead(200, {
        "Content-Type": "text/csv",
        "Content-Length": "1000",
        ETag: '"abc"',
        "Last-Modified": new Date().toUTCString(),
      });
      if (req.method === "GET") res.write("a,b\n1,2\n");
      else res.end();
    });
    await new Promise<void>((resolve) => stalling.listen(0, "127.0.0.1", resolve));
    try {
      const store = s3Store(BUCKET, () => (stalling.address() as AddressInfo).port);
      const stream = await store.get("stalled.csv");
      const err = await text(stream).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ service: "storage", kind: "timeout" });
    } finally {
      stalling.closeAllConnections();
      stalling.close();
    }
  });

  it("local folder: a file-system failure is a storage failure naming the operation", async () => {
    const store = new LocalFolderStore(dataDir, BUCKET);
    await store.put("blocker", "a file where a folder is needed", "text/plain");
    const err = await store.put("blocker/report.html", "<p>", "text/html").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ service: "storage", kind: "unreachable" });
    expect((err as Error).message).toMatch(/write blocker\/report\.html/);
  });

  it("local folder: an object is the file DATA_DIR/<bucket>/<key>, so operators can drop datasets in by hand", async () => {
    const store = new LocalFolderStore(dataDir, BUCKET);
    await store.put("uc/reports/r.json", "{}", "application/json");
    expect(await readFile(join(dataDir, BUCKET, "uc", "reports", "r.json"), "utf8")).toBe("{}");
    await writeFile(join(dataDir, BUCKET, "uc", "by-hand.csv"), "a\n1\n");
    expect(await text(await store.get("uc/by-hand.csv"))).toBe("a\n1\n");
  });

  it("local folder: a missing object names the file it looked for under DATA_DIR, never the machine's absolute path", async () => {
    const store = new LocalFolderStore(dataDir, BUCKET);
    const file = `DATA_DIR/${BUCKET}/uc/absent.csv`;
    await expect(store.get("uc/absent.csv")).rejects.toThrow(
      `Object "uc/absent.csv" not found in bucket "${BUCKET}" (no file ${file})`,
    );
    await expect(store.copy("uc/absent.csv", "uc/copy.csv")).rejects.toThrow(`(no file ${file})`);
    expect(store.location).toBe(`DATA_DIR/${BUCKET}`);
    expect(store.folder).toBe(join(dataDir, BUCKET));
  });

  it("local folder: keys cannot leave the bucket folder", async () => {
    const store = new LocalFolderStore(dataDir, BUCKET);
    await expect(store.put("a/../../escape.txt", "x", "text/plain")).rejects.toThrow(/leaves the bucket folder/);
  });
});
