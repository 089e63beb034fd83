import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import type { ContainerSpec, GpuRequest, ImageToPull, Watch } from "./container-runtime.js";
import { engineFailureKind, engineMessage, isNotFound, pullFailureKind, toRuntimeError } from "./docker-errors.js";
import { dockerConnection, type EngineOptions, parseDate, watchEngineEvents } from "./docker-runtime.js";
import { logLines } from "./log-frames.js";
import { engineRegistryAuth } from "./registry-auth.js";
import { RuntimeError } from "./runtime-error.js";
import {
  GPU_RESOURCE_KIND,
  type NetworkInfo,
  type NodeSummary,
  type PublishMode,
  type RolloutState,
  type ServiceDetails,
  type ServiceRuntime,
  type ServiceSpec,
  type SwarmInfo,
  type TaskState,
  type TaskSummary,
} from "./service-runtime.js";

const NS_PER_SECOND = 1e9;
/** Seconds between restarts of a failed task (Swarm's default), so a crash loop does not spin. */
const RESTART_DELAY_SECONDS = 5;

export interface SwarmRuntimeOptions extends EngineOptions {
  /** Bound on the registry lookup that pins an image to its digest. */
  registryTimeoutMs: number;
  /** Grace period before a stopped task is killed. */
  stopGraceSeconds: number;
}

/** Swarm's generic-resource reservation for GPUs; "all" has no swarm form (refused before it gets here). */
function gpuReservation(gpus: GpuRequest | undefined): object[] {
  if (!gpus || gpus.kind === "all") return [];
  if (gpus.kind === "count") return [{ DiscreteResourceSpec: { Kind: GPU_RESOURCE_KIND, Value: gpus.count } }];
  return gpus.ids.map((id) => ({ NamedResourceSpec: { Kind: GPU_RESOURCE_KIND, Value: id } }));
}

/**
 * The container part of a service spec, from the same ContainerSpec the docker backend creates containers from,
 * so that one policy (limits, init, labels, logs) applies on both backends.
 */
function taskTemplate(container: ContainerSpec, spec: ServiceSpec, stopGraceSeconds: number, forceUpdate: number) {
  return {
    ContainerSpec: {
      Image: container.image,
      Env: Object.entries(container.env).map(([key, value]) => `${key}=${value}`),
      Labels: container.labels,
      Init: container.init,
      StopGracePeriod: stopGraceSeconds * NS_PER_SECOND,
      CapabilityDrop: ["ALL"],
      CapabilityAdd: container.capabilities,
      ReadOnly: container.readOnlyRootfs,
      Mounts: container.tmpfs.map((fs) => ({
        Type: "tmpfs",
        Target: fs.target,
        TmpfsOptions: { SizeBytes: fs.sizeBytes, Mode: 0o1777 },
      })),
      ...(container.user ? { User: container.user } : {}),
    },
    Resources: {
      Limits: {
        Pids: container.pidsLimit,
        ...(container.memoryBytes ? { MemoryBytes: container.memoryBytes } : {}),
        ...(container.nanoCpus ? { NanoCPUs: container.nanoCpus } : {}),
      },
      Reservations: { GenericResources: gpuReservation(container.gpus) },
    },
    RestartPolicy: { Condition: "any", Delay: RESTART_DELAY_SECONDS * NS_PER_SECOND, MaxAttempts: 0 },
    Placement: { Constraints: spec.placement },
    Networks: [{ Target: container.network }],
    LogDriver: {
      Name: "json-file",
      Options: { "max-size": container.logging.maxSize, "max-file": String(container.logging.maxFiles) },
    },
    // Every deployment replaces the tasks, even when the spec is unchanged (a redeploy of the same digest).
    ForceUpdate: forceUpdate,
  };
}

function serviceBody(spec: ServiceSpec, stopGraceSeconds: number, forceUpdate: number) {
  const { container, rollout } = spec;
  const rolloutConfig = {
    Parallelism: rollout.parallelism,
    Delay: rollout.delaySeconds * NS_PER_SECOND,
    Monitor: rollout.monitorSeconds * NS_PER_SECOND,
    MaxFailureRatio: 0,
    Order: rollout.order,
  };
  return {
    Name: container.name,
    Labels: container.labels,
    TaskTemplate: taskTemplate(container, spec, stopGraceSeconds, forceUpdate),
    Mode: { Replicated: { Replicas: spec.replicas } },
    // A new task that fails within the monitor window rolls the whole service back to the previous spec.
    UpdateConfig: { ...rolloutConfig, FailureAction: "rollback" },
    RollbackConfig: { ...rolloutConfig, FailureAction: "pause" },
    EndpointSpec: {
      Mode: "vip",
      Ports: [
        {
          Protocol: "tcp",
          TargetPort: container.port.containerPort,
          PublishedPort: container.port.hostPort,
          PublishMode: spec.publishMode,
        },
      ],
    },
  };
}

