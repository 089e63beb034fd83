import { afterAll, beforeAll, expect, test } from "vitest";
import { type FakeIdsAgent, loadIdsContract, startFakeIdsAgent } from "./fake-ids-agent.js";

let ids: FakeIdsAgent;
beforeAll(async () => {
  ids = await startFakeIdsAgent();
});
afterAll(() => ids.close());

test("the contract is read from the official collection", () => {
  expect(loadIdsContract()).toContainEqual({
    name: "getAssetArtifact",
    method: "GET",
    path: "/api/v2/consumer/asset",
    queryKeys: ["exp_id", "provider_ip"],
  });
});

test.each([
  ["/api/v2/consumer/asset?exp_id=UC01", 400, "query parameter provider_ip is missing"],
  ["/api/v2/consumer/asset?exp_id=&provider_ip=10.0.0.1", 400, "query parameter exp_id is empty"],
  ["/api/v2/consumer/asset?exp_id=a&exp_id=b&provider_ip=p", 400, "query parameter exp_id is given 2 times"],
  ["/api/v2/consumer/asset?exp_id=UC01&provider_ip=p&debug=1", 400, "query parameter debug is not in the contract"],
  ["/api/v3/consumer/asset?exp_id=UC01&provider_ip=p", 404, "no request of the contract is GET /api/v3/consumer/asset"],
])("a request off the contract is refused and recorded: %s", async (path, status, violation) => {
  const response = await fetch(`${ids.url}${path}`);
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ violations: [violation] });
  expect(ids.violations().at(-1)).toContain(violation);
});

test("a request on the contract gets the answer it was given, or 404 for an unknown exp_id", async () => {
  ids.answer("UC01", { asset: { docker_img_uri: "img:1", inference_rest_api_port: 8080 }, wrapIn: "data" });
  const found = await fetch(`${ids.url}/api/v2/consumer/asset?exp_id=UC01&provider_ip=127.0.0.1`);
  expect(await found.json()).toEqual({ data: { docker_img_uri: "img:1", inference_rest_api_port: 8080 } });
  const missing = await fetch(`${ids.url}/api/v2/consumer/asset?exp_id=UC02&provider_ip=127.0.0.1`);
  expect(missing.status).toBe(404);
  expect(ids.requests.at(-1)).toMatchObject({ contractRequest: "getAssetArtifact", violations: [], query: { exp_id: "UC02" } });
});
