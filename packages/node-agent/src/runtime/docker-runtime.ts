import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import type {
  ContainerDetails,
  ContainerFilter,
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  EngineInfo,
  GpuRequest,
  ImageToPull,
  PortBinding,
  RestartPolicy,
  Watch,
} from "./container-runtime.js";
import { engineFailureKind, engineMessage, isNotFound, pullFailureKind, toRuntimeError } from "./docker-errors.js";
import { logLines } from "./log-frames.js";
import { consumePullStream, PullStreamError } from "./pull-progress.js";
import { engineRegistryAuth } from "./registry-auth.js";
import { RuntimeError } from "./runtime-error.js";

const REMOVAL_WAIT_MS = 30_000;
/** Image labels remembered (by image id) before the cache starts over. */
const IMAGE_LABEL_CACHE_SIZE = 1000;

/** Where the engine answers and where the registry credentials are: what both Docker adapters start from. */
export interface EngineOptions {
  /** `unix:///var/run/docker.sock` or `tcp://host:2375`, as DOCKER_HOST. */
  dockerHost: string;
  /** The Docker config file holding registry credentials. */
  dockerConfigFile: string;
}

export interface DockerRuntimeOptions extends EngineOptions {
  /** Bound on one pull, request to last progress line: a registry that stops answering must not hold a deployment forever. */
  pullTimeoutMs: number;
}

/**
 * Subscribes to the engine's events for each set of filters: `onChange` on any event, `onEnd` once when a stream
 * breaks (every stream is closed then), never after `stop`.
 */
export async function watchEngineEvents(
  docker: Docker,
  filterSets: object[],
  onChange: () => void,
  onEnd: (err?: unknown) => void,
  what: string,
): Promise<Watch> {
  const controller = new AbortController();
  const streams: Readable[] = [];
  const close = () => {
    controller.abort();
    for (const stream of streams) stream.destroy();
  };
  try {
    for (const filters of filterSets) {
      streams.push((await docker.getEvents({ filters: JSON.stringify(filters), abortSignal: controller.signal })) as Readable);
    }
  } catch (err) {
    close();
    throw toRuntimeError(err, what);
  }
  let over = false;
  const end = (err?: unknown) => {
    if (over) return;
    over = true;
    close();
    onEnd(err);
  };
  for (const stream of streams) {
    stream.on("data", onChange);
    stream.once("error", end);
    stream.once("end", () => end());
    stream.once("close", () => end());
  }
  return {
    stop: () => {
      over = true;
      close();
    },
  };
}

