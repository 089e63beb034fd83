import { COMMON_PROBLEMS, HttpProblem, type ProblemType, type UpstreamDetails, type UpstreamFailure } from "@clarus/common";
import { IdsLookupError, type IdsLookupErrorKind } from "../ids/index.js";
import { InferenceError, type InferenceErrorKind } from "../inference/inference-error.js";
import { AGENT_PROBLEMS } from "../problem-types.js";
import { RuntimeError, type RuntimeErrorKind } from "../runtime/runtime-error.js";

const INFERENCE_PROBLEMS: Record<InferenceErrorKind, ProblemType> = {
  "invalid-request": COMMON_PROBLEMS["validation-error"],
  "registry-not-allowed": AGENT_PROBLEMS["registry-not-allowed"],
  "gpus-not-allowed": AGENT_PROBLEMS["gpus-not-allowed"],
  "inference-not-found": AGENT_PROBLEMS["inference-not-found"],
  "name-conflict": AGENT_PROBLEMS["name-conflict"],
  "port-taken": AGENT_PROBLEMS["port-taken"],
  "network-missing": AGENT_PROBLEMS["network-missing"],
  "no-suitable-node": AGENT_PROBLEMS["no-suitable-node"],
  "gpu-unavailable": AGENT_PROBLEMS["gpu-unavailable"],
  "inference-exited": AGENT_PROBLEMS["inference-exited"],
  "inference-not-ready": AGENT_PROBLEMS["inference-not-ready"],
  "inference-not-started": AGENT_PROBLEMS["inference-not-started"],
  "engine-error": AGENT_PROBLEMS["engine-error"],
  "engine-unavailable": AGENT_PROBLEMS["engine-unavailable"],
};

const IDS_PROBLEMS: Record<IdsLookupErrorKind, ProblemType> = {
  "not-configured": AGENT_PROBLEMS["ids-not-configured"],
  "asset-not-found": AGENT_PROBLEMS["ids-asset-not-found"],
  "bad-answer": AGENT_PROBLEMS["ids-bad-answer"],
  rejected: AGENT_PROBLEMS["ids-error"],
  unreachable: AGENT_PROBLEMS["ids-unreachable"],
  timeout: AGENT_PROBLEMS["ids-timeout"],
};

interface RuntimeProblem {
  kind: ProblemType;
  /** The outside system that failed and how; none for the agent's own configuration. */
  upstream?: { service: "engine" | "registry"; failure: UpstreamFailure };
}

const engine = (failure: UpstreamFailure) => ({ service: "engine", failure }) as const;
const registry = (failure: UpstreamFailure) => ({ service: "registry", failure }) as const;

// A registry failure reaches the agent as the engine's answer: "rejected" unless the engine says it timed out.
const RUNTIME_PROBLEMS: Record<RuntimeErrorKind, RuntimeProblem> = {
  unavailable: { kind: AGENT_PROBLEMS["engine-unavailable"], upstream: engine("unreachable") },
  "not-found": { kind: COMMON_PROBLEMS["not-found"], upstream: engine("rejected") },
  "name-conflict": { kind: AGENT_PROBLEMS["name-conflict"], upstream: engine("rejected") },
  "port-taken": { kind: AGENT_PROBLEMS["port-taken"], upstream: engine("rejected") },
  "network-missing": { kind: AGENT_PROBLEMS["network-missing"], upstream: engine("rejected") },
  "image-not-found": { kind: AGENT_PROBLEMS["image-not-found"], upstream: registry("rejected") },
  "registry-auth": { kind: AGENT_PROBLEMS["registry-auth-refused"], upstream: registry("rejected") },
  registry: { kind: AGENT_PROBLEMS["registry-error"], upstream: registry("rejected") },
  "registry-timeout": { kind: AGENT_PROBLEMS["registry-timeout"], upstream: registry("timeout") },
  configuration: { kind: AGENT_PROBLEMS["agent-misconfigured"] },
  "gpu-unavailable": { kind: AGENT_PROBLEMS["gpu-unavailable"], upstream: engine("rejected") },
  "swarm-unavailable": { kind: AGENT_PROBLEMS["swarm-unavailable"], upstream: engine("rejected") },
  engine: { kind: AGENT_PROBLEMS["engine-error"], upstream: engine("rejected") },
};

/** The HTTP answer for an engine failure, quoting the engine's or registry's own words as the upstream's body. */
function runtimeProblem(err: RuntimeError): HttpProblem {
  const { kind, upstream } = RUNTIME_PROBLEMS[err.kind];
  return new HttpProblem(kind, err.message, {
    extensions: upstream ? { upstream: { ...upstream, body: err.engineMessage } satisfies UpstreamDetails } : {},
    cause: err,
  });
}

/**
 * The node agent's errors as problems, once, at its edge: the inference use cases' InferenceErrors, the engine's
 * RuntimeErrors and the IDS agent's IdsLookupErrors. Anything else is not the agent's to map.
 */
export function inferenceProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof RuntimeError) return runtimeProblem(err);
  if (err instanceof IdsLookupError) {
    return new HttpProblem(IDS_PROBLEMS[err.kind], err.message, {
      extensions: err.upstream ? { upstream: err.upstream } : {},
      cause: err,
    });
  }
  if (!(err instanceof InferenceError)) return undefined;
  const { errors, extensions } = err.details;
  return new HttpProblem(INFERENCE_PROBLEMS[err.kind], err.message, { errors, extensions, cause: err });
}
