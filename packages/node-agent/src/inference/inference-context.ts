import type { Logger } from "@clarus/common";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import type { ContainerPolicy } from "./container-spec.js";
import type { DeployRules } from "./deploy-checks.js";
import type { ReadinessOptions } from "./readiness.js";

/** What every inference use case works with: the engine, the operator's policy, a logger. */
export interface InferenceContext extends DeployRules {
  runtime: ContainerRuntime;
  policy: ContainerPolicy;
  readiness: ReadinessOptions;
  /** Grace period before a stopped container is killed. */
  stopTimeoutSeconds: number;
  /** Images of an inference kept after a replacement (the running one included). */
  keepImages: number;
  /** Create the inference network when it is missing instead of refusing to deploy. */
  createNetwork: boolean;
  /**
   * The port this agent listens on (PORT). Under compose it is the agent container's port, which the host may
   * publish under another number, so it names the agent's own port, not necessarily a host port.
   */
  agentPort: number;
  logger: Logger;
}
