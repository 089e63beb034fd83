import { createHttpApp, type HttpApp, type Logger } from "@clarus/common";
import type { NodeAgentConfig } from "./config.js";
import { createIdsAssetSource } from "./ids/index.js";
import { createContainerBackend } from "./inference/container-backend.js";
import type { InferenceBackend } from "./inference/inference-backend.js";
import { createInferenceService, type InferenceService } from "./inference/inference-service.js";
import type { ConnectionProbe } from "./inference/readiness.js";
import { defaultRolloutOrder } from "./inference/swarm/service-spec.js";
import { createSwarmBackend } from "./inference/swarm/swarm-backend.js";
import { deployV3Route } from "./routes/deploy-v3-route.js";
import { inferenceProblem } from "./routes/inference-problems.js";
import { inferenceRoutes } from "./routes/inference-routes.js";
import { systemRoutes } from "./routes/system-routes.js";
import { DockerRuntime } from "./runtime/docker-runtime.js";
import { SwarmRuntime } from "./runtime/swarm-runtime.js";
import { acceptsConnections } from "./runtime/tcp-probe.js";

const NODE_AGENT_VERSION = "0.1.0";

export interface NodeAgent extends HttpApp {
  service: InferenceService;
}

/** The backend RUNTIME names, over its engine adapter, with the operator's policy. */
function createBackend(config: NodeAgentConfig, logger: Logger, probe: ConnectionProbe): InferenceBackend {
  const shared = {
    policy: {
      agentName: config.AGENT_NAME,
      network: config.INFERENCE_NETWORK,
      hostIp: config.PORT_BIND_HOST,
      pidsLimit: config.CONTAINER_PIDS_LIMIT,
      logMaxSize: config.CONTAINER_LOG_MAX_SIZE,
      logMaxFiles: config.CONTAINER_LOG_MAX_FILES,
      memoryBytes: config.containerMemoryBytes,
      nanoCpus: config.containerNanoCpus,
      capabilities: config.CONTAINER_CAP_ADD,
      readOnlyRootfs: config.CONTAINER_READ_ONLY_ROOTFS,
      tmpfsBytes: config.containerTmpfsBytes,
      user: config.CONTAINER_USER,
    },
    readiness: {
      probe: config.READINESS_PROBE,
      timeoutMs: config.READINESS_TIMEOUT_SECONDS * 1000,
      acceptsConnections: probe,
    },
    stopTimeoutSeconds: config.STOP_TIMEOUT_SECONDS,
    allowedRegistries: config.ALLOWED_REGISTRIES,
    allowGpus: config.ALLOW_GPUS,
    minHostPort: config.MIN_HOST_PORT,
    createNetwork: config.CREATE_NETWORK,
    agentPort: config.PORT,
    logger,
  };
  const engine = { dockerHost: config.DOCKER_HOST, dockerConfigFile: config.dockerConfigFile };
  if (config.RUNTIME === "swarm") {
    return createSwarmBackend({
      ...shared,
      services: new SwarmRuntime({
        ...engine,
        registryTimeoutMs: config.PULL_TIMEOUT_SECONDS * 1000,
        stopGraceSeconds: config.STOP_TIMEOUT_SECONDS,
      }),
      publishMode: config.SWARM_PUBLISH_MODE,
      rollout: {
        order: defaultRolloutOrder(config.SWARM_PUBLISH_MODE),
        parallelism: 1,
        delaySeconds: 0,
        monitorSeconds: config.SWARM_UPDATE_MONITOR_SECONDS,
      },
    });
  }
  return createContainerBackend({
    ...shared,
    runtime: new DockerRuntime({ ...engine, pullTimeoutMs: config.PULL_TIMEOUT_SECONDS * 1000 }),
    keepImages: config.KEEP_IMAGES,
  });
}

/**
 * Wires the node agent from its configuration: the engine adapter RUNTIME names (Docker or Docker Swarm), the TCP
 * readiness probe and the IDS client (the only adapters), the inference use cases over them, and the HTTP routes.
 */
export function createNodeAgent(
  config: NodeAgentConfig,
  logger: Logger,
  /** Where the agent's connections to inferences come from; the host's own TCP stack unless given. */
  probe: ConnectionProbe = acceptsConnections,
): NodeAgent {
  const service = createInferenceService(createBackend(config, logger, probe), logger);
  const assets = createIdsAssetSource({
    baseUrl: config.IDS_AGENT_URL,
    providerIp: config.IDS_PROVIDER_IP,
    timeoutMs: config.IDS_TIMEOUT_SECONDS * 1000,
    logger,
  });
  const http = createHttpApp({
    info: {
      title: "clarus node agent",
      version: NODE_AGENT_VERSION,
      description:
        "Pulls ML inference images and runs them as containers on this edge machine's Docker engine. " +
        "The routes of the original agent work unchanged; AGENT_API_TOKEN, when set, protects all but ping and health. " +
        "Requests from other sites' web pages are refused on every route that changes something, and bodies are " +
        "accepted only as application/json.",
    },
    logger,
    apiToken: config.access.apiToken,
    apiTokenVariable: config.access.tokenVariable,
    allowedOrigins: config.access.allowedOrigins,
    allowedHosts: config.access.allowedHosts,
    routes: [...systemRoutes(service), ...inferenceRoutes(service), deployV3Route(service, assets)],
    problems: inferenceProblem,
  });
  return { ...http, service };
}
