// The Postman collection stays in step with the services: every operation of their /openapi.json (both services
// started in this process, see support/service-openapi.ts) must have a request in the collection, and every
// collection request must name an operation that exists.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCollection, buildEnvironment, COLLECTION_FILE, ENVIRONMENT_FILE } from "../postman/generate-collection.mjs";
import { type Operation, operationOf, operationsServedDuringTests, ROOT, SERVICES } from "./support/service-openapi.js";

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

const collection = JSON.parse(await readFile(COLLECTION_FILE, "utf8")) as { item: PostmanItem[] };
const requests = (items: PostmanItem[]): PostmanItem[] => items.flatMap((item) => (item.item ? requests(item.item) : [item]));

const requestOperation = (item: PostmanItem, operations: Operation[]) =>
  operationOf(item.request?.method ?? "", item.request?.url.path ?? [], operations);

const operationsOf = operationsServedDuringTests();

describe.each(SERVICES)("Postman folder $folder", (service) => {
  const folder = collection.item.find((item) => item.name === service.folder);
  const serviceRequests = requests(folder?.item ?? []).filter((item) => item.request?.url.port === service.portVariable);

  it("exists and holds requests to the service", () => {
    expect(serviceRequests.length).toBeGreaterThan(0);
  });

  const operationsOfService = (): Operation[] => operationsOf(service.folder);

  it("has a request for every operation of the service's OpenAPI", () => {
    const all = operationsOfService();
    const covered = new Set(serviceRequests.map((item) => requestOperation(item, all)));
    expect(all.length).toBeGreaterThan(0);
    expect(
      all.filter((operation) => !covered.has(operation)).map(({ method, path }) => `${method.toUpperCase()} ${path}`),
    ).toEqual([]);
  });

  it("names only operations that exist", () => {
    const all = operationsOfService();
    const stale = serviceRequests.filter((item) => !requestOperation(item, all));
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

  it("has test scripts that are valid JavaScript (Postman runs them as text)", () => {
    const broken = all.flatMap((item) =>
      (item.event ?? []).flatMap((event) => {
        try {
          new Function("pm", event.script.exec.join("\n"));
          return [];
        } catch (error) {
          return [`${item.name}: ${(error as Error).message}`];
        }
      }),
    );
    expect(all.length).toBeGreaterThan(30);
    expect(broken).toEqual([]);
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
    const originalFile = join(ROOT, "contracts", "clarus-original", "ClarusInference.postman_collection.json");
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
