// What every node-agent test file on the real engine sets up: its own scope (names, cleanup), a loopback
// registry (optionally behind htpasswd), a Docker config file with that registry's credentials, a network,
// images published to the registry, and agents that manage only this file's containers.
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
import { type AgentUnderTest, startAgent } from "./agent-under-test.js";

export interface AgentTestBed {
  scope: TestScope;
  registry: TestRegistry;
  /** A Docker config file holding the registry's credentials (none for an open registry). */
  dockerConfig: DockerConfigDir;
  network: string;
  /**
   * Starts an agent on the network with the Docker config, named after the scope (AGENT_NAME), so that its
   * start-up recovery and its list see only this file's inferences; `env` adds or overrides variables.
   */
  startAgent(env?: Record<string, string>): Promise<AgentUnderTest>;
  /**
   * Builds `${registry}/${prefix}/${repository}:${tag}`, pushes it and, unless `keepLocal`, removes the local copy
   * so that the agent must pull it (noprune: build steps shared with other files' concurrent builds stay).
   */
  publishImage(
    repository: string,
    tag: string,
    variant: TestImageVariant,
    options?: TestImageOptions & { keepLocal?: boolean },
  ): Promise<TestImage>;
  /** Closes the agents, removes every container, network and image of the scope, stops the registry. */
  close(): Promise<void>;
}

export async function openAgentTestBed(tag: string, options: { htpasswd?: RegistryCredentials } = {}): Promise<AgentTestBed> {
  const scope = createTestScope(tag);
  const agents: AgentUnderTest[] = [];
  const [registry, network] = await Promise.all([startRegistry(options), scope.createNetwork()]);
  const dockerConfig = await createDockerConfig(options.htpasswd ? { [registry.host]: options.htpasswd } : {});
  return {
    scope,
    registry,
    dockerConfig,
    network,
    async startAgent(env = {}) {
      const agent = await startAgent({
        AGENT_NAME: scope.prefix,
        INFERENCE_NETWORK: network,
        DOCKER_CONFIG: dockerConfig.dir,
        READINESS_TIMEOUT_SECONDS: "5",
        ...env,
      });
      agents.push(agent);
      return agent;
    },
    async publishImage(repository, imageTag, variant, { keepLocal = false, ...imageOptions } = {}) {
      const image = await buildTestImage(scope.imageRef(registry.host, repository, imageTag), variant, imageOptions);
      await pushImage(image.ref, options.htpasswd);
      if (!keepLocal) await testDocker.getImage(image.ref).remove({ force: true, noprune: true });
      return image;
    },
    async close() {
      await Promise.all(agents.map((agent) => agent.close()));
      await scope.cleanup();
      await Promise.all([registry.stop(), dockerConfig.remove()]);
    },
  };
}
