import type { Logger } from "@clarus/common";
import type { PublishMode, RolloutPolicy, ServiceRuntime } from "../../runtime/service-runtime.js";
import type { ContainerPolicy } from "../container-spec.js";
import type { DeployRules } from "../deploy-checks.js";
import type { ReadinessOptions } from "../readiness.js";

/** What the swarm use cases work with: the cluster engine, the operator's policy, a logger. */
export interface SwarmContext extends DeployRules {
  services: ServiceRuntime;
  policy: ContainerPolicy;
  readiness: ReadinessOptions;
  /** Grace period before a stopped task is killed; also bounds how long a removal waits for the tasks to go. */
  stopTimeoutSeconds: number;
  /** Create the overlay network when it is missing instead of refusing to deploy. */
  createNetwork: boolean;
  /** How inference_rest_api_forward_port is published (SWARM_PUBLISH_MODE). */
  publishMode: PublishMode;
  /** The rollout of a deployment that sends no `update` (order follows the publish mode). */
  rollout: RolloutPolicy;
  /** The port this agent listens on (PORT), named when a deployment asks for it. */
  agentPort: number;
  logger: Logger;
}
