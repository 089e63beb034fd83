// Both services started in this test process from their real main.ts (free loopback ports, local-folder storage,
// no Docker engine), so checks on the collection and the documentation compare with the OpenAPI the services really serve.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "../../packages/node-agent/test/support/free-port.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const SERVICES = [
  {
    folder: "clarus_node_agent",
    portVariable: "{{node_agent_port}}",
    defaultPort: 8081,
    main: "packages/node-agent/src/main.ts",
  },
  {
    folder: "data_drift_detector",
    portVariable: "{{drift_detector_port}}",
    defaultPort: 5000,
    main: "packages/drift-detector/src/main.ts",
  },
] as const;
export type ServiceName = (typeof SERVICES)[number]["folder"];

export interface Operation {
  method: string;
  path: string;
}

export interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

/**
 * Starts both services and returns their /openapi.json documents and the operations in them, and a function that
 * removes the temporary data folder. Each main.ts reads its configuration from the environment when imported, then listens.
 * The agent gets an engine address that answers nothing: its start-up recovery acts on every agent-managed
 * container of the engine, which must not touch the containers of tests running beside this one.
 */
export async function startServices(): Promise<{
  operations: Map<ServiceName, Operation[]>;
  documents: Map<ServiceName, OpenApi>;
  cleanUp: () => Promise<void>;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), "clarus-openapi-"));
  Object.assign(process.env, {
    LOG_LEVEL: "silent",
    DATA_DIR: dataDir,
    CREATE_NETWORK: "false",
    DOCKER_HOST: `unix://${join(dataDir, "no-engine.sock")}`,
  });
  const operations = new Map<ServiceName, Operation[]>();
  const documents = new Map<ServiceName, OpenApi>();
  for (const service of SERVICES) {
    const port = await freePort();
    process.env.PORT = String(port);
    await import(join(ROOT, service.main));
    const response = await fetch(`http://127.0.0.1:${port}/openapi.json`);
    if (response.status !== 200) throw new Error(`${service.main} answered ${response.status} for /openapi.json`);
    const openapi = (await response.json()) as OpenApi;
    documents.set(service.folder, openapi);
    operations.set(
      service.folder,
      Object.entries(openapi.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method, path }))),
    );
  }
  return { operations, documents, cleanUp: () => rm(dataDir, { recursive: true, force: true }) };
}

const segmentsOf = (path: string) => path.split("/").filter(Boolean);
const isParameter = (segment: string) => /^\{[^{}]+\}$/.test(segment);

/**
 * The operation a request reaches, as a router picks it: same method, same number of segments, each template
 * segment either a `{parameter}` or equal; among several matches the one with the most literal segments
 * (GET /api/inference/all is listInferences, not inspectInference with id "all").
 */
/**
 * Starts both services before the calling test file's tests and cleans up after them; the function returned gives a
 * service's operations once they have started.
 */
export function operationsServedDuringTests(): (service: ServiceName) => Operation[] {
  let operations = new Map<ServiceName, Operation[]>();
  let cleanUp = async () => {};
  beforeAll(async () => {
    ({ operations, cleanUp } = await startServices());
  });
  afterAll(() => cleanUp());
  return (service) => operations.get(service) ?? [];
}

export function operationOf(method: string, segments: string[], operations: Operation[]): Operation | undefined {
  const literalCount = (operation: Operation) => segmentsOf(operation.path).filter((segment) => !isParameter(segment)).length;
  return operations
    .filter((operation) => operation.method === method.toLowerCase())
    .filter((operation) => {
      const template = segmentsOf(operation.path);
      return (
        template.length === segments.length && template.every((segment, i) => isParameter(segment) || segment === segments[i])
      );
    })
    .sort((a, b) => literalCount(b) - literalCount(a))[0];
}