// Only the fields read here; dockerode's types leave most of a service untyped.
interface RawService {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    TaskTemplate?: { ContainerSpec?: { Image?: string }; ForceUpdate?: number };
    Mode?: { Replicated?: { Replicas?: number } };
    EndpointSpec?: { Ports?: Array<{ TargetPort?: number; PublishedPort?: number; PublishMode?: string }> };
  };
  PreviousSpec?: { TaskTemplate?: { ContainerSpec?: { Image?: string } } };
  UpdateStatus?: { State?: string; Message?: string };
}

interface RawTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  DesiredState?: string;
  Spec?: { ContainerSpec?: { Image?: string }; ForceUpdate?: number };
  Status?: {
    State?: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
  };
  NetworksAttachments?: Array<{ Network?: { Spec?: { Name?: string } }; Addresses?: string[] }>;
}

function serviceDetails(raw: RawService): ServiceDetails {
  const spec = raw.Spec ?? {};
  return {
    id: raw.ID,
    name: spec.Name ?? "",
    version: raw.Version?.Index ?? 0,
    labels: spec.Labels ?? {},
    image: spec.TaskTemplate?.ContainerSpec?.Image ?? "",
    generation: spec.TaskTemplate?.ForceUpdate ?? 0,
    previousImage: raw.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image,
    replicas: spec.Mode?.Replicated?.Replicas ?? 0,
    publishedPorts: (spec.EndpointSpec?.Ports ?? [])
      .filter((p) => p.PublishedPort)
      .map((p) => ({
        publishedPort: p.PublishedPort ?? 0,
        targetPort: p.TargetPort ?? 0,
        mode: (p.PublishMode ?? "ingress") as PublishMode,
      })),
    rollout: {
      state: (raw.UpdateStatus?.State ?? "none") as RolloutState,
      message: raw.UpdateStatus?.Message ?? "",
    },
    created: parseDate(raw.CreatedAt) ?? new Date(0),
    updated: parseDate(raw.UpdatedAt) ?? new Date(0),
  };
}

function taskSummary(raw: RawTask): TaskSummary {
  const addresses: Record<string, string> = {};
  for (const attachment of raw.NetworksAttachments ?? []) {
    const name = attachment.Network?.Spec?.Name;
    const address = attachment.Addresses?.[0]?.split("/")[0];
    if (name && address) addresses[name] = address;
  }
  return {
    id: raw.ID,
    serviceId: raw.ServiceID,
    slot: raw.Slot ?? 0,
    nodeId: raw.NodeID ?? "",
    state: (raw.Status?.State ?? "new") as TaskState,
    desiredState: (raw.DesiredState ?? "running") as TaskState,
    error: raw.Status?.Err || undefined,
    message: raw.Status?.Message ?? "",
    exitCode: raw.Status?.ContainerStatus?.ExitCode,
    containerId: raw.Status?.ContainerStatus?.ContainerID || undefined,
    image: raw.Spec?.ContainerSpec?.Image ?? "",
    generation: raw.Spec?.ForceUpdate ?? 0,
    addresses,
    created: parseDate(raw.CreatedAt) ?? new Date(0),
    updated: parseDate(raw.UpdatedAt) ?? new Date(0),
  };
}

/** The ServiceRuntime over a Docker engine in swarm mode (a manager; Engine API 1.41+). */
export class SwarmRuntime implements ServiceRuntime {
  readonly #docker: Docker;
  readonly #options: SwarmRuntimeOptions;

  constructor(options: SwarmRuntimeOptions) {
    this.#docker = new Docker(dockerConnection(options.dockerHost));
    this.#options = options;
  }

