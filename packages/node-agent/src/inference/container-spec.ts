import type { ContainerSpec, GpuRequest } from "../runtime/container-runtime.js";
import type { RolloutPolicy } from "../runtime/service-runtime.js";
import {
  type ImageRecord,
  type InferenceLabels,
  newInstanceMark,
  type ReplacementJournal,
  toJournalLabels,
  toLabels,
} from "./labels.js";

/** The operator's limits and defaults for every inference container (from the agent's config). */
export interface ContainerPolicy {
  /** Written on every container as `clarus.managed-by`: the agent manages only containers with its name. */
  agentName: string;
  network: string;
  /** Host address the port binds to (PORT_BIND_HOST); 0.0.0.0 = all interfaces, as the original agent did. */
  hostIp: string;
  pidsLimit: number;
  logMaxSize: string;
  logMaxFiles: number;
  memoryBytes?: number | undefined;
  /** CPUs in billionths (Docker's NanoCpus): 1.5 CPUs = 1_500_000_000. */
  nanoCpus?: number | undefined;
  /** Capabilities added back after dropping all (CONTAINER_CAP_ADD). */
  capabilities: string[];
  /** Root filesystem read-only, /tmp a tmpfs (CONTAINER_READ_ONLY_ROOTFS). */
  readOnlyRootfs: boolean;
  /** Size of that /tmp in bytes (CONTAINER_TMPFS_SIZE). */
  tmpfsBytes: number;
  /** CONTAINER_USER; absent = the image's own user. */
  user?: string | undefined;
}

export interface InferenceRequest {
  inferenceId: string;
  /** The reference to pull and run (with its tag). */
  image: string;
  internalPort: number;
  hostPort: number;
  env: Record<string, string>;
  expId?: string | undefined;
  /** Tasks to run (swarm backend only). */
  replicas?: number | undefined;
  /** Swarm placement constraints (swarm backend only). */
  placement?: string[] | undefined;
  /** How a replacement rolls out (swarm backend only); unset parts take the backend's defaults. */
  update?: Partial<RolloutPolicy> | undefined;
  /** GPUs to reserve (only when the operator set ALLOW_GPUS=true). */
  gpus?: GpuRequest | undefined;
}

/**
 * The container an inference runs in. Safe by default: restarted unless an operator stops it, no privilege
 * escalation, no capabilities but the operator's, a read-only root filesystem with a private /tmp, bounded memory,
 * CPU and processes, an init that reaps zombies, capped logs. Only the operator's policy widens any of it; the
 * spec type has no fields for mounts, devices, privileged mode or host networking.
 */
export function buildContainerSpec(
  request: InferenceRequest,
  policy: ContainerPolicy,
  extras: { name: string; imageHistory: ImageRecord[]; replacement?: ReplacementJournal },
): ContainerSpec {
  const labels: InferenceLabels = {
    inferenceId: request.inferenceId,
    image: request.image,
    internalPort: request.internalPort,
    hostPort: request.hostPort,
    expId: request.expId,
    imageHistory: extras.imageHistory,
  };
  return {
    name: extras.name,
    image: request.image,
    env: request.env,
    labels: {
      ...toLabels(labels, policy.agentName, newInstanceMark()),
      ...(extras.replacement ? toJournalLabels(extras.replacement) : {}),
    },
    network: policy.network,
    port: { hostIp: policy.hostIp, hostPort: request.hostPort, containerPort: request.internalPort },
    restartPolicy: "unless-stopped",
    init: true,
    noNewPrivileges: true,
    pidsLimit: policy.pidsLimit,
    logging: { maxSize: policy.logMaxSize, maxFiles: policy.logMaxFiles },
    memoryBytes: policy.memoryBytes,
    nanoCpus: policy.nanoCpus,
    gpus: request.gpus,
    capabilities: policy.capabilities,
    readOnlyRootfs: policy.readOnlyRootfs,
    tmpfs: policy.readOnlyRootfs ? [{ target: "/tmp", sizeBytes: policy.tmpfsBytes }] : [],
    user: policy.user,
  };
}
