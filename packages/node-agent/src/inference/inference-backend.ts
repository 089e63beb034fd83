import type { Watch } from "../runtime/container-runtime.js";
import type { InferenceRequest } from "./container-spec.js";
import type { HealthView } from "./engine-health.js";
import type { DeploymentView, InferenceDetailsView, InferenceView } from "./inference-view.js";
import type { RemovalView } from "./remove-inference.js";

/**
 * One way of running inferences: a container per inference on one engine (RUNTIME=docker, container-backend.ts)
 * or a replicated service per inference on a cluster (RUNTIME=swarm, swarm/swarm-backend.ts). The routes and the
 * inference service see only this; a Kubernetes backend would be one more implementation (docs/kubernetes.md).
 */
export interface InferenceBackend {
  /** Checks the request, runs the image as the inference, replacing a running version safely. */
  deploy(request: InferenceRequest): Promise<DeploymentView>;
  remove(inferenceId: string): Promise<RemovalView>;
  /** Every inference this agent manages, found in the engine by label (the engine is the only state store). */
  list(): Promise<InferenceView[]>;
  inspect(inferenceId: string): Promise<InferenceDetailsView>;
  logs(inferenceId: string, tail: number): Promise<string[]>;
  health(): Promise<HealthView>;
  /** Finishes what an agent stop interrupted (run once at start-up); the inference ids it touched. */
  recover(): Promise<string[]>;
  /** Calls `onChange` when the engine reports a change to this agent's inferences, `onEnd` if the stream breaks. */
  watch(onChange: () => void, onEnd: (err?: unknown) => void): Promise<Watch>;
}
