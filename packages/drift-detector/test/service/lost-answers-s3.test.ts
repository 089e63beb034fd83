import { text } from "node:stream/consumers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DRIFTED_CSV, REFERENCE_CSV } from "../support/datasets.js";
import { FAST_POLICY, PATHS, type ServiceUnderTest, startDriftService } from "../support/drift-service.js";
import { isCopyTo, type S3Proxy, startS3Proxy } from "../support/s3-proxy.js";
import { type RunningS3rver, s3StoreOn, startS3rver } from "../support/s3rver.js";

let s3: RunningS3rver;
let proxy: S3Proxy;
let service: ServiceUnderTest;

beforeAll(async () => {
  s3 = await startS3rver(["lost-1"]);
  proxy = await startS3Proxy(s3.port);
});
afterEach(async () => {
  await service?.close();
});
afterAll(async () => {
  await proxy?.close();
  await s3?.stop();
});

describe("a swap on S3 whose answer the network drops (s3rver behind a proxy)", () => {
  it("answers unknown while storage stays down, says how to tell, and the next call settles the run as completed", async () => {
    // The service talks to s3rver through the proxy; the test reads s3rver directly.
    service = await startDriftService({ store: s3StoreOn({ ...s3, port: proxy.port }, "lost-1", FAST_POLICY) });
    const direct = s3StoreOn(s3, "lost-1", { timeoutMs: 5_000, retries: 0, retryDelayMs: 0 });
    await service.seed(REFERENCE_CSV, DRIFTED_CSV);
    // s3rver does the copy, the proxy drops its answer, and storage is down from then on (the client's retry included).
    void proxy
      .trap(
        isCopyTo("lost-1", (key) => key === PATHS.reference),
        { kind: "drop" },
      )
      .then(() => proxy.down());

    const answer = await service.call("POST", "/api/drift/runs");

    expect(answer.status).toBe(503);
    expect(answer.body.step).toBe("replace_reference");
    expect(answer.body.reference_state).toBe("unknown");
    expect(answer.body.detail).toContain(`whether ${PATHS.reference} was replaced is unknown`);
    expect(answer.body.detail).toContain(`It holds the new data if its ETag is ${answer.body.run.current.etag}`);
    expect(answer.body.detail).not.toMatch(/left unchanged/);
    expect(await text(await direct.get(PATHS.reference))).toBe(DRIFTED_CSV);

    proxy.up();
    const next = await service.call("POST", "/api/drift/runs");

    expect(next.body.message).toBe("Drift NOT detected");
    const settled = await service.call("GET", `/api/drift/runs/${answer.body.run_id}`);
    expect(settled.body).toMatchObject({ status: "completed", reference_state: "replaced" });
    expect(settled.body.recovered.detail).toMatch(/^the storage's answer to the swap was lost; read back: .* holds the new data/);
    expect(service.airflow?.runs.size).toBe(1);
  });
});
