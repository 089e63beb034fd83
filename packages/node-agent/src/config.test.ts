import { ConfigError } from "@clarus/common";
import { expect, test } from "vitest";
import { readNodeAgentConfig } from "./config.js";

test("defaults match the original deployment", () => {
  const config = readNodeAgentConfig({});
  expect(config).toMatchObject({
    PORT: 8081,
    INFERENCE_NETWORK: "clarus_inference_network",
    CREATE_NETWORK: false,
    DOCKER_HOST: "unix:///var/run/docker.sock",
    PORT_BIND_HOST: "0.0.0.0",
    ALLOWED_REGISTRIES: [],
    READINESS_TIMEOUT_SECONDS: 60,
    READINESS_PROBE: "container",
    KEEP_IMAGES: 2,
    AGENT_NAME: "clarus-node-agent",
    IDS_AGENT_URL: "http://clarus_ids_agent:8082",
    IDS_TIMEOUT_SECONDS: 10,
  });
  expect(config.CONTAINER_MEMORY_LIMIT).toBeUndefined();
  expect(config.dockerConfigFile).toMatch(/\.docker\/config\.json$/);
});

test("sizes, lists and hosts are parsed", () => {
  const config = readNodeAgentConfig({
    CONTAINER_MEMORY_LIMIT: "1.5g",
    CONTAINER_CPU_LIMIT: "0.5",
    ALLOWED_REGISTRIES: "127.0.0.1:5000, docker.io,",
    DOCKER_HOST: "tcp://127.0.0.1:2375",
    DOCKER_CONFIG: "/etc/clarus/docker",
    PORT_BIND_HOST: "127.0.0.1",
  });
  expect(config.CONTAINER_MEMORY_LIMIT).toBe(1.5 * 1024 ** 3);
  expect(config.CONTAINER_CPU_LIMIT).toBe(0.5);
  expect(config.ALLOWED_REGISTRIES).toEqual(["127.0.0.1:5000", "docker.io"]);
  expect(config.dockerConfigFile).toBe("/etc/clarus/docker/config.json");
});

test("every bad variable is named in one error", () => {
  let error: unknown;
  try {
    readNodeAgentConfig({
      PORT: "99999",
      DOCKER_HOST: "/var/run/docker.sock",
      CONTAINER_MEMORY_LIMIT: "lots",
      PORT_BIND_HOST: "localhost",
      KEEP_IMAGES: "0",
      READINESS_PROBE: "http",
      CREATE_NETWORK: "maybe",
      IDS_AGENT_URL: "clarus_ids_agent:8082",
      AGENT_NAME: "line 2",
    });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.join("\n");
  for (const name of [
    "PORT",
    "DOCKER_HOST",
    "CONTAINER_MEMORY_LIMIT",
    "PORT_BIND_HOST",
    "KEEP_IMAGES",
    "READINESS_PROBE",
    "CREATE_NETWORK",
    "IDS_AGENT_URL",
    "AGENT_NAME",
  ]) {
    expect(problems).toContain(`${name}:`);
  }
});
