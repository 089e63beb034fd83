import { isIP } from "node:net";
import { accessVariables, apiTokenVariable, ConfigError, envVar, type HttpAccess, loadConfig, readAccess } from "@clarus/common";
import { z } from "zod";
import { DEFAULT_AGENT_NAME } from "./inference/labels.js";
import { dockerConfigPath } from "./runtime/registry-auth.js";

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Docker-style sizes: "512m", "2g", "1048576" (bytes). */
const byteSize = () =>
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*[bkmg]?$/i, 'must be a size such as "512m" or "2g"')
    .transform((text) => {
      const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)$/i.exec(text)!;
      return Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
    })
    .pipe(z.number().min(6 * 1024 ** 2, "must be at least 6m (Docker's minimum)"))
    .optional();

const dockerHost = () =>
  z
    .string()
    .regex(/^(unix:\/\/\/.+|tcp:\/\/[^/]+:\d+\/?)$/, "must be unix:///path/to/docker.sock or tcp://host:port")
    .default("unix:///var/run/docker.sock");

/** Every variable the node agent reads; see the README's configuration table. */
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
  CONTAINER_MEMORY_LIMIT: byteSize(),
  CONTAINER_CPU_LIMIT: z.coerce.number("must be a number of CPUs, e.g. 1.5").min(0.01).max(1024).optional(),
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

export type NodeAgentConfig = z.output<typeof nodeAgentConfigSchema> & { dockerConfigFile: string; access: HttpAccess };

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function readNodeAgentConfig(env: NodeJS.ProcessEnv = process.env): NodeAgentConfig {
  const config = loadConfig(nodeAgentConfigSchema, env);
  const { access, problems } = readAccess(config, config.AGENT_API_TOKEN, "AGENT_API_TOKEN", {
    name: "node agent",
    power: "start containers on this machine's Docker engine (root on it)",
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, access, dockerConfigFile: dockerConfigPath({ DOCKER_CONFIG: config.DOCKER_CONFIG }) };
}
