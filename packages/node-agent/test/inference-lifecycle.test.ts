// The node agent against the real engine and a local registry behind htpasswd, on either backend (RUNTIME=docker:
// a container per inference; RUNTIME=swarm: a service per inference, published in host mode, no IPVS here):
// deploy → serve → list → inspect/logs → outside changes → replace → failed replace rolls back → restart keeps the
// list, another AGENT_NAME touches nothing → remove; serialised concurrent deploys; a moved tag. The engine's own
// view (the container, or the service and its task's container) is checked after every step.
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AgentTestBed, openAgentTestBed, type PublishedImage } from "./helpers/agent-test-bed.js";
import { type AgentUnderTest, fetchInference, type Json } from "./helpers/agent-under-test.js";
import { inferenceOnEngine } from "./helpers/inference-on-engine.js";
import { describeWithDocker, eventually, freePort, testDocker } from "./support/docker-env.js";
import { TEST_RUNTIME, testOnSwarm } from "./support/swarm.js";

const credentials = { username: "lifecycle-user", password: "lifecycle-secret-7" };
const onEngine = inferenceOnEngine(TEST_RUNTIME);
const onSwarm = TEST_RUNTIME === "swarm";
/** Scheduling a task takes seconds more than starting a container. */
const SETTLE_MS = onSwarm ? 30_000 : 5000;

