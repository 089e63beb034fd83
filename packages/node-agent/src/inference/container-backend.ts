import { deployInference } from "./deploy-inference.js";
import { engineHealth } from "./engine-health.js";
import { recoverInterruptedChanges } from "./finish-interrupted.js";
import type { InferenceBackend } from "./inference-backend.js";
import type { InferenceContext } from "./inference-context.js";
import { managedFilter } from "./labels.js";
import { inferenceLogs, inspectInference, listInferences } from "./read-inferences.js";
import { removeInference } from "./remove-inference.js";

/** RUNTIME=docker: each inference is one container on one engine, replaced by the agent itself. */
export function createContainerBackend(ctx: InferenceContext): InferenceBackend {
  return {
    deploy: (request) => deployInference(ctx, request),
    remove: (inferenceId) => removeInference(ctx, inferenceId),
    list: () => listInferences(ctx),
    inspect: (inferenceId) => inspectInference(ctx, inferenceId),
    logs: (inferenceId, tail) => inferenceLogs(ctx, inferenceId, tail),
    health: () => engineHealth(ctx),
    recover: () => recoverInterruptedChanges(ctx),
    watch: (onChange, onEnd) => ctx.runtime.watchContainers([managedFilter(ctx.policy.agentName)], onChange, onEnd),
  };
}