/** dockerode connection options for a DOCKER_HOST value. */
export function dockerConnection(dockerHost: string): Docker.DockerOptions {
  if (dockerHost.startsWith("unix://")) return { socketPath: dockerHost.slice("unix://".length) };
  const url = new URL(dockerHost.replace(/^tcp:\/\//, "http://"));
  return { protocol: url.protocol === "https:" ? "https" : "http", host: url.hostname, port: Number(url.port || 2375) };
}

/** Splits `name:tag` / `name@digest` the way the Engine API's `fromImage` + `tag` want it. */
function splitReference(reference: string): { fromImage: string; tag: string } {
  const at = reference.indexOf("@");
  if (at >= 0) return { fromImage: reference.slice(0, at), tag: reference.slice(at + 1) };
  const colon = reference.lastIndexOf(":");
  if (colon > reference.lastIndexOf("/")) return { fromImage: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { fromImage: reference, tag: "latest" };
}

export function parseDate(text: string | undefined): Date | undefined {
  if (!text || text.startsWith("0001-01-01")) return undefined;
  return new Date(text);
}

function portBindings(bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | undefined): PortBinding[] {
  const result: PortBinding[] = [];
  for (const [key, hosts] of Object.entries(bindings ?? {})) {
    for (const host of hosts ?? []) {
      if (!host.HostPort) continue;
      result.push({ hostIp: host.HostIp || "0.0.0.0", hostPort: Number(host.HostPort), containerPort: Number.parseInt(key, 10) });
    }
  }
  return result;
}

/** GPUs as `docker run --gpus` asks for them: the NVIDIA driver with the "gpu" capability. */
function gpuDeviceRequest(gpus: GpuRequest): Docker.DeviceRequest {
  const request = { Driver: "nvidia", Capabilities: [["gpu"]] };
  if (gpus.kind === "all") return { ...request, Count: -1 };
  if (gpus.kind === "count") return { ...request, Count: gpus.count };
  return { ...request, DeviceIDs: gpus.ids };
}

/** The ContainerRuntime over a Docker engine (Engine API 1.41+, i.e. Docker 20.10 and newer). */
export class DockerRuntime implements ContainerRuntime {
  readonly #docker: Docker;
  readonly #configFile: string;
  readonly #pullTimeoutMs: number;
  readonly #imageLabels = new Map<string, Record<string, string>>();

  constructor(options: DockerRuntimeOptions) {
    this.#docker = new Docker(dockerConnection(options.dockerHost));
    this.#configFile = options.dockerConfigFile;
    this.#pullTimeoutMs = options.pullTimeoutMs;
  }

  async info(): Promise<EngineInfo> {
    try {
      const version = await this.#docker.version();
      return { version: version.Version, apiVersion: version.ApiVersion };
    } catch (err) {
      throw toRuntimeError(err, "report its version", engineFailureKind(err) === "engine" ? "unavailable" : undefined);
    }
  }

  async pullImage(image: ImageToPull): Promise<void> {
    const authconfig = await engineRegistryAuth(image.registry, this.#configFile);
    const action = `pull ${image.reference}`;
    const signal = AbortSignal.timeout(this.#pullTimeoutMs);
    const timedOut = (err: unknown) => {
      const message = `Pulling ${image.reference} did not finish within ${this.#pullTimeoutMs / 1000} s (PULL_TIMEOUT_SECONDS).`;
      return new RuntimeError("registry-timeout", message, "no answer in time", { cause: err });
    };
    let stream: Readable;
    try {
      stream = (await this.#docker.createImage({
        ...splitReference(image.reference),
        authconfig,
        abortSignal: signal,
      })) as Readable;
    } catch (err) {
      if (signal.aborted) throw timedOut(err);
      const kind = engineFailureKind(err);
      throw toRuntimeError(err, action, kind === "unavailable" ? kind : pullFailureKind(engineMessage(err)));
    }
    try {
      await consumePullStream(stream);
    } catch (err) {
      if (signal.aborted) throw timedOut(err);
      const message = (err as Error).message;
      const kind = err instanceof PullStreamError ? pullFailureKind(message) : "registry";
      throw new RuntimeError(kind, `Docker could not ${action}: ${message}`, message, { cause: err });
    }
  }

  async imageId(reference: string): Promise<string | undefined> {
    try {
      return (await this.#docker.getImage(reference).inspect()).Id;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toRuntimeError(err, `inspect image ${reference}`);
    }
  }

  async imageLabels(imageId: string): Promise<Record<string, string> | undefined> {
    const cached = this.#imageLabels.get(imageId);
    if (cached) return cached;
    let labels: Record<string, string>;
    try {
      labels = (await this.#docker.getImage(imageId).inspect()).Config?.Labels ?? {};
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toRuntimeError(err, `inspect image ${imageId}`);
    }
    // An image id is the digest of its config, labels included: what is cached never goes stale.
    if (this.#imageLabels.size >= IMAGE_LABEL_CACHE_SIZE) this.#imageLabels.clear();
    this.#imageLabels.set(imageId, labels);
    return labels;
  }

  async removeImage(imageId: string, tag?: string): Promise<boolean> {
    try {
      if (tag && (await this.imageId(tag)) === imageId) {
        // The engine deletes the image with its last tag; tags others gave it keep it. noprune: untagged parent
        // images are the layer cache of someone's local builds (perhaps running now), never something the agent pulled.
        await this.#docker.getImage(tag).remove({ noprune: true });
        return (await this.imageId(imageId)) === undefined;
      }
      const { RepoTags } = await this.#docker.getImage(imageId).inspect();
      if ((RepoTags ?? []).some((name) => name !== "<none>:<none>")) return false;
      await this.#docker.getImage(imageId).remove({ noprune: true });
      return true;
    } catch (err) {
      const kind = engineFailureKind(err);
      if (isNotFound(err) || (err as { statusCode?: number }).statusCode === 409) return false;
      throw toRuntimeError(err, `remove image ${imageId}`, kind);
    }
  }

  async networkExists(name: string): Promise<boolean> {
    try {
      await this.#docker.getNetwork(name).inspect();
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw toRuntimeError(err, `inspect network ${name}`);
    }
  }

  async createNetwork(name: string, labels: Record<string, string>): Promise<void> {
    try {
      await this.#docker.createNetwork({ Name: name, Driver: "bridge", CheckDuplicate: true, Labels: labels });
    } catch (err) {
      // Created meanwhile by someone else: what we wanted.
      if ((err as { statusCode?: number }).statusCode === 409) return;
      throw toRuntimeError(err, `create network ${name}`);
    }
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const port = `${spec.port.containerPort}/tcp`;
    try {
      const container = await this.#docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
        Labels: spec.labels,
        ...(spec.user ? { User: spec.user } : {}),
        ExposedPorts: { [port]: {} },
        HostConfig: {
          PortBindings: { [port]: [{ HostIp: spec.port.hostIp, HostPort: String(spec.port.hostPort) }] },
          NetworkMode: spec.network,
          RestartPolicy: { Name: spec.restartPolicy },
          Init: spec.init,
          SecurityOpt: spec.noNewPrivileges ? ["no-new-privileges:true"] : [],
          CapDrop: ["ALL"],
          CapAdd: spec.capabilities,
          ReadonlyRootfs: spec.readOnlyRootfs,
          // exec allowed: ML runtimes unpack and load native code there; nosuid/nodev keep it from granting anything.
          Tmpfs: Object.fromEntries(spec.tmpfs.map((fs) => [fs.target, `rw,nosuid,nodev,size=${fs.sizeBytes}`])),
          PidsLimit: spec.pidsLimit,
          LogConfig: {
            Type: "json-file",
            Config: { "max-size": spec.logging.maxSize, "max-file": String(spec.logging.maxFiles) },
          },
          ...(spec.memoryBytes ? { Memory: spec.memoryBytes } : {}),
          ...(spec.nanoCpus ? { NanoCpus: spec.nanoCpus } : {}),
          ...(spec.gpus ? { DeviceRequests: [gpuDeviceRequest(spec.gpus)] } : {}),
        },
      });
      return container.id;
    } catch (err) {
      throw toRuntimeError(err, `create container ${spec.name}`);
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).start();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 304) return;
      throw toRuntimeError(err, "start the container");
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.#docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 304) return;
      throw toRuntimeError(err, "stop the container");
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      // v: its anonymous volumes go with it (nobody can name them any more); named volumes are never removed.
      await this.#docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if (isNotFound(err)) return;
      // A container in a restart loop can still be on its way out from an earlier removal: wait for that one.
      if (/removal of container .* is already in progress/.test(engineMessage(err))) return this.#awaitGone(id);
      throw toRuntimeError(err, "remove the container");
    }
  }

  async #awaitGone(id: string): Promise<void> {
    const deadline = Date.now() + REMOVAL_WAIT_MS;
    while (Date.now() < deadline) {
      if (!(await this.inspectContainer(id))) return;
      await sleep(100);
    }
    throw new RuntimeError("engine", `Docker did not finish removing container ${id}`, "removal still in progress");
  }

  async renameContainer(id: string, name: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).rename({ name });
    } catch (err) {
      throw toRuntimeError(err, `rename the container to ${name}`);
    }
  }

  async setRestartPolicy(id: string, policy: RestartPolicy): Promise<void> {
    try {
      await this.#docker.getContainer(id).update({ RestartPolicy: { Name: policy } });
    } catch (err) {
      throw toRuntimeError(err, `set the restart policy to ${policy}`);
    }
  }

  async inspectContainer(idOrName: string): Promise<ContainerDetails | undefined> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.#docker.getContainer(idOrName).inspect();
    } catch (err) {
      // Ambiguous: the text is the start of several ids (the engine tries exact ids and names first), so no match.
      if (isNotFound(err) || /multiple IDs found with provided prefix/i.test(engineMessage(err))) return undefined;
      throw toRuntimeError(err, `inspect container ${idOrName}`);
    }
    const name = info.Name.replace(/^\//, "");
    if (info.Id !== idOrName && name !== idOrName) return undefined;
    const ipAddresses: Record<string, string> = {};
    for (const [network, settings] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
      if (settings.IPAddress) ipAddresses[network] = settings.IPAddress;
    }
    return {
      id: info.Id,
      name,
      image: info.Config.Image,
      imageId: info.Image,
      labels: info.Config.Labels ?? {},
      state: info.State.Status as ContainerState,
      status: info.State.Status,
      created: new Date(info.Created),
      ports: portBindings(info.HostConfig.PortBindings as Record<string, Array<{ HostIp?: string; HostPort?: string }>>),
      running: info.State.Running,
      restarting: info.State.Restarting,
      exitCode: info.State.ExitCode,
      restartCount: info.RestartCount,
      restartPolicy: info.HostConfig.RestartPolicy?.Name ?? "",
      health: info.State.Health?.Status,
      startedAt: parseDate(info.State.StartedAt),
      finishedAt: parseDate(info.State.FinishedAt),
      error: info.State.Error || undefined,
      ipAddresses,
    };
  }

  async listContainers(filter: ContainerFilter): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = {};
    if (filter.labels?.length) filters.label = filter.labels;
    if (filter.publishedPort !== undefined) filters.publish = [`${filter.publishedPort}/tcp`];
    let containers: Docker.ContainerInfo[];
    try {
      containers = await this.#docker.listContainers({ all: filter.all ?? false, filters: JSON.stringify(filters) });
    } catch (err) {
      throw toRuntimeError(err, "list containers");
    }
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? "").replace(/^\//, ""),
      image: c.Image,
      imageId: c.ImageID,
      labels: c.Labels ?? {},
      state: c.State as ContainerState,
      status: c.Status,
      created: new Date(c.Created * 1000),
      ports: c.Ports.filter((p) => p.PublicPort).map((p) => ({
        hostIp: p.IP ?? "0.0.0.0",
        hostPort: p.PublicPort,
        containerPort: p.PrivatePort,
      })),
    }));
  }

  watchContainers(labels: string[], onChange: () => void, onEnd: (err?: unknown) => void): Promise<Watch> {
    return watchEngineEvents(this.#docker, [{ type: ["container"], label: labels }], onChange, onEnd, "watch container events");
  }

  async containerLogs(id: string, tail: number): Promise<string[]> {
    try {
      const output = (await this.#docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false })) as Buffer;
      return logLines(output);
    } catch (err) {
      throw toRuntimeError(err, "read the container's logs");
    }
  }
}
