import { HttpProblem } from "@clarus/common";
import { describe, expect, test } from "vitest";
import { IdsLookupError, type IdsLookupErrorKind } from "../ids/index.js";
import { InferenceError, type InferenceErrorKind } from "../inference/inference-error.js";
import { RuntimeError, type RuntimeErrorKind } from "../runtime/runtime-error.js";
import { inferenceProblem } from "./inference-problems.js";

const answer = (err: unknown) => {
  const problem = inferenceProblem(err);
  expect(problem).toBeInstanceOf(HttpProblem);
  return problem as HttpProblem;
};

describe("the node agent's errors become problems at its edge", () => {
  test.each<[InferenceErrorKind, number, string]>([
    ["invalid-request", 422, "validation-error"],
    ["registry-not-allowed", 403, "registry-not-allowed"],
    ["gpus-not-allowed", 403, "gpus-not-allowed"],
    ["inference-not-found", 404, "inference-not-found"],
    ["name-conflict", 409, "name-conflict"],
    ["port-taken", 409, "port-taken"],
    ["network-missing", 503, "network-missing"],
    ["no-suitable-node", 422, "no-suitable-node"],
    ["gpu-unavailable", 422, "gpu-unavailable"],
    ["inference-exited", 502, "inference-exited"],
    ["inference-not-ready", 504, "inference-not-ready"],
    ["inference-not-started", 502, "inference-not-started"],
    ["engine-error", 502, "engine-error"],
    ["engine-unavailable", 503, "engine-unavailable"],
  ])("InferenceError %s: %i %s, with its fields and extensions", (kind, status, type) => {
    const errors = [{ location: "body" as const, field: "inference_id", message: "taken" }];
    const problem = answer(new InferenceError(kind, "what happened", { errors, extensions: { held_by: { container: "c" } } }));
    expect(problem.toBody()).toEqual({
      held_by: { container: "c" },
      type: `urn:clarus:problem:${type}`,
      title: expect.any(String),
      status,
      detail: "what happened",
      errors,
    });
  });

  test.each<[RuntimeErrorKind, number, string, Record<string, string> | undefined]>([
    ["unavailable", 503, "engine-unavailable", { service: "engine", failure: "unreachable" }],
    ["not-found", 404, "not-found", { service: "engine", failure: "rejected" }],
    ["image-not-found", 422, "image-not-found", { service: "registry", failure: "rejected" }],
    ["registry-auth", 502, "registry-auth-refused", { service: "registry", failure: "rejected" }],
    ["registry-timeout", 504, "registry-timeout", { service: "registry", failure: "timeout" }],
    ["configuration", 503, "agent-misconfigured", undefined],
    ["engine", 502, "engine-error", { service: "engine", failure: "rejected" }],
  ])("RuntimeError %s: %i %s quoting the engine", (kind, status, type, upstream) => {
    const problem = answer(new RuntimeError(kind, "Docker could not do it: no", "no"));
    expect(problem).toMatchObject({ status, type: `urn:clarus:problem:${type}`, message: "Docker could not do it: no" });
    expect(problem.extensions.upstream).toEqual(upstream ? { ...upstream, body: "no" } : undefined);
  });

  test.each<[IdsLookupErrorKind, number, string]>([
    ["not-configured", 503, "ids-not-configured"],
    ["asset-not-found", 404, "ids-asset-not-found"],
    ["bad-answer", 502, "ids-bad-answer"],
    ["rejected", 502, "ids-error"],
    ["unreachable", 503, "ids-unreachable"],
    ["timeout", 504, "ids-timeout"],
  ])("IdsLookupError %s: %i %s, with the call that failed", (kind, status, type) => {
    const upstream = { service: "ids-agent", url: "http://ids/api", exp_id: "e", failure: "rejected", status: 500 } as const;
    expect(answer(new IdsLookupError(kind, "the IDS said no", upstream)).toBody()).toEqual({
      type: `urn:clarus:problem:${type}`,
      title: expect.any(String),
      status,
      detail: "the IDS said no",
      upstream,
    });
    expect(answer(new IdsLookupError(kind, "nothing asked")).extensions).toEqual({});
  });

  test("a note added to an InferenceError keeps its kind, fields and extensions", () => {
    const failed = new InferenceError("inference-exited", "It exited.", { extensions: { logs: ["boom"] } });
    expect(failed.withNote("")).toBe(failed);
    const noted = answer(failed.withNote("The previous version was restored."));
    expect(noted).toMatchObject({
      status: 502,
      type: "urn:clarus:problem:inference-exited",
      message: "It exited. The previous version was restored.",
      extensions: { logs: ["boom"] },
    });
  });

  test("anything else is not the agent's to map", () => {
    expect(inferenceProblem(new Error("bug"))).toBeUndefined();
    expect(inferenceProblem(undefined)).toBeUndefined();
  });
});
