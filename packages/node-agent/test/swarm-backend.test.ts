// RUNTIME=swarm against the real engine in swarm mode and a local registry behind htpasswd: each inference a
// service with the agent's labels on an overlay network, published in host mode (no IPVS here), its tasks in the
// inspection; a rolling update, a broken one rolled back by the engine, a restarted agent and a second AGENT_NAME;
// replicas and placement no node can satisfy refused cleanly. The engine's own view is checked after every step.
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AgentTestBed, openAgentTestBed } from "./helpers/agent-test-bed.js";
import { type AgentUnderTest, fetchInference, type Json } from "./helpers/agent-under-test.js";
import { describeWithDocker, freePort, testDocker } from "./support/docker-env.js";

const credentials = { username: "swarm-user", password: "swarm-secret-7" };

describeWithDocker("node agent: RUNTIME=swarm on a real swarm manager", () => {
  let bed: AgentTestBed;
  let agent: AgentUnderTest;
  let inferenceId: string;
  let hostPort: number;
  const refs = { v1: "", v2: "", crash: "" };

  /** This file's services as the engine holds them: name, image label, replicas. */
  const services = async () =>
    (await testDocker.listServices({ filters: { name: [bed.scope.prefix] } }))
      .map((s) => `${s.Spec?.Name} ${s.Spec?.Labels?.["clarus.inference.image"]} ${s.Spec?.Mode?.Replicated?.Replicas}`)
      .sort();

  const deploy = (target: AgentUnderTest, id: string, image: string, port: number, extra: Record<string, unknown> = {}) =>
    target.call("POST", "/api/inference/deploy", {
      inference_id: id,
      docker_img_uri: image,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: port,
      ...extra,
    });

  beforeAll(async () => {
    bed = await openAgentTestBed("swarm", { runtime: "swarm", htpasswd: credentials });
    inferenceId = bed.scope.name("redwine");
    const built = await Promise.all([
      bed.publishImage("model", "v1", "http", { marker: "model-v1" }),
      bed.publishImage("model", "v2", "http", { marker: "model-v2" }),
      bed.publishImage("model", "broken", "crash", { exitCode: 3 }),
    ]);
    [refs.v1, refs.v2, refs.crash] = built.map((image) => image.ref) as [string, string, string];
    // Probing the host-mode published port (the other tests of the bed probe task addresses on the overlay).
    agent = await bed.startAgent({ READINESS_PROBE: "host", CONTAINER_MEMORY_LIMIT: "64m" });
    hostPort = await freePort();
  });

  afterAll(async () => {
    await bed?.close();
  });

  test("deploys a service named after the inference, pulled by the node with the agent's registry credentials", async () => {
    const res = await deploy(agent, inferenceId, refs.v1, hostPort, { env: { GREETING: "from-swarm" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      inference_id: inferenceId,
      name: inferenceId,
      docker_img_uri: refs.v1,
      inference_rest_api_forward_port: hostPort,
      state: "running",
      running: true,
      replaced: null,
      pruned_images: [],
      readiness: { outcome: "ready", address: `127.0.0.1:${hostPort}` },
      replicas: { desired: 1, running: 1 },
    });
    expect(res.body.image_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await fetchInference(hostPort)).toBe("model-v1 from-swarm\n");

    const service = await testDocker.getService(inferenceId).inspect();
    expect(service.Spec.Labels).toMatchObject({
      "clarus.managed-by": bed.scope.prefix,
      "clarus.inference.id": inferenceId,
      "clarus.inference.image": refs.v1,
      "clarus.inference.host-port": String(hostPort),
    });
    const task = service.Spec.TaskTemplate;
    // Pinned to the digest the registry named, as `docker service create` does.
    expect(task.ContainerSpec.Image).toBe(`${refs.v1}@${res.body.image_id}`);
    // The docker backend's least privilege, as far as a swarm service (Engine API 1.41) can express it.
    expect(task.ContainerSpec).toMatchObject({
      Init: true,
      Labels: { "clarus.inference.id": inferenceId },
      CapabilityDrop: ["ALL"],
      ReadOnly: true,
      Mounts: [{ Type: "tmpfs", Target: "/tmp", TmpfsOptions: expect.objectContaining({ SizeBytes: expect.any(Number) }) }],
    });
    expect(task.Resources.Limits).toMatchObject({ Pids: 1024, MemoryBytes: 64 * 1024 * 1024 });
    expect(task.Networks).toEqual([expect.objectContaining({ Target: expect.any(String) })]);
    expect(service.Spec.EndpointSpec.Ports).toEqual([
      { Protocol: "tcp", TargetPort: 8080, PublishedPort: hostPort, PublishMode: "host" },
    ]);
    expect(service.Spec.UpdateConfig).toMatchObject({ FailureAction: "rollback", Order: "stop-first" });
    const network = await testDocker.getNetwork(bed.network).inspect();
    expect(network).toMatchObject({ Driver: "overlay", Scope: "swarm", Attachable: true });
    expect(task.Networks[0].Target).toBe(network.Id);
  });

  test("lists it from labels, inspects it with its tasks (node, state, error) and reads the service's logs", async () => {
    const list = await agent.call("GET", "/api/inference/all");
    expect(list.body).toEqual([
      expect.objectContaining({ inference_id: inferenceId, docker_img_uri: refs.v1, state: "running", exp_id: null }),
    ]);
    expect(list.body[0].status).toBe("1/1 tasks running");
    const details = await agent.call("GET", `/api/inference/${inferenceId}`);
    expect(details.status).toBe(200);
    const hostname = (await testDocker.info()).Name;
    expect(details.body.tasks).toEqual([
      expect.objectContaining({ node: hostname, state: "running", desired_state: "running", error: null, slot: 1 }),
    ]);
    expect(details.body.tasks[0].address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(details.body.ip_address).toBe(details.body.tasks[0].address);
    expect(details.body.container_id).toBe(details.body.tasks[0].container_id);
    const logs = await agent.call("GET", `/api/inference/${inferenceId}/logs?tail=5`);
    expect(logs.status).toBe(200);
    expect(logs.body.lines).toContain("test image model-v1: listening on port 8080");
  });

  test("a second deploy rolls the service to the new version with the engine's update", async () => {
    const before = (await agent.call("GET", `/api/inference/${inferenceId}`)).body;
    const res = await deploy(agent, inferenceId, refs.v2, hostPort, { env: { GREETING: "second" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      docker_img_uri: refs.v2,
      replaced: { docker_img_uri: refs.v1, image_id: before.image_id },
      rollout: { state: "completed" },
      service_id: before.service_id,
    });
    expect(await fetchInference(hostPort)).toBe("model-v2 second\n");
    expect(await services()).toEqual([`${inferenceId} ${refs.v2} 1`]);
  });

  test("a broken version is rolled back by the engine: the previous version serves again, the answer says so", async () => {
    const before = (await agent.call("GET", `/api/inference/${inferenceId}`)).body;
    const res = await deploy(agent, inferenceId, refs.crash, hostPort);
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(res.body.type).toBe("urn:clarus:problem:inference-exited");
    expect(res.body.detail).toContain(`(image ${refs.crash})`);
    expect(res.body.detail).toContain(`the previous version (image ${refs.v2}) serves again.`);
    expect(await fetchInference(hostPort)).toBe("model-v2 second\n");
    const after = (await agent.call("GET", `/api/inference/${inferenceId}`)).body;
    expect(after).toMatchObject({ docker_img_uri: refs.v2, image_id: before.image_id, state: "running" });
    expect(after.rollout.state).toBe("rollback_completed");
    expect(await services()).toEqual([`${inferenceId} ${refs.v2} 1`]);
  }, 60_000);

  test("a restarted agent finds everything in the engine; another AGENT_NAME never touches this agent's services", async () => {
    const stable = (list: Json[]) => list.map(({ status: _status, ...rest }) => rest);
    const before = (await agent.call("GET", "/api/inference/all")).body;
    await agent.close();
    agent = await bed.startAgent({ READINESS_PROBE: "host" });
    expect(stable((await agent.call("GET", "/api/inference/all")).body)).toEqual(stable(before));

    const other = await bed.startAgent({ AGENT_NAME: `${bed.scope.prefix}-other` });
    expect((await other.call("GET", "/api/inference/all")).body).toEqual([]);
    const refused = await other.call("DELETE", `/api/inference/${inferenceId}`);
    expect(refused.status).toBe(404);
    expect(refused.body.detail).toBe(`No inference "${inferenceId}" exists on this node.`);
    const taken = await deploy(other, inferenceId, refs.v1, await freePort());
    expect(taken.status).toBe(409);
    expect(taken.body.type).toBe("urn:clarus:problem:name-conflict");
    const port = await deploy(other, bed.scope.name("other"), refs.v1, hostPort);
    expect(port.status).toBe(409);
    expect(port.body).toMatchObject({ type: "urn:clarus:problem:port-taken", held_by: { service: inferenceId } });
    await other.close();
    expect(stable((await agent.call("GET", "/api/inference/all")).body)).toEqual(stable(before));
    expect(await services()).toEqual([`${inferenceId} ${refs.v2} 1`]);
  });

  test("replicas and placement no node can satisfy: 422 quoting the engine, nothing left behind", async () => {
    const id = bed.scope.name("unplaceable");
    // Host-mode publishing: two tasks cannot share one node's port.
    const twice = await deploy(agent, id, refs.v1, await freePort(), { replicas: 2 });
    expect(twice.status, JSON.stringify(twice.body)).toBe(422);
    expect(twice.body).toMatchObject({ type: "urn:clarus:problem:no-suitable-node", errors: [{ field: "replicas" }] });
    expect(twice.body.detail).toContain("no suitable node");
    const placed = await deploy(agent, id, refs.v1, await freePort(), { placement: ["node.labels.gpu==true"] });
    expect(placed.status, JSON.stringify(placed.body)).toBe(422);
    expect(placed.body).toMatchObject({ errors: [{ field: "placement" }] });
    expect(placed.body.detail).toContain("no suitable node");
    expect(await services()).toEqual([`${inferenceId} ${refs.v2} 1`]);
  });

  test("removes the service and its tasks, then 404", async () => {
    const res = await agent.call("DELETE", `/api/inference/deploy?inference_id=${inferenceId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ inference_id: inferenceId, removed: true, docker_img_uri: refs.v2 });
    expect(await services()).toEqual([]);
    const containers = await testDocker.listContainers({
      all: true,
      filters: { label: [`com.docker.swarm.service.name=${inferenceId}`] },
    });
    expect(containers).toEqual([]);
    expect((await agent.call("DELETE", `/api/inference/${inferenceId}`)).status).toBe(404);
  });
});
