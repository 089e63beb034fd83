// What a plant's IT person reads in Swagger UI: every operation of both services says what it does, every parameter
// what it takes (with an example where a value is typed in), and every error status the problem body it answers.
// Checked on the OpenAPI the services really serve (support/service-openapi.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMON_PROBLEMS, type ProblemType } from "../packages/common/src/index.ts";
import { DRIFT_PROBLEMS } from "../packages/drift-detector/src/problem-types.ts";
import { AGENT_PROBLEMS } from "../packages/node-agent/src/problem-types.ts";
import { type OpenApi, SERVICES, type ServiceName, startServices } from "./support/service-openapi.js";

interface Parameter {
  name: string;
  in: string;
  description?: string;
  schema: { example?: unknown; enum?: unknown[]; type?: string };
}
interface Operation {
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

/** The problem types each service answers with: its own table and the shared one. */
const PROBLEM_TABLES: Record<ServiceName, Record<string, ProblemType>> = {
  clarus_node_agent: { ...COMMON_PROBLEMS, ...AGENT_PROBLEMS },
  data_drift_detector: { ...COMMON_PROBLEMS, ...DRIFT_PROBLEMS },
};

/** Every problem example of the document: where it is, and its `type` and `status`. */
function problemExamples(document: OpenApi | undefined): Array<{ at: string; type: unknown; status: unknown }> {
  const found: Array<{ at: string; type: unknown; status: unknown }> = [];
  const visit = (node: unknown, at: string) => {
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    const values = [
      ...(record.example === undefined ? [] : [["example", record.example] as const]),
      ...Object.entries((record.examples ?? {}) as Record<string, { value?: unknown }>).map(
        ([name, example]) => [`examples.${name}`, example?.value] as const,
      ),
    ];
    for (const [where, value] of values) {
      const example = value as { type?: unknown; status?: unknown } | undefined;
      if (typeof example?.type === "string" && example.type.startsWith("urn:")) {
        found.push({ at: `${at}.${where}`, type: example.type, status: example.status });
      }
    }
    for (const [key, child] of Object.entries(record)) visit(child, `${at}.${key}`);
  };
  visit(document, "");
  return found;
}

let documents = new Map<ServiceName, OpenApi>();
let cleanUp = async () => {};

beforeAll(async () => {
  ({ documents, cleanUp } = await startServices());
});

afterAll(() => cleanUp());

const operationsOf = (folder: ServiceName) =>
  Object.entries(documents.get(folder)?.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      operation: operation as Operation,
    })),
  );

describe.each(SERVICES)("OpenAPI of $folder", (service) => {
  it("gives every operation a summary and a description", () => {
    const missing = operationsOf(service.folder)
      .filter(({ operation }) => !operation.summary?.trim() || !operation.description?.trim())
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });

  it("describes every parameter, with an example unless its values are listed", () => {
    const missing = operationsOf(service.folder).flatMap(({ name, operation }) =>
      (operation.parameters ?? [])
        .filter((p) => !p.description?.trim() || (p.schema.example === undefined && p.schema.enum === undefined))
        .map((p) => `${name} ${p.in}:${p.name}`),
    );
    expect(missing).toEqual([]);
  });

  it("shows only problem types the service answers with, each at a status it is answered with", () => {
    const examples = problemExamples(documents.get(service.folder));
    // The examples of every error response, at least: each route shows what it answers.
    expect(examples.length).toBeGreaterThan(operationsOf(service.folder).length);
    const known = new Map(Object.values(PROBLEM_TABLES[service.folder]).map((kind) => [kind.type, kind]));
    const wrong = examples.filter(({ at, type, status }) => {
      const kind = known.get(type as string);
      const responseStatus = /\.responses\.(\d{3})\./.exec(at)?.[1];
      if (responseStatus === undefined) return kind === undefined;
      return !kind?.statuses.includes(status as number) || Number(responseStatus) !== status;
    });
    expect(wrong).toEqual([]);
  });

  it("documents the problem body of every error status, and a schema for every success with a body", () => {
    const problem = { $ref: "#/components/schemas/Problem" };
    const wrong = operationsOf(service.folder).flatMap(({ name, operation }) =>
      Object.entries(operation.responses).flatMap(([status, response]) => {
        if (!response.description?.trim()) return [`${name} ${status}: no description`];
        const contents = Object.entries(response.content ?? {});
        // The drift detector's /api/health answers 503 with its health body, not a problem: any schema will do there.
        if (Number(status) >= 400 && !contents.some(([type]) => type !== "application/problem+json")) {
          const schema = response.content?.["application/problem+json"]?.schema;
          return JSON.stringify(schema) === JSON.stringify(problem) ? [] : [`${name} ${status}: no problem schema`];
        }
        return contents.flatMap(([type, content]) => (content.schema ? [] : [`${name} ${status} ${type}: no schema`]));
      }),
    );
    expect(wrong).toEqual([]);
    const problemSchema = documents.get(service.folder)?.components?.schemas?.Problem as
      | { properties: Record<string, { description?: string }> }
      | undefined;
    const fields = problemSchema?.properties ?? {};
    expect(Object.keys(fields)).toContain("detail");
    expect(
      Object.entries(fields)
        .filter(([, field]) => !field.description)
        .map(([name]) => name),
    ).toEqual([]);
  });
});
