/**
 * What the inference use cases need from a container engine. Docker is the first implementation;
 * Docker Swarm and Kubernetes backends implement the same interface, so nothing outside runtime/
 * knows which engine runs the containers.
 */

/** One published port: host address and port → container port (TCP). */
export interface PortBinding {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

/** "no" while a new container proves it is ready (an exit must stay visible), "unless-stopped" once it serves. */
export type RestartPolicy = "no" | "unless-stopped";

/** GPUs a container reserves: all of the node's, a count, or named devices (ids or UUIDs). */
export type GpuRequest = { kind: "all" } | { kind: "count"; count: number } | { kind: "devices"; ids: string[] };

/**
 * Everything a container is created from. By construction there is no field for mounts, arbitrary devices,
 * privileged mode or host networking: no request can ask for them. Capabilities are only dropped, except those the
 * operator's allowlist adds back; GPUs are the one device class, and only when the operator allowed them (ALLOW_GPUS).
 */
export interface ContainerSpec {
  name: string;
  image: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  network: string;
  port: PortBinding;
  restartPolicy: RestartPolicy;
  init: boolean;
  noNewPrivileges: boolean;
  pidsLimit: number;
  logging: { maxSize: string; maxFiles: number };
  memoryBytes?: number | undefined;
  nanoCpus?: number | undefined;
  gpus?: GpuRequest | undefined;
  /** Every capability is dropped; these (names without CAP_) are added back. */
  capabilities: string[];
  /** Read-only root filesystem; `tmpfs` then holds the writable places. */
  readOnlyRootfs: boolean;
  /** Private in-memory filesystems (writable, no setuid, no devices), e.g. /tmp. */
  tmpfs: Array<{ target: string; sizeBytes: number }>;
  /** `uid[:gid]` or a user name of the image; absent = the image's own user. */
  user?: string | undefined;
}

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

/** A container as a list call returns it (one engine call for many containers). */
export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  imageId: string;
  labels: Record<string, string>;
  state: ContainerState;
  /** The engine's human text, e.g. "Up 3 minutes". */
  status: string;
  created: Date;
  ports: PortBinding[];
}

/** A container as inspect returns it. */
export interface ContainerDetails extends ContainerSummary {
  running: boolean;
  restarting: boolean;
  exitCode: number;
  restartCount: number;
  restartPolicy: string;
  /** Health-check status when the image defines one. */
  health?: string | undefined;
  startedAt?: Date | undefined;
  finishedAt?: Date | undefined;
  /** The engine's last error for this container (e.g. why it could not start). */
  error?: string | undefined;
  /** Address per network the container is attached to. */
  ipAddresses: Record<string, string>;
}

export interface ContainerFilter {
  /** `key=value` or `key` labels that must all be present. */
  labels?: string[];
  /** Only containers that publish this host port. */
  publishedPort?: number;
  /** Include stopped containers. */
  all?: boolean;
}

export interface ImageToPull {
  /** The reference as the engine takes it, e.g. `127.0.0.1:5000/model:2`. */
  reference: string;
  /** The registry host whose credentials apply, e.g. `docker.io` or `127.0.0.1:5000`. */
  registry: string;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
}

/** A running subscription to engine events. */
export interface Watch {
  stop(): void;
}

export interface ContainerRuntime {
  /** Answers the engine's version, or throws RuntimeError("unavailable"). */
  info(): Promise<EngineInfo>;

  /** Pulls with the registry's credentials; resolves only after the whole progress stream was read without an error. */
  pullImage(image: ImageToPull): Promise<void>;
  /** The local image id a reference points at, if the image is present. */
  imageId(reference: string): Promise<string | undefined>;
  /** The labels an image was built with (its config's), or undefined when the image is not on the engine. */
  imageLabels(imageId: string): Promise<Record<string, string> | undefined>;
  /**
   * Removes the tag `tag` when it names the image `imageId`, or the image itself when no tag names it; tags others
   * gave the image are never removed. True when the image is gone from the engine by this call.
   */
  removeImage(imageId: string, tag?: string): Promise<boolean>;

  networkExists(name: string): Promise<boolean>;
  createNetwork(name: string, labels: Record<string, string>): Promise<void>;

  createContainer(spec: ContainerSpec): Promise<string>;
  /** Starting a running container is not an error. */
  startContainer(id: string): Promise<void>;
  /** Stopping a stopped container is not an error. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Force-removes with its anonymous volumes (named volumes stay); removing a missing container is not an error. */
  removeContainer(id: string): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
  setRestartPolicy(id: string, policy: RestartPolicy): Promise<void>;
  /**
   * The container with exactly this full id or exactly this name; undefined when none. Never a container whose
   * id merely starts with the text (Docker's inspect resolves id prefixes; the answer is checked).
   */
  inspectContainer(idOrName: string): Promise<ContainerDetails | undefined>;
  listContainers(filter: ContainerFilter): Promise<ContainerSummary[]>;
  /** The last `tail` lines of stdout and stderr, interleaved as written. */
  containerLogs(id: string, tail: number): Promise<string[]>;
  /**
   * Calls `onChange` whenever a container carrying all `labels` changes (created, started, died,
   * renamed, removed, health…), and `onEnd` once if the subscription breaks (not after `stop`).
   */
  watchContainers(labels: string[], onChange: () => void, onEnd: (err?: unknown) => void): Promise<Watch>;
}
