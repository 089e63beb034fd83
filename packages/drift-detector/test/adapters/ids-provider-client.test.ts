import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HttpIdsProvider } from "../../src/adapters/ids/ids-provider-client.js";
import { type FakeIdsProvider, startFakeIdsProvider } from "../support/fake-ids-provider.js";
import { CREATE_ASSET } from "../support/ids-contract.js";

const POLICY = { timeoutMs: 300, retries: 2, retryDelayMs: 5 };
const ASSET = { experimentId: "UC05", description: "Big wine", bucket: "datasets", path: "usecase01/wine.csv" };

describe("IDS provider client", () => {
  let ids: FakeIdsProvider;
  const client = () => new HttpIdsProvider({ baseUrl: ids.url, storageEndpoint: "127.0.0.1:9000" }, POLICY);

  beforeEach(async () => {
    ids = await startFakeIdsProvider();
  });
  afterEach(async () => {
    await ids.close();
  });

  it("posts the Postman collection's createExpIDSAsset body", async () => {
    await client().publishDataset(ASSET);
    expect(ids.assets).toEqual([
      {
        exp_id: "UC05",
        exp_description: "Big wine",
        asset_type: "dataset",
        minio_endpoint: "127.0.0.1:9000",
        minio_bucket: "datasets",
        minio_path: "usecase01/wine.csv",
      },
    ]);
    expect(ids.violations).toEqual([]);
  });

  it("the fake takes exactly the Postman example's keys, with asset_type dataset", async () => {
    const post = (body: unknown) =>
      fetch(`${ids.url}${CREATE_ASSET.path}`, {
        method: CREATE_ASSET.method,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const example = { ...CREATE_ASSET.example, minio_endpoint: "127.0.0.1:9000" };
    const missing = Object.fromEntries(Object.entries(example).filter(([key]) => key !== "exp_description"));
    expect((await post({ ...example, extra: "x" })).status).toBe(422);
    expect((await post(missing)).status).toBe(422);
    expect((await post({ ...example, asset_type: "model" })).status).toBe(422);
    expect(ids.violations).toHaveLength(3);
    expect((await post(example)).status).toBe(200);
    expect(ids.assets).toEqual([example]);
  });

  it("retries a 500 then succeeds", async () => {
    ids.faults.fail("asset", { kind: "status", status: 500 }, { times: 1 });
    await client().publishDataset(ASSET);
    expect(ids.assets).toHaveLength(1);
  });

  it("does not retry a 422 and quotes it", async () => {
    ids.faults.fail("asset", { kind: "status", status: 422, json: { detail: "bad asset" } });
    await expect(client().publishDataset(ASSET)).rejects.toMatchObject({
      service: "ids",
      kind: "rejected",
      status: 422,
      body: { detail: "bad asset" },
    });
  });

  it("times out on a hanging provider and fails a ping on a dropped connection", async () => {
    ids.faults.fail("asset", { kind: "hang" });
    await expect(client().publishDataset(ASSET)).rejects.toMatchObject({ kind: "timeout" });
    ids.faults.fail("ping", { kind: "reset" });
    await expect(client().ping()).rejects.toMatchObject({ service: "ids", kind: "unreachable" });
  });
});
