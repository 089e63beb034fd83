import type { InferenceRequest } from "./container-spec.js";
import { deployInference } from "./deploy-inference.js";
import { engineHealth } from "./engine-health.js";
import type { InferenceContext } from "./inference-context.js";
import { KeyedMutex } from "./keyed-mutex.js";
import { inferenceLogs, inspectInference, listInferences } from "./read-inferences.js";
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
 * time, and engine failures leave as HTTP problems that quote the engine.
 */
export function createInferenceService(ctx: InferenceContext) {
  const locks = new KeyedMutex();
  return {
    deploy: (request: InferenceRequest) => answering(() => locks.run(request.inferenceId, () => deployInference(ctx, request))),
    remove: (inferenceId: string) => answering(() => locks.run(inferenceId, () => removeInference(ctx, inferenceId))),
    list: () => answering(() => listInferences(ctx)),
    inspect: (inferenceId: string) => answering(() => inspectInference(ctx, inferenceId)),
    logs: (inferenceId: string, tail: number) => answering(() => inferenceLogs(ctx, inferenceId, tail)),
    health: () => answering(() => engineHealth(ctx)),
    recover: () => answering(() => recoverInterruptedReplacements(ctx)),
  };
}

export type InferenceService = ReturnType<typeof createInferenceService>;
