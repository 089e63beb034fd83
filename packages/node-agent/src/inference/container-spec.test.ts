import { expect, test } from "vitest";
import { buildContainerSpec, type ContainerPolicy } from "./container-spec.js";
import { DEFAULT_AGENT_NAME, fromLabels, managedFilter } from "./labels.js";

const policy: ContainerPolicy = {
  agentName: DEFAULT_AGENT_NAME,
  network: "clarus_inference_network",
  hostIp: "0.0.0.0",
  pidsLimit: 256,
  logMaxSize: "5m",
  logMaxFiles: 2,
  capabilities: [],
  readOnlyRootfs: true,
  tmpfsBytes: 64 * 1024 ** 2,
};
const request = {
  inferenceId: "redwine",
  image: "reg:5000/redwine:prod",
  internalPort: 8080,
  hostPort: 7070,
  env: { A: "1" },
  expId: "exp",
};

test("the spec carries safe defaults, the operator's limits and every label needed to rebuild the state", () => {
  const spec = buildContainerSpec(
    request,
    { ...policy, memoryBytes: 512 * 1024 ** 2, nanoCpus: 1.5e9 },
    {
      name: "redwine",
      imageHistory: [{ id: "sha256:new", pulled: "reg:5000/redwine:prod" }, { id: "sha256:old" }],
    },
  );
  const instance = spec.labels["clarus.instance"];
  expect(instance).toMatch(/^[0-9a-f]{32}$/);
  expect(spec).toEqual({
    name: "redwine",
    image: "reg:5000/redwine:prod",
    env: { A: "1" },
    labels: {
      "clarus.managed-by": "clarus-node-agent",
      "clarus.instance": instance,
      "clarus.inference.id": "redwine",
      "clarus.inference.image": "reg:5000/redwine:prod",
      "clarus.inference.internal-port": "8080",
      "clarus.inference.host-port": "7070",
      "clarus.inference.image-history": "sha256:new=reg:5000/redwine:prod,sha256:old",
      "clarus.inference.exp-id": "exp",
    },
    network: "clarus_inference_network",
    port: { hostIp: "0.0.0.0", hostPort: 7070, containerPort: 8080 },
    restartPolicy: "unless-stopped",
    init: true,
    noNewPrivileges: true,
    pidsLimit: 256,
    logging: { maxSize: "5m", maxFiles: 2 },
    memoryBytes: 512 * 1024 ** 2,
    nanoCpus: 1.5e9,
    capabilities: [],
    readOnlyRootfs: true,
    tmpfs: [{ target: "/tmp", sizeBytes: 64 * 1024 ** 2 }],
    user: undefined,
  });
  expect(managedFilter(DEFAULT_AGENT_NAME)).toBe("clarus.managed-by=clarus-node-agent");
  expect(fromLabels(spec.labels)).toEqual({
    inferenceId: "redwine",
    image: "reg:5000/redwine:prod",
    internalPort: 8080,
    hostPort: 7070,
    expId: "exp",
    imageHistory: [{ id: "sha256:new", pulled: "reg:5000/redwine:prod" }, { id: "sha256:old" }],
  });
  // Each creation gets its own mark: an image copied from this container cannot carry the next one's.
  expect(buildContainerSpec(request, policy, { name: "redwine", imageHistory: [] }).labels["clarus.instance"]).not.toBe(instance);
});

test("the operator's settings widen the container, and only they do", () => {
  const spec = buildContainerSpec(
    request,
    { ...policy, capabilities: ["CHOWN", "NET_BIND_SERVICE"], readOnlyRootfs: false, user: "65534:65534" },
    { name: "redwine", imageHistory: [] },
  );
  expect(spec).toMatchObject({
    capabilities: ["CHOWN", "NET_BIND_SERVICE"],
    readOnlyRootfs: false,
    tmpfs: [],
    user: "65534:65534",
  });
});

test("without limits or exp_id the spec says nothing about them", () => {
  const spec = buildContainerSpec({ ...request, expId: undefined }, policy, {
    name: "redwine.next-abc",
    imageHistory: [{ id: "sha256:x" }],
  });
  expect(spec.memoryBytes).toBeUndefined();
  expect(spec.nanoCpus).toBeUndefined();
  expect(spec.labels).not.toHaveProperty("clarus.inference.exp-id");
  expect(spec.name).toBe("redwine.next-abc");
});

test("an agent with its own AGENT_NAME writes it as the manager", () => {
  const spec = buildContainerSpec(
    request,
    { ...policy, agentName: "line-2" },
    { name: "redwine", imageHistory: [{ id: "sha256:x" }] },
  );
  expect(spec.labels["clarus.managed-by"]).toBe("line-2");
});
