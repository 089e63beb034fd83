import { type FakeRequest, FaultSwitch, type RunningFake, startFakeServer } from "./fake-server.js";
import { CREATE_ASSET, type CreateAssetBody, createAssetBody } from "./ids-contract.js";

export interface FakeIdsProvider extends RunningFake {
  /** Bodies of the accepted asset publications, in order. */
  assets: CreateAssetBody[];
  violations: string[];
  faults: FaultSwitch;
}

/** The IDS agent's provider API as the Postman collection shows it (ids-contract.ts). Fault operations: asset, ping. */
export async function startFakeIdsProvider(): Promise<FakeIdsProvider> {
  const faults = new FaultSwitch();
  const assets: CreateAssetBody[] = [];
  const violations: string[] = [];
  const route = (request: FakeRequest) => {
    if (request.method === "GET" && request.path === "/api/ping") {
      return { operation: "ping", answer: () => ({ status: 200, text: "pong" }) };
    }
    if (request.method === CREATE_ASSET.method && request.path === CREATE_ASSET.path) {
      return {
        operation: "asset",
        answer: () => {
          if (!String(request.headers["content-type"]).startsWith("application/json")) {
            violations.push("asset body not sent as application/json");
            return { status: 415, json: { detail: "Unsupported Media Type" } };
          }
          const body = createAssetBody.safeParse(request.body);
          if (!body.success) {
            violations.push(
              `createExpIDSAsset body: ${body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
            );
            return {
              status: 422,
              json: { detail: body.error.issues.map((i) => ({ loc: ["body", ...i.path], msg: i.message })) },
            };
          }
          assets.push(body.data as CreateAssetBody);
          return { status: 200, json: { message: `Asset for ${String(body.data.exp_id)} created` } };
        },
      };
    }
    violations.push(`${request.method} ${request.path}: outside the contract`);
    return { status: 404, json: { detail: "Not Found" } };
  };
  const server = await startFakeServer(route, faults);
  return { ...server, assets, violations, faults };
}
