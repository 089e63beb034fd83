import { isIP } from "node:net";
import { accessVariables, apiTokenVariable, ConfigError, envVar, type HttpAccess, loadConfig, readAccess } from "@clarus/common";
import { z } from "zod";
import { DEFAULT_AGENT_NAME } from "./inference/labels.js";
import { dockerConfigPath } from "./runtime/registry-auth.js";

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE = /^(\d+(?:\.\d+)?)\s*([bkmg]?)$/i;

/** Bytes of a Docker-style size: "512m", "2g", "1048576" (bytes). */
function bytesOf(text: string): number {
  const match = SIZE.exec(text)!;
  return Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
}

/** A Docker-style size kept as written (so the default reads "2g"); readNodeAgentConfig turns it into bytes. */
const byteSize = (fallback: string, min: number, minText: string, unlimited: boolean) =>
  z
    .string()
    .trim()
    .refine(
      (text) => (unlimited && text === "unlimited") || SIZE.test(text),
      `must be a size such as "512m" or "2g"${unlimited ? ', or "unlimited"' : ""}`,
    )
    .refine((text) => !SIZE.test(text) || bytesOf(text) >= min, `must be at least ${minText}`)
    .default(fallback);

/** Linux capability names (capabilities(7)), as Docker takes them: without CAP_. */
const CAPABILITIES = new Set(
  (
    "AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER " +
    "FSETID IPC_LOCK IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE MKNOD NET_ADMIN NET_BIND_SERVICE " +
    "NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE " +
    "SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG WAKE_ALARM"
  ).split(" "),
);

const capabilityList = () =>
  envVar
    .list()
    .transform((names) => names.map((name) => name.toUpperCase().replace(/^CAP_/, "")))
    .superRefine((names, ctx) => {
      for (const name of names) {
        if (!CAPABILITIES.has(name))
          ctx.addIssue({ code: "custom", message: `"${name}" is not a Linux capability (e.g. CHOWN, NET_BIND_SERVICE)` });
      }
    });

const dockerHost = () =>
  z
    .string()
    .regex(/^(unix:\/\/\/.+|tcp:\/\/[^/]+:\d+\/?)$/, "must be unix:///path/to/docker.sock or tcp://host:port")
    .default("unix:///var/run/docker.sock");

/** Every variable the node agent reads; see the configuration table of docs/node-agent.md. */
export const nodeAgentConfigSchema = z.object({
  PORT: envVar.port(8081),
  LOG_LEVEL: envVar.logLevel(),
  AGENT_API_TOKEN: apiTokenVariable(),
  ...accessVariables,
  AGENT_NAME: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit')
    .default(DEFAULT_AGENT_NAME),

  RUNTIME: z.enum(["docker", "swarm"], 'must be "docker" or "swarm"').default("docker"),
  SWARM_PUBLISH_MODE: z.enum(["ingress", "host"], 'must be "ingress" or "host"').default("ingress"),
  SWARM_UPDATE_MONITOR_SECONDS: envVar.number({ min: 0, max: 3600, fallback: 5 }),
  ALLOW_GPUS: envVar.boolean(false),
  DOCKER_HOST: dockerHost(),
  DOCKER_CONFIG: envVar.optionalString(),
  INFERENCE_NETWORK: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "must be a Docker network name")
    .default("clarus_inference_network"),
  CREATE_NETWORK: envVar.boolean(false),
  ALLOWED_REGISTRIES: envVar.list(),

  PULL_TIMEOUT_SECONDS: envVar.number({ min: 1, max: 86_400, fallback: 900 }),
  READINESS_TIMEOUT_SECONDS: envVar.number({ min: 0.1, max: 3600, fallback: 60 }),
  READINESS_PROBE: z.enum(["container", "host"]).default("container"),
  STOP_TIMEOUT_SECONDS: envVar.integer({ min: 0, max: 600, fallback: 10 }),
  KEEP_IMAGES: envVar.integer({ min: 1, max: 100, fallback: 2 }),

  PORT_BIND_HOST: z
    .string()
    .refine((ip) => isIP(ip) !== 0, "must be an IP address such as 0.0.0.0 or 127.0.0.1")
    .default("0.0.0.0"),
  MIN_HOST_PORT: envVar.port(1024),
  CONTAINER_MEMORY_LIMIT: byteSize("2g", 6 * 1024 ** 2, "6m (Docker's minimum)", true),
  CONTAINER_CPU_LIMIT: z
    .union([z.literal("unlimited"), z.coerce.number().min(0.01).max(1024)], {
      error: 'must be a number of CPUs from 0.01, e.g. 1.5, or "unlimited"',
    })
    .default(1),
  CONTAINER_CAP_ADD: capabilityList(),
  CONTAINER_READ_ONLY_ROOTFS: envVar.boolean(true),
  CONTAINER_TMPFS_SIZE: byteSize("256m", 1024 ** 2, "1m", false),
  CONTAINER_USER: z
    .string()
    .regex(
      /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,31}(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,31})?$/,
      'must be "uid[:gid]" or a user name of the image, e.g. 65534:65534',
    )
    .optional(),
  CONTAINER_PIDS_LIMIT: envVar.integer({ min: 16, max: 1_000_000, fallback: 1024 }),
  CONTAINER_LOG_MAX_SIZE: z
    .string()
    .regex(/^\d+[kmg]$/, 'must be a size such as "10m"')
    .default("10m"),
  CONTAINER_LOG_MAX_FILES: envVar.integer({ min: 1, max: 100, fallback: 3 }),

  IDS_AGENT_URL: envVar.url("http://clarus_ids_agent:8082"),
  IDS_PROVIDER_IP: envVar.optionalString(),
  IDS_TIMEOUT_SECONDS: envVar.number({ min: 0.1, max: 600, fallback: 10 }),
});

export type NodeAgentConfig = z.output<typeof nodeAgentConfigSchema> & {
  dockerConfigFile: string;
  access: HttpAccess;
  /** CONTAINER_MEMORY_LIMIT in bytes; undefined = unlimited. */
  containerMemoryBytes: number | undefined;
  /** CONTAINER_CPU_LIMIT in Docker's NanoCpus; undefined = unlimited. */
  containerNanoCpus: number | undefined;
  containerTmpfsBytes: number;
};

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function readNodeAgentConfig(env: NodeJS.ProcessEnv = process.env): NodeAgentConfig {
  const config = loadConfig(nodeAgentConfigSchema, env);
  const { access, problems } = readAccess(config, config.AGENT_API_TOKEN, "AGENT_API_TOKEN", {
    name: "node agent",
    power: "start containers on this machine's Docker engine (root on it)",
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const memory = config.CONTAINER_MEMORY_LIMIT;
  const cpus = config.CONTAINER_CPU_LIMIT;
  return {
    ...config,
    access,
    dockerConfigFile: dockerConfigPath({ DOCKER_CONFIG: config.DOCKER_CONFIG }),
    containerMemoryBytes: memory === "unlimited" ? undefined : bytesOf(memory),
    containerNanoCpus: cpus === "unlimited" ? undefined : Math.round(cpus * 1e9),
    containerTmpfsBytes: bytesOf(config.CONTAINER_TMPFS_SIZE),
  };
}