describeWithDocker(`node agent: inference lifecycle on a real engine (RUNTIME=${TEST_RUNTIME})`, () => {
  let bed: AgentTestBed;
  let scope: AgentTestBed["scope"];
  let network: string;
  let env: Record<string, string>;
  let agent: AgentUnderTest;
  const images: Record<"v1" | "v2" | "crash", PublishedImage> = {} as never;
  let inferenceId: string;
  let hostPort: number;

  /** Only this file's inferences (the agent's AGENT_NAME is the scope's; the filter states it again). */
  const listMine = async (target = agent): Promise<Json[]> =>
    (await target.call("GET", "/api/inference/all")).body.filter((i: Json) => i.inference_id.startsWith(scope.prefix));
  /** The list without what changes from one call to the next. */
  const stable = (list: Json[]) => list.map(({ status: _status, ...rest }: Json) => rest);

  /** The fields of the first deployment, in its answer and in the list (original names and new ones). */
  const firstVersion = () => ({
    inference_id: inferenceId,
    name: inferenceId,
    port: hostPort,
    docker_img_uri: images.v1.ref,
    image_id: images.v1.imageId,
    inference_rest_api_port: 8080,
    inference_rest_api_forward_port: hostPort,
    state: "running",
  });

  const deploy = (target: AgentUnderTest, id: string, image: string, port: number, extra: Record<string, unknown> = {}) =>
    target.call("POST", "/api/inference/deploy", {
      inference_id: id,
      docker_img_uri: image,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: port,
      ...extra,
    });

  beforeAll(async () => {
    bed = await openAgentTestBed("lifecycle", { htpasswd: credentials });
    ({ scope, network } = bed);
    inferenceId = scope.name("redwine");
    [images.v1, images.v2, images.crash] = await Promise.all([
      bed.publishImage("model", "v1", "http", { marker: "model-v1" }),
      bed.publishImage("model", "v2", "http", { marker: "model-v2" }),
      bed.publishImage("model", "broken", "crash", { exitCode: 3 }),
    ]);
    env = {
      ...(onSwarm ? {} : { READINESS_TIMEOUT_SECONDS: "8" }),
      KEEP_IMAGES: "2",
      CONTAINER_MEMORY_LIMIT: "64m",
      CONTAINER_CPU_LIMIT: "0.5",
    };
    agent = await bed.startAgent(env);
    hostPort = await freePort();
  });

  afterAll(async () => {
    await bed?.close();
  });

  test("deploys with ports as strings and env, serves through the host port, with least privilege whatever the body asks", async () => {
    const res = await agent.call("POST", "/api/inference/deploy", {
      inference_id: inferenceId,
      docker_img_uri: images.v1.ref,
      inference_rest_api_port: "8080",
      inference_rest_api_forward_port: String(hostPort),
      env: { GREETING: "hello-from-env", THRESHOLD: 0.7 },
      // Whatever else a caller sends cannot widen the container's rights.
      privileged: true,
      HostConfig: { Privileged: true, Binds: ["/:/host"], NetworkMode: "host", CapAdd: ["ALL"] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      ...firstVersion(),
      running: true,
      restart_count: 0,
      replaced: null,
      pruned_images: [],
      readiness: { outcome: "ready" },
    });
    expect(res.body.ip_address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await fetchInference(hostPort)).toBe("model-v1 hello-from-env\n");
    expect(await fetchInference(hostPort, "/env.txt")).toContain("THRESHOLD=0.7");

    // The container the engine runs (the service's task on swarm), as docker inspect shows it.
    expect(await onEngine.policy(inferenceId)).toEqual({
      privileged: false,
      capDrop: ["ALL"],
      capAdd: [],
      readOnlyRootfs: true,
      tmpfs: { "/tmp": 256 * 1024 * 1024 },
      memoryBytes: 64 * 1024 * 1024,
      nanoCpus: 500_000_000,
      pidsLimit: 1024,
      init: true,
      // A service spec has no field for it before Engine API 1.44 (the README says so).
      noNewPrivileges: !onSwarm,
      log: { type: "json-file", config: { "max-size": "10m", "max-file": "3" } },
      user: "",
      binds: [],
      devices: [],
      volumes: [],
      networks: [network],
      // Swarm publishes a host-mode port on every interface of the task's node (a service port has no host address).
      published: [{ hostIp: onSwarm ? "" : "127.0.0.1", hostPort, containerPort: 8080 }],
      restartsOnExit: true,
    });
    // What the server's process sees: /tmp is a size-capped tmpfs that cannot carry device files or setuid programs.
    expect(await onEngine.exec(inferenceId, ["/bin/busybox", "grep", " /tmp ", "/proc/mounts"])).toMatch(
      /^tmpfs \/tmp tmpfs rw,nosuid,nodev,(\S+,)?size=262144k/,
    );

    const health = await agent.call("GET", "/api/health");
    expect(health).toMatchObject({
      status: 200,
      body: {
        status: "ok",
        engine: { reachable: true, version: (await testDocker.version()).Version },
        network: { name: network, present: true },
      },
    });
  });

  testOnSwarm("the service carries the agent's labels, is pinned to the digest and rolls back on failure", async () => {
    const service = await testDocker.getService(inferenceId).inspect();
    expect(service.Spec.Labels).toMatchObject({
      "clarus.managed-by": scope.prefix,
      "clarus.inference.id": inferenceId,
      "clarus.inference.image": images.v1.ref,
      "clarus.inference.host-port": String(hostPort),
    });
    // Pinned to the digest the registry named, as `docker service create` does; the node pulled it with the
    // agent's credentials sent along (the registry refuses anonymous pulls).
    expect(service.Spec.TaskTemplate.ContainerSpec.Image).toBe(`${images.v1.ref}@${images.v1.digest}`);
    expect(service.Spec.TaskTemplate.ContainerSpec.Labels).toMatchObject({ "clarus.inference.id": inferenceId });
    expect(service.Spec.EndpointSpec.Ports).toEqual([
      { Protocol: "tcp", TargetPort: 8080, PublishedPort: hostPort, PublishMode: "host" },
    ]);
    expect(service.Spec.UpdateConfig).toMatchObject({ FailureAction: "rollback", Order: "stop-first" });
    const overlay = await testDocker.getNetwork(network).inspect();
    expect(overlay).toMatchObject({ Driver: "overlay", Scope: "swarm", Attachable: true });
    expect(service.Spec.TaskTemplate.Networks).toEqual([expect.objectContaining({ Target: overlay.Id })]);
  });

  test("lists it with the original fields and the new ones, from labels", async () => {
    const res = await agent.call("GET", "/api/inference/all");
    expect(res.status).toBe(200);
    expect(await listMine()).toEqual([expect.objectContaining({ ...firstVersion(), exp_id: null })]);
    expect(Date.parse((await listMine())[0]!.created)).toBeGreaterThan(Date.now() - 120_000);
  });

  test("inspects it and reads its logs", async () => {
    const details = await agent.call("GET", `/api/inference/${inferenceId}`);
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({
      inference_id: inferenceId,
      running: true,
      exit_code: 0,
      restart_count: 0,
      health: null,
    });
    const logs = await agent.call("GET", `/api/inference/${inferenceId}/logs?tail=5`);
    expect(logs.status).toBe(200);
    expect(logs.body.lines).toContain("test image model-v1: listening on port 8080");
    expect(logs.body.lines.length).toBeLessThanOrEqual(5);
  });

  testOnSwarm("the inspection shows the service's tasks: node, state, error, address", async () => {
    const details = (await agent.call("GET", `/api/inference/${inferenceId}`)).body;
    expect(details.status).toBe("1/1 tasks running");
    expect(details.tasks).toEqual([
      expect.objectContaining({
        node: (await testDocker.info()).Name,
        state: "running",
        desired_state: "running",
        error: null,
        slot: 1,
      }),
    ]);
    expect(details.tasks[0].address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(details.ip_address).toBe(details.tasks[0].address);
    expect(details.container_id).toBe(details.tasks[0].container_id);
    expect(details).toMatchObject({ service_id: await onEngine.engineId(inferenceId), replicas: { desired: 1, running: 1 } });
  });

  test("the list follows changes made outside the agent (engine events), not only its own", async () => {
    const stateOf = async () => (await listMine()).find((i) => i.inference_id === inferenceId)?.state;
    expect([await stateOf(), await stateOf()]).toEqual(["running", "running"]);
    await onEngine.stopOutside(inferenceId);
    await eventually(async () => expect(await stateOf()).toBe(onEngine.stoppedState), 3000);
    await onEngine.startOutside(inferenceId);
    await eventually(async () => expect(await stateOf()).toBe("running"), SETTLE_MS);
    expect(await eventually(() => fetchInference(hostPort), SETTLE_MS)).toBe("model-v1 hello-from-env\n");
  });

  test("replaces it with a second tag, keeping the port and, with KEEP_IMAGES=2, the previous image", async () => {
    const engineId = await onEngine.engineId(inferenceId);
    const res = await deploy(agent, inferenceId, images.v2.ref, hostPort, { env: { GREETING: "second" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      docker_img_uri: images.v2.ref,
      image_id: images.v2.imageId,
      replaced: { docker_img_uri: images.v1.ref, image_id: images.v1.imageId },
      pruned_images: [],
    });
    expect(await fetchInference(hostPort)).toBe("model-v2 second\n");
    expect(await onEngine.snapshot(scope.prefix)).toEqual([`${inferenceId} ${images.v2.ref} running`]);
    if (onSwarm) {
      // The engine's own rolling update of the same service.
      expect(res.body).toMatchObject({ rollout: { state: "completed" }, service_id: engineId });
    } else {
      // A new container; the previous image stays on the engine (KEEP_IMAGES=2).
      expect(await onEngine.engineId(inferenceId)).not.toBe(engineId);
      expect((await testDocker.getImage(images.v1.id).inspect()).Id).toBe(images.v1.id);
    }
  });

  test("a replacement that crashes is rolled back: the old version serves again and the answer names the failure", async () => {
    const identity = (list: Json[]) => list.map((i: Json) => [i.inference_id, i.docker_img_uri, i.image_id]);
    const before = await listMine();
    const engineId = await onEngine.engineId(inferenceId);
    const res = await deploy(agent, inferenceId, images.crash.ref, hostPort);
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(res.body.type).toBe("urn:clarus:problem:inference-exited");
    expect(res.body.detail).toContain(`(image ${images.crash.ref}) exited with code 3`);
    const restored = `previous version (image ${images.v2.ref}) was restored and accepts connections again.`;
    if (onSwarm && !res.body.detail.includes(restored)) {
      // The agent waits a bounded time for the engine's own rollback; on a loaded machine it may answer before the end.
      expect(res.body.detail).toContain(`The engine is still rolling back to the previous version (image ${images.v2.ref}`);
      await eventually(
        async () => expect((await testDocker.getService(inferenceId).inspect()).UpdateStatus?.State).toBe("rollback_completed"),
        120_000,
      );
      await eventually(() => fetchInference(hostPort), 30_000);
    } else {
      expect(res.body.detail).toContain(restored);
    }
    expect(res.body.logs).toContain(`test image ${images.crash.ref}: crashing on purpose`);
    expect(await fetchInference(hostPort)).toBe("model-v2 second\n");
    // The same container started again, or the same service rolled back to its previous spec.
    expect(identity(await listMine())).toEqual(identity(before));
    expect(await onEngine.engineId(inferenceId)).toBe(engineId);
    expect(await onEngine.snapshot(scope.prefix)).toEqual([`${inferenceId} ${images.v2.ref} running`]);
    if (onSwarm) {
      expect((await agent.call("GET", `/api/inference/${inferenceId}`)).body.rollout.state).toBe("rollback_completed");
    } else {
      // The broken image the agent pulled is not left on the disk (on swarm the nodes pull and keep their images).
      await expect(testDocker.getImage(images.crash.ref).inspect()).rejects.toMatchObject({ statusCode: 404 });
    }
  }, 240_000);

  test("a restarted agent lists and manages the same inferences; another AGENT_NAME never touches them", async () => {
    const before = await listMine();
    await agent.close();
    agent = await bed.startAgent(env);
    expect(stable(await listMine())).toEqual(stable(before));
    expect((await agent.call("GET", `/api/inference/${inferenceId}`)).body).toMatchObject({ image_id: images.v2.imageId });

    // A second agent on the same engine, with its own name: its start-up recovery, list, inspection, logs,
    // replacement and removal leave ours alone, and it cannot take our name or port.
    const other = await bed.startAgent({ ...env, AGENT_NAME: `${scope.prefix}-other` });
    const notFound = `No inference "${inferenceId}" exists on this node.`;
    expect(await listMine(other)).toEqual([]);
    for (const [method, path] of [
      ["GET", `/api/inference/${inferenceId}`],
      ["GET", `/api/inference/${inferenceId}/logs`],
      ["DELETE", `/api/inference/${inferenceId}`],
      ["DELETE", `/api/inference/deploy?inference_id=${inferenceId}`],
    ] as const) {
      const refused = await other.call(method, path);
      expect(refused.status, `${method} ${path}`).toBe(404);
      expect(refused.body.detail, `${method} ${path}`).toBe(notFound);
    }
    const taken = await deploy(other, inferenceId, images.v1.ref, await freePort());
    expect(taken.status, JSON.stringify(taken.body)).toBe(409);
    expect(taken.body.type).toBe("urn:clarus:problem:name-conflict");
    const port = await deploy(other, scope.name("other"), images.v1.ref, hostPort);
    expect(port.status, JSON.stringify(port.body)).toBe(409);
    expect(port.body).toMatchObject({
      type: "urn:clarus:problem:port-taken",
      held_by: { inference_id: null, [onSwarm ? "service" : "container"]: inferenceId },
    });
    await other.close();
    expect(stable(await listMine())).toEqual(stable(before));
    expect(await onEngine.snapshot(scope.prefix)).toEqual([`${inferenceId} ${images.v2.ref} running`]);
    expect(await fetchInference(hostPort)).toBe("model-v2 second\n");
  });

  testOnSwarm(
    "a restarted agent finishes the deployments an agent stop left marked; another AGENT_NAME leaves them alone",
    async () => {
      // What an agent killed during a deployment leaves (crash-recovery kills real agents there): a mark of a
      // replacement whose tasks it never saw answering, and one of a first deployment that never reached the engine.
      const service = await testDocker.getService(inferenceId).inspect();
      const mark = (id: string, kind: string, generation: number) =>
        testDocker.createConfig({
          Name: scope.name(`mark-${kind}`),
          Labels: {
            "clarus.managed-by": scope.prefix,
            "clarus.inference.id": id,
            "clarus.deployment.kind": kind,
            "clarus.deployment.generation": String(generation),
          },
          Data: Buffer.from("{}").toString("base64"),
        });
      await mark(inferenceId, "replacement", service.Spec.TaskTemplate.ForceUpdate ?? 0);
      await mark(scope.name("never-created"), "first", 0);
      const marks = async () =>
        (await testDocker.listConfigs({ filters: { label: [`clarus.managed-by=${scope.prefix}`] } }))
          .map((c) => c.Spec?.Name)
          .sort();
      expect(await marks()).toEqual([scope.name("mark-first"), scope.name("mark-replacement")]);
      const before = await listMine();

      const other = await bed.startAgent({ ...env, AGENT_NAME: `${scope.prefix}-other` });
      await other.close();
      expect(await marks()).toHaveLength(2);

      await agent.close();
      agent = await bed.startAgent(env);
      // The marked replacement serves: its tasks answer, so it is done; the other never reached the engine.
      expect(await marks()).toEqual([]);
      expect(stable(await listMine())).toEqual(stable(before));
      expect((await testDocker.getService(inferenceId).inspect()).Version.Index).toBe(service.Version.Index);
      expect(await fetchInference(hostPort)).toBe("model-v2 second\n");
    },
  );

  test("two concurrent deploys for one id run one after the other", async () => {
    const id = scope.name("concurrent");
    const port = await freePort();
    const [first, second] = await Promise.all([deploy(agent, id, images.v1.ref, port), deploy(agent, id, images.v2.ref, port)]);
    expect([first.status, second.status], JSON.stringify([first.body, second.body])).toEqual([201, 201]);
    // Exactly one of them found the other's inference and replaced it; nothing ran side by side.
    const replacedBy = [first, second].filter((r) => r.body.replaced !== null);
    expect(replacedBy).toHaveLength(1);
    const winner = replacedBy[0]!.body;
    expect(await fetchInference(port)).toBe(`${winner.docker_img_uri === images.v1.ref ? "model-v1" : "model-v2"} \n`);
    const mine = (await listMine()).filter((i: { inference_id: string }) => i.inference_id === id);
    expect(mine).toHaveLength(1);
    expect(mine[0].container_id).toBe(winner.container_id);
    expect(await onEngine.snapshot(id)).toEqual([`${id} ${winner.docker_img_uri} running`]);
    // Removing an inference someone already stopped: the engine's 304 on stop is no error.
    await onEngine.stopOutside(id);
    expect((await agent.call("DELETE", `/api/inference/deploy?inference_id=${id}`)).status).toBe(200);
    expect(await onEngine.snapshot(id)).toEqual([]);
  });

  test("a moved tag is pulled again and replaces the running image; on docker the third-newest image is pruned", async () => {
    const moved = await bed.publishImage("model", "v2", "http", { marker: "model-v2-moved" });
    const before = (await listMine())[0]!;
    expect(before.image_id).toBe(images.v2.imageId);
    const res = await deploy(agent, inferenceId, images.v2.ref, hostPort);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.image_id).toBe(moved.imageId);
    expect(res.body.replaced).toEqual({ docker_img_uri: images.v2.ref, image_id: images.v2.imageId });
    expect(await fetchInference(hostPort)).toBe("model-v2-moved \n");
    if (onSwarm) {
      // The nodes hold the images: the agent prunes none.
      expect(res.body.pruned_images).toEqual([]);
      return;
    }
    // KEEP_IMAGES=2: the running image and the one before it stay (the old v2, now untagged); v1 goes.
    expect(res.body.pruned_images).toEqual([images.v1.id]);
    await expect(testDocker.getImage(images.v1.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await testDocker.getImage(images.v2.id).inspect()).Id).toBe(images.v2.id);
  });

  test("READINESS_PROBE=host probes the published port; an image's health check shows in the inspection", async () => {
    const healthy = await bed.publishImage("model", "healthy", "http", { marker: "healthy", healthcheck: true });
    const hostProbing = await bed.startAgent({ ...env, READINESS_PROBE: "host" });
    const id = scope.name("host-probe");
    const port = await freePort();
    try {
      const res = await deploy(hostProbing, id, healthy.ref, port);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.readiness).toMatchObject({ outcome: "ready", address: `127.0.0.1:${port}` });
      const health = async () => (await hostProbing.call("GET", `/api/inference/${id}`)).body.health;
      expect(["starting", "healthy"]).toContain(await health());
      await eventually(async () => expect(await health()).toBe("healthy"), 8000);
      expect((await hostProbing.call("DELETE", `/api/inference/${id}`)).status).toBe(200);
    } finally {
      await hostProbing.close();
    }
  });

  testOnSwarm("replicas and placement no node can satisfy: 422 quoting the engine, nothing left behind", async () => {
    const id = scope.name("unplaceable");
    const before = await onEngine.snapshot(scope.prefix);
    // Host-mode publishing: two tasks cannot share one node's port.
    const twice = await deploy(agent, id, images.v1.ref, await freePort(), { replicas: 2 });
    expect(twice.status, JSON.stringify(twice.body)).toBe(422);
    expect(twice.body).toMatchObject({ type: "urn:clarus:problem:no-suitable-node", errors: [{ field: "replicas" }] });
    expect(twice.body.detail).toContain("no suitable node");
    const placed = await deploy(agent, id, images.v1.ref, await freePort(), { placement: ["node.labels.gpu==true"] });
    expect(placed.status, JSON.stringify(placed.body)).toBe(422);
    expect(placed.body).toMatchObject({ errors: [{ field: "placement" }] });
    expect(placed.body.detail).toContain("no suitable node");
    expect(await onEngine.snapshot(scope.prefix)).toEqual(before);
  });

  test("removes it (as the original Postman request does, with ?exp_id=), then 404 on a second removal", async () => {
    const res = await agent.call("DELETE", `/api/inference/deploy?exp_id=${inferenceId}`, "");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ inference_id: inferenceId, removed: true, docker_img_uri: images.v2.ref });
    expect(await onEngine.snapshot(scope.prefix)).toEqual([]);
    // No container of it is left either (a service's tasks included).
    expect(await onEngine.container(inferenceId)).toBeUndefined();
    const again = await agent.call("DELETE", `/api/inference/deploy?inference_id=${inferenceId}`);
    expect(again.status).toBe(404);
    expect(again.body.detail).toBe(`No inference "${inferenceId}" exists on this node.`);
    expect(await listMine()).toEqual([]);
  });
});
