// The README and the pages under docs/ show every route of both services with a curl example, and no curl example
// calls a route that does not exist. Routes come from the OpenAPI the services serve (support/service-openapi.ts).
import { describe, expect, it } from "vitest";
import { DOCUMENTATION, readDocument } from "./support/documentation.js";
import { operationOf, operationsServedDuringTests, SERVICES } from "./support/service-openapi.js";

/** Routes every service has outside its OpenAPI (plumbing from packages/common). */
const PLUMBING = ["/metrics", "/openapi.json", "/swagger"];

interface CurlCall {
  text: string;
  port: number;
  method: string;
  path: string;
}

/** Every `curl …` of the documentation, in code blocks or inline code, with the method it sends and the path it calls. */
function documentedCurlCalls(): CurlCall[] {
  return DOCUMENTATION.flatMap((file) => curlCallsOf(readDocument(file)));
}

function curlCallsOf(markdown: string): CurlCall[] {
  return [...markdown.matchAll(/\bcurl [^`\n]*/g)].flatMap(([text]) => {
    const url = /(?:https?:\/\/)?(?:localhost|127\.0\.0\.1|<host>|\$HOST):(\d+)(\/[^\s'"?`]*)/.exec(text);
    if (!url) return [];
    const explicit = /(?:-X|--request)\s+([A-Z]+)/.exec(text)?.[1];
    const method = explicit ?? (/\s(-d|--data\S*|-F|--json)\s/.test(text) ? "POST" : "GET");
    return [{ text, port: Number(url[1]), method, path: url[2] as string }];
  });
}

const operationsOf = operationsServedDuringTests();

describe.each(SERVICES)("documented curl examples of $folder (port $defaultPort)", (service) => {
  const calls = () => documentedCurlCalls().filter((call) => call.port === service.defaultPort);
  const segments = (path: string) => path.split("/").filter(Boolean);

  it("show every operation of the service's OpenAPI", () => {
    const all = operationsOf(service.folder);
    expect(all.length).toBeGreaterThan(0);
    const shown = new Set(calls().map((call) => operationOf(call.method, segments(call.path), all)));
    expect(all.filter((operation) => !shown.has(operation)).map(({ method, path }) => `${method.toUpperCase()} ${path}`)).toEqual(
      [],
    );
  });

  it("call only routes that exist", () => {
    const all = operationsOf(service.folder);
    const stale = calls().filter((call) => !PLUMBING.includes(call.path) && !operationOf(call.method, segments(call.path), all));
    expect(stale.map((call) => call.text)).toEqual([]);
  });
});
