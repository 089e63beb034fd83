// The Postman collection stays in step with the services: both services start in this process (their real
// main.ts, on free loopback ports, local-folder storage) and every operation of their /openapi.json must
// have a request in the collection, and every collection request must name an operation that exists.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM script without type declarations.
import { buildCollection, buildEnvironment, COLLECTION_FILE, ENVIRONMENT_FILE } from "../postman/generate-collection.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

interface PostmanUrl {
  raw: string;
  port?: string;
  path?: string[];
  query?: { key: string; value: string }[];
}
interface PostmanItem {
  name: string;
  item?: PostmanItem[];
  event?: { listen: string; script: { exec: string[] } }[];
  request?: { method: string; url: PostmanUrl; body?: { raw?: string } };
}
interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

const SERVICES = [
  { folder: "clarus_node_agent", portVariable: "{{node_agent_port}}", main: "packages/node-agent/src/main.ts" },
  { folder: "data_drift_detector", portVariable: "{{drift_detector_port}}", main: "packages/drift-detector/src/main.ts" },
] as const;

const collection = JSON.parse(await readFile(COLLECTION_FILE, "utf8")) as { item: PostmanItem[] };
const requests = (items: PostmanItem[]): PostmanItem[] => items.flatMap((item) => (item.item ? requests(item.item) : [item]));

interface Operation {
  method: string;
  path: string;
}
const segmentsOf = (path: string) => path.split("/").filter(Boolean);
const isParameter = (segment: string) => /^\{[^{}]+\}$/.test(segment);

/**
 * The operation a request reaches, as a router picks it: same method, same number of segments, each template
 * segment either a `{parameter}` or equal; among several matches the one with the most literal segments
 * (GET /api/inference/all is listInferences, not inspectInference with id "all").
 */
function operationOf(item: PostmanItem, operations: Operation[]): Operation | undefined {
  const method = item.request?.method.toLowerCase();
  const segments = item.request?.url.path ?? [];
  const literalCount = (operation: Operation) => segmentsOf(operation.path).filter((segment) => !isParameter(segment)).length;
  return operations
    .filter((operation) => operation.method === method)
    .filter((operation) => {
      const template = segmentsOf(operation.path);
      return (
        template.length === segments.length && template.every((segment, i) => isParameter(segment) || segment === segments[i])
      );
    })
    .sort((a, b) => literalCount(b) - literalCount(a))[0];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const openapi = new Map<string, OpenApi>();
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "clarus-postman-sync-"));
  // Each main.ts reads its configuration from the environment when imported, then listens. The agent gets an
  // engine address that answers nothing: its start-up recovery acts on every agent-managed container of the
  // engine, which must not touch the containers of tests running beside this one. The OpenAPI needs no engine.
  Object.assign(process.env, {
    LOG_LEVEL: "silent",
    DATA_DIR: dataDir,
    CREATE_NETWORK: "false",
    DOCKER_HOST: `unix://${join(dataDir, "no-engine.sock")}`,
  });
  for (const service of SERVICES) {
    const port = await freePort();
    process.env.PORT = String(port);
    await import(join(root, service.main));
    const response = await fetch(`http://127.0.0.1:${port}/openapi.json`);
    expect(response.status, `${service.main} serves /openapi.json`).toBe(200);
    openapi.set(service.folder, (await response.json()) as OpenApi);
  }
});

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.each(SERVICES)("Postman folder $folder", (service) => {
  const folder = collection.item.find((item) => item.name === service.folder);
  const serviceRequests = requests(folder?.item ?? []).filter((item) => item.request?.url.port === service.portVariable);

  it("exists and holds requests to the service", () => {
    expect(serviceRequests.length).toBeGreaterThan(0);
  });

  const operations = (): Operation[] =>
    Object.entries(openapi.get(service.folder)?.paths ?? {}).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method, path })),
    );

  it("has a request for every operation of the service's OpenAPI", () => {
    const all = operations();
    const covered = new Set(serviceRequests.map((item) => operationOf(item, all)));
    expect(all.length).toBeGreaterThan(0);
    expect(
      all.filter((operation) => !covered.has(operation)).map(({ method, path }) => `${method.toUpperCase()} ${path}`),
    ).toEqual([]);
  });

  it("names only operations that exist", () => {
    const all = operations();
    const stale = serviceRequests.filter((item) => !operationOf(item, all));
    expect(stale.map((item) => `${item.name}: ${item.request?.method} /${item.request?.url.path?.join("/")}`)).toEqual([]);
  });
});

describe("Postman collection", () => {
  const all = requests(collection.item);

  it("is what postman/generate-collection.mjs writes, and so is the environment", async () => {
    expect(collection).toEqual(buildCollection());
    expect(JSON.parse(await readFile(ENVIRONMENT_FILE, "utf8"))).toEqual(buildEnvironment());
  });

  it("asserts something in every request", () => {
    const untested = all.filter(
      (item) => !item.event?.some((event) => event.listen === "test" && event.script.exec.join("\n").includes("pm.test(")),
    );
    expect(untested.map((item) => item.name)).toEqual([]);
  });

  it("defines every variable it uses, in the environment or by an earlier request's script", async () => {
    const environment = JSON.parse(await readFile(ENVIRONMENT_FILE, "utf8")) as { values: { key: string }[] };
    const defined = new Set(environment.values.map((value) => value.key));
    const text = JSON.stringify(collection);
    for (const [, name] of text.matchAll(/pm\.environment\.set\(\\"(\w+)\\"/g)) defined.add(name as string);
    const used = new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map(([, name]) => name as string));
    expect([...used].filter((name) => !defined.has(name))).toEqual([]);
  });

  it("keeps the original collection's requests: names, methods, paths and body fields", async () => {
    const originalFile = join(root, "..", "shared", "contracts", "clarus-original", "ClarusInference.postman_collection.json");
    const original = JSON.parse(await readFile(originalFile, "utf8")) as { item: PostmanItem[] };
    const bodyFields = (item: PostmanItem | undefined) =>
      item?.request?.body?.raw ? Object.keys(JSON.parse(item.request.body.raw)).sort() : [];
    for (const before of requests(original.item)) {
      const now = all.find((item) => item.name === before.name);
      expect(now, before.name).toBeDefined();
      expect(now?.request?.method, before.name).toBe(before.request?.method);
      expect(now?.request?.url.path, before.name).toEqual(before.request?.url.path);
      expect(bodyFields(now), before.name).toEqual(bodyFields(before));
    }
  });
});
