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
  expect(config.dockerConfigFile).toMatch(/\.docker\/config\.json$/);
});

test("inference containers get least privilege unless the operator widens it", () => {
  expect(readNodeAgentConfig({})).toMatchObject({
    MIN_HOST_PORT: 1024,
    containerMemoryBytes: 2 * 1024 ** 3,
    containerNanoCpus: 1e9,
    CONTAINER_CAP_ADD: [],
    CONTAINER_READ_ONLY_ROOTFS: true,
    containerTmpfsBytes: 256 * 1024 ** 2,
  });
  expect(readNodeAgentConfig({}).CONTAINER_USER).toBeUndefined();
  expect(
    readNodeAgentConfig({
      MIN_HOST_PORT: "80",
      CONTAINER_MEMORY_LIMIT: "unlimited",
      CONTAINER_CPU_LIMIT: "unlimited",
      CONTAINER_CAP_ADD: "chown, CAP_NET_BIND_SERVICE",
      CONTAINER_READ_ONLY_ROOTFS: "false",
      CONTAINER_USER: "65534:65534",
    }),
  ).toMatchObject({
    MIN_HOST_PORT: 80,
    containerMemoryBytes: undefined,
    containerNanoCpus: undefined,
    CONTAINER_CAP_ADD: ["CHOWN", "NET_BIND_SERVICE"],
    CONTAINER_READ_ONLY_ROOTFS: false,
    CONTAINER_USER: "65534:65534",
  });
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
  expect(config.containerMemoryBytes).toBe(1.5 * 1024 ** 3);
  expect(config.containerNanoCpus).toBe(5e8);
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
      MIN_HOST_PORT: "0",
      CONTAINER_CPU_LIMIT: "lots",
      CONTAINER_CAP_ADD: "CHOWN,ROOT",
      CONTAINER_READ_ONLY_ROOTFS: "sometimes",
      CONTAINER_TMPFS_SIZE: "10k",
      CONTAINER_USER: "root; rm",
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
    "MIN_HOST_PORT",
    "CONTAINER_CPU_LIMIT",
    "CONTAINER_CAP_ADD",
    "CONTAINER_READ_ONLY_ROOTFS",
    "CONTAINER_TMPFS_SIZE",
    "CONTAINER_USER",
  ]) {
    expect(problems).toContain(`${name}:`);
  }
});
