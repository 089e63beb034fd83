import { HttpProblem } from "@clarus/common";
import { RuntimeError, type RuntimeErrorKind } from "../runtime/runtime-error.js";

const STATUS: Record<RuntimeErrorKind, { status: number; type: string; source: "engine" | "registry" | "agent" }> = {
  unavailable: { status: 503, type: "engine-unavailable", source: "engine" },
  "not-found": { status: 404, type: "not-found", source: "engine" },
  "name-conflict": { status: 409, type: "name-conflict", source: "engine" },
  "port-taken": { status: 409, type: "port-taken", source: "engine" },
  "network-missing": { status: 503, type: "network-missing", source: "engine" },
  "image-not-found": { status: 422, type: "image-not-found", source: "registry" },
  "registry-auth": { status: 502, type: "registry-auth-refused", source: "registry" },
  registry: { status: 502, type: "registry-error", source: "registry" },
  "registry-timeout": { status: 504, type: "registry-timeout", source: "registry" },
  configuration: { status: 503, type: "agent-misconfigured", source: "agent" },
  engine: { status: 502, type: "engine-error", source: "engine" },
};

/** The HTTP answer for an engine failure, quoting the engine's or registry's own words. */
function runtimeProblem(err: RuntimeError, note?: string): HttpProblem {
  const { status, type, source } = STATUS[err.kind];
  return new HttpProblem(status, note ? `${err.message} ${note}` : err.message, {
    type,
    extensions: { upstream: { source, message: err.engineMessage } },
    cause: err,
  });
}

/** Passes HttpProblems through, turns RuntimeErrors into theirs; anything else stays unexpected. */
export function asProblem(err: unknown): unknown {
  return err instanceof RuntimeError ? runtimeProblem(err) : err;
}
