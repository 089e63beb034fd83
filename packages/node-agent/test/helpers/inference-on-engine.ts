// What the engine itself holds for an inference, read the same way on both backends: the container the docker
// backend runs, or the running task's container of the swarm backend's service (a one-node swarm runs every task on
// this engine). Test files state one guarantee and check it on either backend through these helpers.
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { testDocker } from "../support/engine.js";
import { eventually } from "../support/eventually.js";

/** An inference's container rights and limits as `docker inspect` shows them, in one shape for both backends. */
export interface ContainerPolicyView {
  privileged: boolean;
  capDrop: string[];
  capAdd: string[];
  readOnlyRootfs: boolean;
  /** tmpfs mounts: target → size in bytes. */
  tmpfs: Record<string, number>;
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number;
  init: boolean;
  noNewPrivileges: boolean;
  log: { type: string; config: Record<string, string> };
  user: string;
  /** Bind mounts, devices and volumes: none unless the image declares a volume. */
  binds: string[];
  devices: unknown[];
  volumes: string[];
  /** The networks it is attached to. */
  networks: string[];
  /** Its published ports; hostIp "" is every interface. */
  published: Array<{ hostIp: string; hostPort: number; containerPort: number }>;
  /** Started again by the engine when it exits: the container's restart policy, or the service's. */
  restartsOnExit: boolean;
}

const SERVICE_NAME_LABEL = "com.docker.swarm.service.name";

function tmpfsSize(options: string): number {
  return Number(/size=(\d+)/.exec(options)?.[1] ?? 0);
}

export interface InferenceOnEngine {
  runtime: "docker" | "swarm";
  /** The state the list reports once `stopOutside` took effect: the container exited, or the service has no task. */
  stoppedState: string;
  /** The inference's container (a running one first), or undefined when none is left at all. */
  container(inferenceId: string): Promise<Docker.Container | undefined>;
  /** Runs `cmd` in its running container; its stdout and stderr. */
  exec(inferenceId: string, cmd: string[]): Promise<string>;
  /** The engine object the inference is: the container's id, or the service's. */
  engineId(inferenceId: string): Promise<string | undefined>;
  policy(inferenceId: string): Promise<ContainerPolicyView>;
  /**
   * Each inference whose name starts with `prefix`, one line "name image state": the containers by name, or the
   * services (their image label and how many tasks run).
   */
  snapshot(prefix: string): Promise<string[]>;
  /** Stops it as an operator would outside the agent: `docker stop`, or `docker service scale <id>=0`. */
  stopOutside(inferenceId: string): Promise<void>;
  /** Starts it again the same way. */
  startOutside(inferenceId: string): Promise<void>;
}

/** The helpers for `runtime`. */
export function inferenceOnEngine(runtime: "docker" | "swarm"): InferenceOnEngine {
  return runtime === "swarm" ? swarmInferences : dockerInferences;
}

async function execIn(container: Docker.Container, cmd: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  testDocker.modem.demuxStream(stream, stdout, stdout);
  await new Promise<void>((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
  });
  return Buffer.concat(chunks).toString("utf8");
}

async function containerPolicy(container: Docker.Container, restartsOnExit: boolean): Promise<ContainerPolicyView> {
  const inspected = await container.inspect();
  const host = inspected.HostConfig as Docker.HostConfig & {
    Init?: boolean;
    Mounts?: Array<{ Type?: string; Target?: string; TmpfsOptions?: { SizeBytes?: number } }>;
  };
  const tmpfs: Record<string, number> = {};
  for (const [target, options] of Object.entries(host.Tmpfs ?? {})) tmpfs[target] = tmpfsSize(options);
  for (const mount of host.Mounts ?? []) {
    if (mount.Type === "tmpfs" && mount.Target) tmpfs[mount.Target] = mount.TmpfsOptions?.SizeBytes ?? 0;
  }
  const published = Object.entries(host.PortBindings ?? {}).flatMap(([key, bindings]) =>
    ((bindings as Array<{ HostIp?: string; HostPort?: string }> | null) ?? []).map((binding) => ({
      hostIp: binding.HostIp ?? "",
      hostPort: Number(binding.HostPort),
      containerPort: Number.parseInt(key, 10),
    })),
  );
  return {
    privileged: host.Privileged === true,
    capDrop: host.CapDrop ?? [],
    capAdd: ((host.CapAdd ?? []) as string[]).map((cap) => cap.replace(/^CAP_/, "")),
    readOnlyRootfs: host.ReadonlyRootfs === true,
    tmpfs,
    memoryBytes: host.Memory ?? 0,
    nanoCpus: host.NanoCpus ?? 0,
    pidsLimit: host.PidsLimit ?? 0,
    init: host.Init === true,
    noNewPrivileges: (host.SecurityOpt ?? []).includes("no-new-privileges:true"),
    log: { type: host.LogConfig?.Type ?? "", config: (host.LogConfig?.Config ?? {}) as Record<string, string> },
    user: inspected.Config.User ?? "",
    binds: host.Binds ?? [],
    devices: host.Devices ?? [],
    volumes: inspected.Mounts.filter((mount) => mount.Type !== "tmpfs").map((mount) => mount.Destination),
    networks: Object.keys(inspected.NetworkSettings.Networks ?? {}),
    published,
    restartsOnExit,
  };
}

