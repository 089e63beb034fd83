// A stand-in for the local IDS agent (clarus_ids_agent:8082) in the compose end-to-end run, with the routes the
// two services call, shaped as the repository's contracts/ids-agent/ClarusIdsAgent.postman_collection.json shows:
//   GET  /api/ping
//   GET  /api/v2/consumer/asset?exp_id=…&provider_ip=…   (node agent, POST /api/v3/inference/deploy)
//   POST /api/provider/asset {exp_id, exp_description, asset_type, minio_endpoint, minio_bucket, minio_path}
//        (drift detector, after drift)
// A request that breaks the contract gets 400 naming what is wrong. Every request is logged as one JSON line.
// Env: PORT (8082), EXP_ID (the experiment it knows), IMAGE and IMAGE_PORT (the inference asset it names).
import { createServer } from "node:http";

const { PORT = "8082", EXP_ID = "Clarus_RedWine_experiment", IMAGE, IMAGE_PORT = "8080" } = process.env;
if (!IMAGE) throw new Error("IMAGE (the inference image the asset names) is required");

const PROVIDER_FIELDS = ["exp_id", "exp_description", "asset_type", "minio_endpoint", "minio_bucket", "minio_path"];

function answer(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readJson(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  return JSON.parse(text);
}

async function handle(req, res, url) {
  const route = `${req.method} ${url.pathname}`;
  if (route === "GET /api/ping") return answer(res, 200, "OK");
  if (route === "GET /api/v2/consumer/asset") {
    const missing = ["exp_id", "provider_ip"].filter((key) => !url.searchParams.get(key));
    if (missing.length > 0) return answer(res, 400, { error: `missing query parameter(s): ${missing.join(", ")}` });
    if (url.searchParams.get("exp_id") !== EXP_ID)
      return answer(res, 404, { error: `no asset for ${url.searchParams.get("exp_id")}` });
    return answer(res, 200, { exp_id: EXP_ID, docker_img_uri: IMAGE, inference_rest_api_port: IMAGE_PORT });
  }
  if (route === "POST /api/provider/asset") {
    let body;
    try {
      body = await readJson(req);
    } catch {
      return answer(res, 400, { error: "body is not JSON" });
    }
    const missing = PROVIDER_FIELDS.filter((key) => typeof body?.[key] !== "string" || body[key] === "");
    if (missing.length > 0) return answer(res, 400, { error: `missing or empty field(s): ${missing.join(", ")}` });
    if (body.asset_type !== "dataset")
      return answer(res, 400, { error: `asset_type must be "dataset", got "${body.asset_type}"` });
    return answer(res, 201, { message: `asset ${body.exp_id} updated` });
  }
  return answer(res, 404, { error: `no route ${route}` });
}

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://fake-ids");
  handle(req, res, url)
    .catch((error) => answer(res, 500, { error: String(error) }))
    .finally(() => console.log(JSON.stringify({ method: req.method, url: req.url, status: res.statusCode })));
}).listen(Number(PORT), "0.0.0.0", () => console.log(JSON.stringify({ listening: Number(PORT) })));
process.once("SIGTERM", () => process.exit(0));
