// A fake local IDS agent: a real HTTP server on 127.0.0.1 that checks every request against the official
// ClarusIdsAgent Postman collection (copied unchanged into ./contracts) and answers what a test tells it to.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The collection request the node agent makes to look up an inference asset. */
const ASSET_REQUEST = "getAssetArtifact";

interface ContractRequest {
  name: string;
  method: string;
  path: string;
  queryKeys: string[];
}

interface PostmanItem {
  name: string;
  request: { method: string; url: { path?: string[]; query?: { key: string }[] } };
}

/** The requests the collection defines: method, path and query parameter names (all of them required). */
export function loadIdsContract(): ContractRequest[] {
  const collection = JSON.parse(
    readFileSync(new URL("../../../../contracts/ids-agent/ClarusIdsAgent.postman_collection.json", import.meta.url), "utf8"),
  ) as { item: PostmanItem[] };
  return collection.item.map(({ name, request }) => ({
    name,
    method: request.method,
    path: `/${(request.url.path ?? []).join("/")}`,
    queryKeys: (request.url.query ?? []).map((q) => q.key),
  }));
}

/** What the fake answers to an asset request for one exp_id. */
export type FakeIdsAnswer =
  /** 200 (or `status`) with the asset as JSON, at the top level or wrapped as `{[wrapIn]: asset}`. */
  | { asset: Record<string, unknown>; wrapIn?: string; status?: number }
  /** Any JSON body with any status. */
  | { status: number; json: unknown }
  /** Any text body with any status (garbage, HTML error pages…). */
  | { status: number; text: string; contentType?: string }
  /** Redirect elsewhere (the client must not follow it). */
  | { redirectTo: string }
  /** Never answer (until the fake is closed). */
  | "hang"
  /** Destroy the connection without answering. */
  | "close";

export interface RecordedIdsRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The collection request it matched, if any. */
  contractRequest: string | undefined;
  /** Empty when the request keeps the contract. */
  violations: string[];
}

export interface FakeIdsAgent {
  /** "http://127.0.0.1:PORT": what IDS_AGENT_URL should be. */
  url: string;
  /** Sets the answer for asset requests with this exp_id; unknown exp_ids get 404. */
  answer(expId: string, answer: FakeIdsAnswer): void;
  /** Every request received, in order. */
  requests: RecordedIdsRequest[];
  /** Every contract violation seen, "METHOD path: what". */
  violations(): string[];
  close(): Promise<void>;
}

export async function startFakeIdsAgent(): Promise<FakeIdsAgent> {
  const contract = loadIdsContract();
  const answers = new Map<string, FakeIdsAnswer>();
  const requests: RecordedIdsRequest[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake-ids");
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? "GET";
    const matched = contract.find((c) => c.method === method && c.path === url.pathname);
    const violations = matched
      ? queryViolations(matched, url.searchParams)
      : [`no request of the contract is ${method} ${url.pathname}`];
    requests.push({ method, path: url.pathname, query, contractRequest: matched?.name, violations });
    if (violations.length > 0) return sendJson(res, matched ? 400 : 404, { error: "contract violation", violations });
    if (matched?.name === "ping") return sendJson(res, 200, "OK");
    if (matched?.name !== ASSET_REQUEST) return sendJson(res, 501, { error: `${matched?.name} is not simulated by the fake` });
    const expId = url.searchParams.get("exp_id") ?? "";
    respond(req, res, answers.get(expId) ?? { status: 404, json: { error: `no asset for exp_id ${expId}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    answer: (expId, answer) => {
      answers.set(expId, answer);
    },
    requests,
    violations: () => requests.flatMap((r) => r.violations.map((v) => `${r.method} ${r.path}: ${v}`)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function queryViolations(contract: ContractRequest, params: URLSearchParams): string[] {
  const violations: string[] = [];
  for (const key of contract.queryKeys) {
    const values = params.getAll(key);
    if (values.length === 0) violations.push(`query parameter ${key} is missing`);
    else if (values.length > 1) violations.push(`query parameter ${key} is given ${values.length} times`);
    else if (values[0]?.trim() === "") violations.push(`query parameter ${key} is empty`);
  }
  for (const key of new Set(params.keys())) {
    if (!contract.queryKeys.includes(key)) violations.push(`query parameter ${key} is not in the contract`);
  }
  return violations;
}

function respond(req: IncomingMessage, res: ServerResponse, answer: FakeIdsAnswer): void {
  if (answer === "hang") return;
  if (answer === "close") req.socket.destroy();
  else if ("redirectTo" in answer) res.writeHead(302, { Location: answer.redirectTo }).end();
  else if ("asset" in answer)
    sendJson(res, answer.status ?? 200, answer.wrapIn ? { [answer.wrapIn]: answer.asset } : answer.asset);
  else if ("json" in answer) sendJson(res, answer.status, answer.json);
  else res.writeHead(answer.status, { "Content-Type": answer.contentType ?? "text/plain" }).end(answer.text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}