const dockerInferences: InferenceOnEngine = {
  runtime: "docker",
  stoppedState: "exited",
  async container(inferenceId) {
    const [found] = await testDocker.listContainers({
      all: true,
      filters: { name: [`^/${inferenceId.replace(/\./g, "\\.")}$`] },
    });
    return found ? testDocker.getContainer(found.Id) : undefined;
  },
  async engineId(inferenceId) {
    return (await (await this.container(inferenceId))?.inspect())?.Id;
  },
  async exec(inferenceId, cmd) {
    return execIn(testDocker.getContainer(inferenceId), cmd);
  },
  async policy(inferenceId) {
    const container = testDocker.getContainer(inferenceId);
    const restart = (await container.inspect()).HostConfig.RestartPolicy?.Name;
    return containerPolicy(container, restart === "unless-stopped");
  },
  async snapshot(prefix) {
    const containers = await testDocker.listContainers({ all: true, filters: { name: [prefix] } });
    return containers
      .map((c) => `${c.Names[0]?.slice(1)} ${c.Image} ${c.State}`)
      .filter((line) => line.startsWith(prefix))
      .sort();
  },
  async stopOutside(inferenceId) {
    await testDocker.getContainer(inferenceId).stop({ t: 1 });
  },
  async startOutside(inferenceId) {
    await testDocker.getContainer(inferenceId).start();
  },
};

async function serviceNamed(name: string) {
  const [found] = (await testDocker.listServices({ filters: { name: [name] } })).filter((s) => s.Spec?.Name === name);
  return found;
}

async function scale(inferenceId: string, replicas: number): Promise<void> {
  const service = await serviceNamed(inferenceId);
  if (!service?.Spec || !service.ID) throw new Error(`no service ${inferenceId}`);
  await testDocker
    .getService(service.ID)
    .update({ version: service.Version?.Index, ...service.Spec, Mode: { Replicated: { Replicas: replicas } } } as never);
}

const swarmInferences: InferenceOnEngine = {
  runtime: "swarm",
  stoppedState: "stopped",
  async container(inferenceId) {
    const tasks = await testDocker.listContainers({ all: true, filters: { label: [`${SERVICE_NAME_LABEL}=${inferenceId}`] } });
    const [first] = tasks.sort((a, b) => Number(b.State === "running") - Number(a.State === "running"));
    return first ? testDocker.getContainer(first.Id) : undefined;
  },
  async exec(inferenceId, cmd) {
    const container = await this.container(inferenceId);
    if (!container) throw new Error(`no task container for ${inferenceId}`);
    return execIn(container, cmd);
  },
  async engineId(inferenceId) {
    return (await serviceNamed(inferenceId))?.ID;
  },
  async policy(inferenceId) {
    const container = await this.container(inferenceId);
    if (!container) throw new Error(`no running task container for ${inferenceId}`);
    const service = await serviceNamed(inferenceId);
    const condition = (service?.Spec?.TaskTemplate as { RestartPolicy?: { Condition?: string } } | undefined)?.RestartPolicy
      ?.Condition;
    return containerPolicy(container, condition === "any");
  },
  async snapshot(prefix) {
    const services = (await testDocker.listServices({ filters: { name: [prefix] } })).filter((s) =>
      s.Spec?.Name?.startsWith(prefix),
    );
    const lines = await Promise.all(
      services.map(async (service) => {
        const tasks = await testDocker.listTasks({ filters: { service: [service.ID ?? ""], "desired-state": ["running"] } });
        const running = tasks.filter((task) => task.Status?.State === "running").length;
        const replicas = service.Spec?.Mode?.Replicated?.Replicas ?? 0;
        const state = replicas === 0 ? "stopped" : running >= replicas ? "running" : "starting";
        return `${service.Spec?.Name} ${service.Spec?.Labels?.["clarus.inference.image"]} ${state}`;
      }),
    );
    return lines.sort();
  },
  async stopOutside(inferenceId) {
    await scale(inferenceId, 0);
    // Its task is gone once scaled to 0.
    await eventually(async () => {
      const running = await testDocker.listContainers({ filters: { label: [`${SERVICE_NAME_LABEL}=${inferenceId}`] } });
      if (running.length > 0) throw new Error(`${inferenceId} still has a running task`);
    }, 20_000);
  },
  async startOutside(inferenceId) {
    await scale(inferenceId, 1);
  },
};
