/**
 * What the swarm backend needs from a cluster engine: replicated services whose desired state (image,
 * replicas, placement, rollout) the engine itself keeps and converges, and the tasks that run them.
 * Docker Swarm implements it (swarm-runtime.ts); docs/kubernetes.md maps it onto a Deployment + Service.
 */
import type { ContainerSpec, EngineInfo, ImageToPull, Watch } from "./container-runtime.js";

/** How a published port reaches the tasks: the routing mesh on every node, or only the node a task runs on. */
export type PublishMode = "ingress" | "host";

export interface RolloutPolicy {
  /** start-first: a new task must run before an old one stops; stop-first frees the old task's resources first. */
  order: "start-first" | "stop-first";
  /** Tasks replaced at once. */
  parallelism: number;
  /** Pause between batches. */
  delaySeconds: number;
  /** How long a new task is watched for a failure before the rollout counts it as good. */
  monitorSeconds: number;
}

/** The generic-resource kind under which swarm nodes advertise NVIDIA GPUs (dockerd `node-generic-resources`). */
export const GPU_RESOURCE_KIND = "NVIDIA-GPU";

export interface ServiceSpec {
  /** Name, image, env, labels, network, port and limits, as the docker backend's container has them. */
  container: ContainerSpec;
  replicas: number;
  /** Swarm placement constraints, e.g. `node.labels.gpu==true`. */
  placement: string[];
  publishMode: PublishMode;
  rollout: RolloutPolicy;
}

/** A task's state as the engine reports it (swarm's TaskState). */
export type TaskState =
  | "new"
  | "allocated"
  | "pending"
  | "assigned"
  | "accepted"
  | "preparing"
  | "ready"
  | "starting"
  | "running"
  | "complete"
  | "shutdown"
  | "failed"
  | "rejected"
  | "remove"
  | "orphaned";

export interface TaskSummary {
  id: string;
  serviceId: string;
  slot: number;
  nodeId: string;
  state: TaskState;
  desiredState: TaskState;
  /** The engine's error for the task (why it failed or cannot be scheduled). */
  error?: string | undefined;
  message: string;
  exitCode?: number | undefined;
  containerId?: string | undefined;
  image: string;
  /** The service's `generation` the task was created for. */
  generation: number;
  /** Address per network the task is attached to. */
  addresses: Record<string, string>;
  created: Date;
  updated: Date;
}

/** Where a rollout stands: Swarm's UpdateStatus.State, "none" before any update. */
export type RolloutState =
  | "none"
  | "updating"
  | "paused"
  | "completed"
  | "rollback_started"
  | "rollback_paused"
  | "rollback_completed";

export interface ServiceDetails {
  id: string;
  name: string;
  /** The engine's version of the spec; an update must name it (optimistic concurrency). */
  version: number;
  labels: Record<string, string>;
  /** The image the spec names (a digest-pinned reference). */
  image: string;
  /** Bumped by every deployment, so that each one replaces the tasks; a task carries the one it was made for. */
  generation: number;
  /** The image of the spec before the last update, if any: what a rollback returns to. */
  previousImage?: string | undefined;
  replicas: number;
  publishedPorts: Array<{ publishedPort: number; targetPort: number; mode: PublishMode }>;
  rollout: { state: RolloutState; message: string };
  created: Date;
  updated: Date;
}

export interface NodeSummary {
  id: string;
  hostname: string;
  /** The address the node reaches the swarm on. */
  address: string;
  /** Generic resources the node advertises, e.g. `{ "NVIDIA-GPU": 2 }`. */
  genericResources: Record<string, number>;
}

export interface SwarmInfo extends EngineInfo {
  /** The engine is a swarm manager and may create services. */
  manager: boolean;
  /** The engine's own words when it is not. */
  swarmState: string;
}

export interface NetworkInfo {
  scope: string;
  driver: string;
  attachable: boolean;
}

export interface ServiceRuntime {
  info(): Promise<SwarmInfo>;
  network(name: string): Promise<NetworkInfo | undefined>;
  /** Creates an attachable overlay network (containers outside services may join it). */
  createOverlayNetwork(name: string, labels: Record<string, string>): Promise<void>;
  /**
   * Asks the registry, with the credentials the agent holds for it, which manifest the reference names, and
   * answers the reference pinned to that digest (`repo:tag@sha256:…`), as `docker service create` does: every
   * node then runs the same image, and a moved tag is a new spec.
   */
  resolveImage(image: ImageToPull): Promise<string>;
  /** The credentials for `registry` travel with the spec to the nodes (as `--with-registry-auth`). */
  createService(spec: ServiceSpec, registry: string): Promise<string>;
  /** Rolls the service to `spec`; the tasks made for `generation` (see nextGeneration) are the new version's. */
  updateService(service: ServiceDetails, spec: ServiceSpec, registry: string, generation: number): Promise<void>;
  /** Returns the service to the spec before its last update. */
  rollbackService(service: ServiceDetails): Promise<void>;
  /**
   * Stores a small labelled record in the cluster itself (a swarm config), apart from any service: it outlives the
   * agent, and writing or removing it never touches a service's spec or rollout. Answers its id.
   */
  createRecord(labels: Record<string, string>): Promise<string>;
  /** The records carrying all `labels` (`key=value`). */
  listRecords(labels: string[]): Promise<Array<{ id: string; labels: Record<string, string> }>>;
  /** Removes a record; one already gone is fine. */
  removeRecord(id: string): Promise<void>;
  /** undefined when no such service. */
  inspectService(idOrName: string): Promise<ServiceDetails | undefined>;
  /** Services carrying all `labels` (`key=value`). */
  listServices(labels: string[]): Promise<ServiceDetails[]>;
  /** Services that publish this port, whoever created them. */
  servicesPublishing(port: number): Promise<ServiceDetails[]>;
  /** Containers on this engine outside any service that publish this host port: name and id. */
  containersPublishing(port: number): Promise<Array<{ id: string; name: string }>>;
  /** Every task of these services the engine still reports, newest first. */
  listTasks(serviceIds: string[]): Promise<TaskSummary[]>;
  listNodes(): Promise<NodeSummary[]>;
  /**
   * The health-check status of a task's container when it runs on this engine and its image has a HEALTHCHECK;
   * undefined otherwise (a manager cannot inspect another node's containers).
   */
  containerHealth(containerId: string): Promise<string | undefined>;
  /** The last `tail` lines of every task's stdout and stderr. */
  serviceLogs(id: string, tail: number): Promise<string[]>;
  /** Removes the service and waits until its tasks are gone (their ports and addresses are free again). */
  removeService(id: string, timeoutMs: number): Promise<void>;
  /** Calls `onChange` on any service event, or a container event of a task carrying all `labels`. */
  watchServices(labels: string[], onChange: () => void, onEnd: (err?: unknown) => void): Promise<Watch>;
}
