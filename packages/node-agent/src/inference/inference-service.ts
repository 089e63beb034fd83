import type { InferenceRequest } from "./container-spec.js";
import { deployInference } from "./deploy-inference.js";
import { engineHealth } from "./engine-health.js";
import type { InferenceContext } from "./inference-context.js";
import { createInferenceListing } from "./inference-listing.js";
import { KeyedMutex } from "./keyed-mutex.js";
import { inferenceLogs, inspectInference } from "./read-inferences.js";
import { recoverInterruptedReplacements } from "./recover-replacements.js";
import { removeInference } from "./remove-inference.js";
import { asProblem } from "./runtime-problems.js";

async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asProblem(err);
  }
}

/**
 * The inference use cases as the routes call them: changes to one inference id run one at a
 * time, the list is served from memory while the engine reports no change, and engine failures
 * leave as HTTP problems that quote the engine.
 */
export function createInferenceService(ctx: InferenceContext) {
  const locks = new KeyedMutex();
  const listing = createInferenceListing(ctx);
  /** A change by the agent must show in the next list, before the engine's event arrives. */
  const changing = <T>(inferenceId: string, work: () => Promise<T>) =>
    answering(() => locks.run(inferenceId, () => work().finally(() => listing.invalidate())));
  return {
    deploy: (request: InferenceRequest) => changing(request.inferenceId, () => deployInference(ctx, request)),
    remove: (inferenceId: string) => changing(inferenceId, () => removeInference(ctx, inferenceId)),
    list: () => answering(() => listing.read()),
    inspect: (inferenceId: string) => answering(() => inspectInference(ctx, inferenceId)),
    logs: (inferenceId: string, tail: number) => answering(() => inferenceLogs(ctx, inferenceId, tail)),
    health: () => answering(() => engineHealth(ctx)),
    recover: () => answering(() => recoverInterruptedReplacements(ctx).finally(() => listing.invalidate())),
    /** Ends the engine event subscription (on shutdown). */
    stop: () => listing.stop(),
  };
}

export type InferenceService = ReturnType<typeof createInferenceService>;
