import { HttpProblem, type UpstreamDetails, type UpstreamFailure } from "@clarus/common";
import { RuntimeError, type RuntimeErrorKind } from "../runtime/runtime-error.js";

interface ProblemKind {
  status: number;
  type: string;
  /** The outside system that failed and how; none for the agent's own configuration. */
  upstream?: { service: "engine" | "registry"; failure: UpstreamFailure };
}

const engine = (failure: UpstreamFailure) => ({ service: "engine", failure }) as const;
const registry = (failure: UpstreamFailure) => ({ service: "registry", failure }) as const;

// A registry failure reaches the agent as the engine's answer: "rejected" unless the engine says it timed out.
const PROBLEMS: Record<RuntimeErrorKind, ProblemKind> = {
  unavailable: { status: 503, type: "engine-unavailable", upstream: engine("unreachable") },
  "not-found": { status: 404, type: "not-found", upstream: engine("rejected") },
  "name-conflict": { status: 409, type: "name-conflict", upstream: engine("rejected") },
  "port-taken": { status: 409, type: "port-taken", upstream: engine("rejected") },
  "network-missing": { status: 503, type: "network-missing", upstream: engine("rejected") },
  "image-not-found": { status: 422, type: "image-not-found", upstream: registry("rejected") },
  "registry-auth": { status: 502, type: "registry-auth-refused", upstream: registry("rejected") },
  registry: { status: 502, type: "registry-error", upstream: registry("rejected") },
  "registry-timeout": { status: 504, type: "registry-timeout", upstream: registry("timeout") },
  configuration: { status: 503, type: "agent-misconfigured" },
  "gpu-unavailable": { status: 422, type: "gpu-unavailable", upstream: engine("rejected") },
  "swarm-unavailable": { status: 503, type: "swarm-unavailable", upstream: engine("rejected") },
  engine: { status: 502, type: "engine-error", upstream: engine("rejected") },
};

/** The HTTP answer for an engine failure, quoting the engine's or registry's own words as the upstream's body. */
function runtimeProblem(err: RuntimeError): HttpProblem {
  const { status, type, upstream } = PROBLEMS[err.kind];
  return new HttpProblem(status, err.message, {
    type,
    extensions: upstream ? { upstream: { ...upstream, body: err.engineMessage } satisfies UpstreamDetails } : {},
    cause: err,
  });
}

/** Passes HttpProblems through, turns RuntimeErrors into theirs; anything else stays unexpected. */
export function asProblem(err: unknown): unknown {
  return err instanceof RuntimeError ? runtimeProblem(err) : err;
}