  async info(): Promise<SwarmInfo> {
    try {
      const [version, info] = await Promise.all([this.#docker.version(), this.#docker.info()]);
      const swarm = (info as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }).Swarm ?? {};
      return {
        version: version.Version,
        apiVersion: version.ApiVersion,
        manager: swarm.ControlAvailable === true,
        swarmState: swarm.LocalNodeState ?? "inactive",
      };
    } catch (err) {
      throw toRuntimeError(err, "report its version", engineFailureKind(err) === "engine" ? "unavailable" : undefined);
    }
  }

  async network(name: string): Promise<NetworkInfo | undefined> {
    try {
      const info = await this.#docker.getNetwork(name).inspect();
      return { scope: info.Scope, driver: info.Driver, attachable: info.Attachable === true };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toRuntimeError(err, `inspect network ${name}`);
    }
  }

  async createOverlayNetwork(name: string, labels: Record<string, string>): Promise<void> {
    try {
      await this.#docker.createNetwork({ Name: name, Driver: "overlay", Attachable: true, CheckDuplicate: true, Labels: labels });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 409) return;
      throw toRuntimeError(err, `create overlay network ${name}`);
    }
  }

  async resolveImage(image: ImageToPull): Promise<string> {
    const authconfig = await engineRegistryAuth(image.registry, this.#options.dockerConfigFile);
    const signal = AbortSignal.timeout(this.#options.registryTimeoutMs);
    let answer: { Descriptor?: { digest?: string } };
    try {
      // dockerode's distribution call takes no abort signal: the agent stops waiting, the engine's request runs out.
      const timedOut = new Promise<never>((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
      );
      answer = await Promise.race([this.#docker.getImage(image.reference).distribution({ authconfig }), timedOut]);
    } catch (err) {
      if (signal.aborted) {
        const message = `Looking up ${image.reference} did not finish within ${this.#options.registryTimeoutMs / 1000} s (PULL_TIMEOUT_SECONDS).`;
        throw new RuntimeError("registry-timeout", message, "no answer in time", { cause: err });
      }
      const kind = engineFailureKind(err);
      throw toRuntimeError(
        err,
        `look up ${image.reference}`,
        kind === "unavailable" ? kind : pullFailureKind(engineMessage(err)),
      );
    }
    const digest = answer.Descriptor?.digest;
    if (!digest)
      throw new RuntimeError("registry", `The registry named no digest for ${image.reference}.`, JSON.stringify(answer));
    return image.reference.includes("@") ? image.reference : `${image.reference}@${digest}`;
  }

  async createService(spec: ServiceSpec, registry: string): Promise<string> {
    const authconfig = await engineRegistryAuth(registry, this.#options.dockerConfigFile);
    try {
      const created = (await this.#docker.createService(
        authconfig as Docker.AuthConfig,
        {
          _body: serviceBody(spec, this.#options.stopGraceSeconds, 0),
        } as unknown as Docker.CreateServiceOptions,
      )) as { ID?: string; id?: string };
      return created.ID ?? created.id ?? "";
    } catch (err) {
      throw toRuntimeError(err, `create service ${spec.container.name}`);
    }
  }

  async updateService(service: ServiceDetails, spec: ServiceSpec, registry: string, generation: number): Promise<void> {
    const authconfig = await engineRegistryAuth(registry, this.#options.dockerConfigFile);
    await this.#update(service, authconfig, serviceBody(spec, this.#options.stopGraceSeconds, generation), {});
  }

  async rollbackService(service: ServiceDetails): Promise<void> {
    const current = await this.#raw(service.id);
    if (!current?.Spec) throw new RuntimeError("not-found", `The service ${service.name} is gone.`, "no such service");
    // The engine ignores the body of a server-side rollback, but wants one.
    await this.#update(service, undefined, current.Spec, { rollback: "previous" });
  }

  async createRecord(labels: Record<string, string>): Promise<string> {
    try {
      const created = (await this.#docker.createConfig({
        Name: `clarus-record-${randomBytes(12).toString("hex")}`,
        Labels: labels,
        Data: Buffer.from("{}").toString("base64"),
      })) as { id?: string; ID?: string };
      return created.ID ?? created.id ?? "";
    } catch (err) {
      throw toRuntimeError(err, "create a swarm config");
    }
  }

  async listRecords(labels: string[]): Promise<Array<{ id: string; labels: Record<string, string> }>> {
    try {
      const configs = await this.#docker.listConfigs({ filters: { label: labels } });
      return configs.map((config) => ({ id: config.ID, labels: config.Spec?.Labels ?? {} }));
    } catch (err) {
      throw toRuntimeError(err, "list swarm configs");
    }
  }

  async removeRecord(id: string): Promise<void> {
    try {
      await this.#docker.getConfig(id).remove();
    } catch (err) {
      if (!isNotFound(err)) throw toRuntimeError(err, "remove a swarm config");
    }
  }

  async #update(service: ServiceDetails, authconfig: unknown, body: object, query: Record<string, string>): Promise<void> {
    try {
      const latest = (await this.#raw(service.id))?.Version?.Index ?? service.version;
      await this.#docker
        .getService(service.id)
        .update(authconfig as Docker.AuthConfig, { _query: { version: latest, ...query }, _body: body } as never);
    } catch (err) {
      throw toRuntimeError(err, `update service ${service.name}`);
    }
  }

  async #raw(id: string): Promise<RawService | undefined> {
    try {
      return (await this.#docker.getService(id).inspect()) as RawService;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toRuntimeError(err, `inspect service ${id}`);
    }
  }

  async inspectService(idOrName: string): Promise<ServiceDetails | undefined> {
    const raw = await this.#raw(idOrName);
    // The engine also resolves id prefixes and names loosely: only an exact name or id counts.
    if (!raw || (raw.Spec?.Name !== idOrName && raw.ID !== idOrName)) return undefined;
    return serviceDetails(raw);
  }

  async listServices(labels: string[]): Promise<ServiceDetails[]> {
    try {
      const raw = (await this.#docker.listServices({ filters: { label: labels } })) as unknown as RawService[];
      return raw.map(serviceDetails);
    } catch (err) {
      throw toRuntimeError(err, "list services");
    }
  }

  async servicesPublishing(port: number): Promise<ServiceDetails[]> {
    return (await this.listServices([])).filter((s) => s.publishedPorts.some((p) => p.publishedPort === port));
  }

  async containersPublishing(port: number): Promise<Array<{ id: string; name: string }>> {
    try {
      const containers = await this.#docker.listContainers({ filters: { publish: [`${port}/tcp`] } });
      return containers
        .filter((c) => !c.Labels?.["com.docker.swarm.service.id"])
        .map((c) => ({ id: c.Id, name: (c.Names[0] ?? "").replace(/^\//, "") }));
    } catch (err) {
      throw toRuntimeError(err, "list containers");
    }
  }

  async listTasks(serviceIds: string[]): Promise<TaskSummary[]> {
    if (serviceIds.length === 0) return [];
    let raw: RawTask[];
    try {
      raw = (await this.#docker.listTasks({ filters: { service: serviceIds } })) as unknown as RawTask[];
    } catch (err) {
      if (!isNotFound(err)) throw toRuntimeError(err, "list tasks");
      // A service removed meanwhile has no tasks; the engine refuses the whole filter for it.
      if (serviceIds.length === 1) return [];
      return (await Promise.all(serviceIds.map((id) => this.listTasks([id])))).flat();
    }
    return raw
      .map(taskSummary)
      .filter((task) => serviceIds.includes(task.serviceId))
      .sort((a, b) => b.created.getTime() - a.created.getTime());
  }

  async listNodes(): Promise<NodeSummary[]> {
    try {
      const raw = (await this.#docker.listNodes()) as Array<{
        ID: string;
        Description?: {
          Hostname?: string;
          Resources?: { GenericResources?: Array<{ DiscreteResourceSpec?: { Kind?: string; Value?: number } }> };
        };
        Status?: { Addr?: string };
      }>;
      return raw.map((node) => {
        const genericResources: Record<string, number> = {};
        for (const resource of node.Description?.Resources?.GenericResources ?? []) {
          const kind = resource.DiscreteResourceSpec?.Kind;
          if (kind) genericResources[kind] = (genericResources[kind] ?? 0) + (resource.DiscreteResourceSpec?.Value ?? 0);
        }
        return {
          id: node.ID,
          hostname: node.Description?.Hostname ?? node.ID,
          address: node.Status?.Addr ?? "",
          genericResources,
        };
      });
    } catch (err) {
      throw toRuntimeError(err, "list nodes");
    }
  }

  async containerHealth(containerId: string): Promise<string | undefined> {
    try {
      return (await this.#docker.getContainer(containerId).inspect()).State.Health?.Status;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toRuntimeError(err, `inspect container ${containerId}`);
    }
  }

  async serviceLogs(id: string, tail: number): Promise<string[]> {
    try {
      const output = (await this.#docker
        .getService(id)
        .logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
      return logLines(output);
    } catch (err) {
      throw toRuntimeError(err, "read the service's logs");
    }
  }

  async removeService(id: string, timeoutMs: number): Promise<void> {
    try {
      await this.#docker.getService(id).remove();
    } catch (err) {
      if (!isNotFound(err)) throw toRuntimeError(err, "remove the service");
    }
    // The tasks' containers hold the published port (host mode) and the name until they are gone; this engine
    // sees those of its own node.
    const filters = { label: [`com.docker.swarm.service.id=${id}`] };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const left = await this.#docker.listContainers({ all: true, filters }).catch((err: unknown) => {
        throw toRuntimeError(err, "list the service's containers");
      });
      if (left.length === 0 && (await this.listTasks([id])).length === 0) return;
      await sleep(200);
    }
    throw new RuntimeError(
      "engine",
      `Docker did not finish removing the tasks of service ${id}`,
      "task removal still in progress",
    );
  }

  watchServices(labels: string[], onChange: () => void, onEnd: (err?: unknown) => void): Promise<Watch> {
    // Service events carry no labels: every service event counts; container events only for this agent's tasks.
    const filterSets = [{ type: ["service"] }, { type: ["container"], label: labels }];
    return watchEngineEvents(this.#docker, filterSets, onChange, onEnd, "watch service events");
  }
}
