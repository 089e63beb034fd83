import type { Logger } from "@clarus/common";
import type { InferenceRequest } from "./container-spec.js";
import type { InferenceBackend } from "./inference-backend.js";
import { createInferenceListing } from "./inference-listing.js";
import { KeyedMutex } from "./keyed-mutex.js";

/**
 * The inference use cases as the routes call them, over either backend: changes to one inference id run one at a
 * time, the list is served from memory while the engine reports no change. Failures leave as InferenceErrors and
 * the engine's RuntimeErrors, which the service's edge answers as problems (routes/inference-problems.ts).
 */
export function createInferenceService(backend: InferenceBackend, logger: Logger) {
  const locks = new KeyedMutex();
  const listing = createInferenceListing(backend, logger);
  /** A change by the agent must show in the next list, before the engine's event arrives. */
  const changing = <T>(inferenceId: string, work: () => Promise<T>) =>
    locks.run(inferenceId, () => work().finally(() => listing.invalidate()));
  return {
    deploy: (request: InferenceRequest) => changing(request.inferenceId, () => backend.deploy(request)),
    remove: (inferenceId: string) => changing(inferenceId, () => backend.remove(inferenceId)),
    list: () => listing.read(),
    inspect: (inferenceId: string) => backend.inspect(inferenceId),
    logs: (inferenceId: string, tail: number) => backend.logs(inferenceId, tail),
    health: () => backend.health(),
    recover: () => backend.recover().finally(() => listing.invalidate()),
    /** Ends the engine event subscription (on shutdown). */
    stop: () => listing.stop(),
  };
}

export type InferenceService = ReturnType<typeof createInferenceService>;
