// What every node-agent test file on the real engine sets up: its own scope (names, cleanup), a loopback
// registry (optionally behind htpasswd), a Docker config file with that registry's credentials, a network,
// images published to the registry, and agents that manage only this file's containers.

import type { ConnectionProbe } from "../../src/inference/readiness.js";
import {
  buildTestImage,
  createDockerConfig,
  createTestScope,
  type DockerConfigDir,
  pushImage,
  type RegistryCredentials,
  startRegistry,
  type TestImage,
  type TestImageOptions,
  type TestImageVariant,
  type TestRegistry,
  type TestScope,
  testDocker,
} from "../support/docker-env.js";
import { type OverlayProber, startOverlayProber } from "../support/overlay-prober.js";
import { TEST_RUNTIME } from "../support/swarm.js";
import { swarmState } from "../support/swarm-for-the-run.js";
import { type AgentUnderTest, startAgent } from "./agent-under-test.js";

/**
 * The agent settings a backend needs on this machine. Swarm: no IPVS here, so neither the ingress mesh nor service
 * VIPs route; host-mode publishing does. The agent probes each task's address on the overlay network from a
 * container of the test bed on that network (where an agent in a container would stand): docker's port proxy accepts
 * on a published port before the task listens, so probing it would not be truthful.
 */
export function runtimeEnv(runtime: "docker" | "swarm"): Record<string, string> {
  return runtime === "swarm"
    ? {
        RUNTIME: "swarm",
        SWARM_PUBLISH_MODE: "host",
        READINESS_PROBE: "container",
        SWARM_UPDATE_MONITOR_SECONDS: "1",
        // Scheduling a task, and stopping the old one first in host mode, takes seconds more than a container start.
        READINESS_TIMEOUT_SECONDS: "15",
      }
    : { RUNTIME: "docker" };
}

/** An image in the bed's registry. */
export interface PublishedImage extends TestImage {
  /** The manifest digest the registry stored. */
  digest: string;
  /** What the agent answers as `image_id` for it: the image id (docker) or the pinned manifest digest (swarm). */
  imageId: string;
}

export interface AgentTestBed {
  /** The backend its agents run (RUNTIME). */
  runtime: "docker" | "swarm";
  scope: TestScope;
  registry: TestRegistry;
  /** A Docker config file holding the registry's credentials (none for an open registry). */
  dockerConfig: DockerConfigDir;
  network: string;
  /**
   * Starts an agent on the network with the Docker config, named after the scope (AGENT_NAME), so that its
   * start-up recovery and its list see only this file's inferences; `env` adds or overrides variables.
   */
  startAgent(env?: Record<string, string>, probe?: ConnectionProbe): Promise<AgentUnderTest>;
  /**
   * Builds `${registry}/${prefix}/${repository}:${tag}`, pushes it and, unless `keepLocal`, removes the local copy
   * so that the agent must pull it (noprune: build steps shared with other files' concurrent builds stay).
   */
  publishImage(
    repository: string,
    tag: string,
    variant: TestImageVariant,
    options?: TestImageOptions & { keepLocal?: boolean },
  ): Promise<PublishedImage>;
  /** Closes the agents, removes every container, network and image of the scope, stops the registry. */
  close(): Promise<void>;
}

export async function openAgentTestBed(
  tag: string,
  options: { htpasswd?: RegistryCredentials; runtime?: "docker" | "swarm" } = {},
): Promise<AgentTestBed> {
  const runtime = options.runtime ?? TEST_RUNTIME;
  const scope = createTestScope(tag);
  const agents: AgentUnderTest[] = [];
  if (runtime === "swarm" && !(await swarmState()).manager) {
    throw new Error(
      'a RUNTIME=swarm test bed needs a swarm manager: run the file in the "node-agent on swarm" project, whose globalSetup makes one',
    );
  }
  const [registry, network] = await Promise.all([
    startRegistry(options),
    scope.createNetwork(undefined, { overlay: runtime === "swarm" }),
  ]);
  const dockerConfig = await createDockerConfig(options.htpasswd ? { [registry.host]: options.htpasswd } : {});
  let prober: Promise<OverlayProber> | undefined;
  /** Started on first use: a container on the bed's overlay network, removed with the scope. */
  const overlayProber = () => {
    prober ??= (async () => {
      const image = await buildTestImage(`${scope.prefix}/prober:1`, "http");
      return startOverlayProber(image.ref, network, scope.name("prober"));
    })();
    return prober;
  };
  return {
    runtime,
    scope,
    registry,
    dockerConfig,
    network,
    async startAgent(env = {}, probe) {
      const settings: Record<string, string> = {
        AGENT_NAME: scope.prefix,
        INFERENCE_NETWORK: network,
        DOCKER_CONFIG: dockerConfig.dir,
        READINESS_TIMEOUT_SECONDS: "5",
        ...runtimeEnv(runtime),
        ...env,
      };
      const fromOverlay =
        runtime === "swarm" && settings.READINESS_PROBE === "container" && settings.INFERENCE_NETWORK === network;
      const agent = await startAgent(settings, probe ?? (fromOverlay ? (await overlayProber()).accepts : undefined));
      agents.push(agent);
      return agent;
    },
    async publishImage(repository, imageTag, variant, { keepLocal = false, ...imageOptions } = {}) {
      const image = await buildTestImage(scope.imageRef(registry.host, repository, imageTag), variant, imageOptions);
      const digest = await pushImage(image.ref, options.htpasswd);
      if (!keepLocal) await testDocker.getImage(image.ref).remove({ force: true, noprune: true });
      return { ...image, digest, imageId: runtime === "swarm" ? digest : image.id };
    },
    async close() {
      await Promise.all(agents.map((agent) => agent.close()));
      await scope.cleanup();
      await Promise.all([registry.stop(), dockerConfig.remove()]);
    },
  };
}
