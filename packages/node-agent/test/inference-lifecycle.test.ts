// The node agent against the real engine and a local registry: deploy → serve → list → inspect/logs →
// replace → failed replace rolls back → restart keeps the list → remove; plus serialised concurrent deploys.
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AgentTestBed, openAgentTestBed } from "./helpers/agent-test-bed.js";
import { type AgentUnderTest, engineSnapshot, fetchInference, type Json } from "./helpers/agent-under-test.js";
import { describeWithDocker, eventually, freePort, testDocker } from "./support/docker-env.js";

describeWithDocker("node agent: inference lifecycle on a real engine", () => {
  let bed: AgentTestBed;
  let scope: AgentTestBed["scope"];
  let network: string;
  let env: Record<string, string>;
  let agent: AgentUnderTest;
  const refs = { v1: "", v2: "", crash: "" };
  const ids = { v1: "", v2: "" };
  let inferenceId: string;
  let hostPort: number;

  /** Only this file's inferences (the agent's AGENT_NAME is the scope's; the filter states it again). */
  const listMine = async (): Promise<Json[]> =>
    (await agent.call("GET", "/api/inference/all")).body.filter((i: Json) => i.inference_id.startsWith(scope.prefix));

  const deploy = (target: AgentUnderTest, id: string, image: string, port: number, extra: Record<string, unknown> = {}) =>
    target.call("POST", "/api/inference/deploy", {
      inference_id: id,
      docker_img_uri: image,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: port,
      ...extra,
    });

  beforeAll(async () => {
    bed = await openAgentTestBed("lifecycle");
    ({ scope, network } = bed);
    inferenceId = scope.name("redwine");
    const built = await Promise.all([
      bed.publishImage("model", "v1", "http", { marker: "model-v1" }),
      bed.publishImage("model", "v2", "http", { marker: "model-v2" }),
      bed.publishImage("model", "broken", "crash", { exitCode: 3 }),
    ]);
    [refs.v1, refs.v2, refs.crash] = built.map((image) => image.ref) as [string, string, string];
    ids.v1 = built[0].id;
    ids.v2 = built[1].id;
    env = {
      READINESS_TIMEOUT_SECONDS: "8",
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

  test("deploys with ports as strings and env, and serves through the host port", async () => {
    const res = await agent.call("POST", "/api/inference/deploy", {
      inference_id: inferenceId,
      docker_img_uri: refs.v1,
      inference_rest_api_port: "8080",
      inference_rest_api_forward_port: String(hostPort),
      env: { GREETING: "hello-from-env", THRESHOLD: 0.7 },
      // Whatever else a caller sends cannot widen the container's rights.
      privileged: true,
      HostConfig: { Privileged: true, Binds: ["/:/host"], NetworkMode: "host", CapAdd: ["ALL"] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      inference_id: inferenceId,
      name: inferenceId,
      port: hostPort,
      docker_img_uri: refs.v1,
      image_id: ids.v1,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: hostPort,
      state: "running",
      running: true,
      restart_count: 0,
      replaced: null,
      readiness: { outcome: "ready" },
    });
    expect(res.body.ip_address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await fetchInference(hostPort)).toBe("model-v1 hello-from-env\n");
    expect(await fetchInference(hostPort, "/env.txt")).toContain("THRESHOLD=0.7");

    const inspected = await testDocker.getContainer(inferenceId).inspect();
    expect(inspected.HostConfig).toMatchObject({
      Privileged: false,
      NetworkMode: network,
      RestartPolicy: { Name: "unless-stopped" },
      Init: true,
      SecurityOpt: ["no-new-privileges:true"],
      PidsLimit: 1024,
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
      Memory: 64 * 1024 * 1024,
      NanoCpus: 500_000_000,
      PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] },
      CapDrop: ["ALL"],
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${256 * 1024 * 1024}` },
    });
    expect(inspected.HostConfig.Binds ?? []).toEqual([]);
    expect(inspected.HostConfig.CapAdd ?? []).toEqual([]);
    expect(inspected.HostConfig.Devices ?? []).toEqual([]);
    expect(inspected.Mounts).toEqual([]);

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

  test("lists it with the original fields and the new ones, from labels", async () => {
    const res = await agent.call("GET", "/api/inference/all");
    expect(res.status).toBe(200);
    expect(await listMine()).toEqual([
      expect.objectContaining({
        inference_id: inferenceId,
        name: inferenceId,
        port: hostPort,
        docker_img_uri: refs.v1,
        inference_rest_api_port: 8080,
        inference_rest_api_forward_port: hostPort,
        state: "running",
        exp_id: null,
      }),
    ]);
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

  test("the list follows changes made outside the agent (engine events), not only its own", async () => {
    const stateOf = async () => (await listMine()).find((i) => i.inference_id === inferenceId)?.state;
    expect([await stateOf(), await stateOf()]).toEqual(["running", "running"]);
    await testDocker.getContainer(inferenceId).stop({ t: 1 });
    await eventually(async () => expect(await stateOf()).toBe("exited"), 3000);
    await testDocker.getContainer(inferenceId).start();
    await eventually(async () => expect(await stateOf()).toBe("running"), 3000);
    expect(await eventually(() => fetchInference(hostPort))).toBe("model-v1 hello-from-env\n");
  });

  test("replaces it with a second tag, keeping the port and, with KEEP_IMAGES=2, the previous image", async () => {
    const res = await deploy(agent, inferenceId, refs.v2, hostPort, { env: { GREETING: "second" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      docker_img_uri: refs.v2,
      image_id: ids.v2,
      replaced: { docker_img_uri: refs.v1, image_id: ids.v1 },
    });
    expect(res.body.pruned_images).toEqual([]);
    expect(await fetchInference(hostPort)).toBe("model-v2 second\n");
    expect((await testDocker.getImage(ids.v1).inspect()).Id).toBe(ids.v1);
    expect(await engineSnapshot(scope.prefix)).toEqual([expect.stringMatching(new RegExp(`^/${inferenceId} \\S+ running `))]);
  });

  test("a replacement that crashes is rolled back: the old version serves again and the answer names the failure", async () => {
    const before = await listMine();
    const res = await deploy(agent, inferenceId, refs.crash, hostPort);
    expect(res.status).toBe(502);
    expect(res.body.type).toBe("urn:clarus:problem:inference-exited");
    expect(res.body.detail).toContain(`(image ${refs.crash}) exited with code 3`);
    expect(res.body.detail).toContain(`The previous version (image ${refs.v2}) was restored and accepts connections again.`);
    expect(res.body.logs).toContain(`test image ${refs.crash}: crashing on purpose`);
    expect(await fetchInference(hostPort)).toBe("model-v2 second\n");
    const after = await listMine();
    expect(after.map((i: { container_id: string; docker_img_uri: string }) => [i.container_id, i.docker_img_uri])).toEqual(
      before.map((i: { container_id: string; docker_img_uri: string }) => [i.container_id, i.docker_img_uri]),
    );
    expect(await engineSnapshot(scope.prefix)).toHaveLength(1);
    // The broken image it pulled is not left on the disk.
    await expect(testDocker.getImage(refs.crash).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  test("a restarted agent lists the same inferences (Docker is the only state store); another AGENT_NAME sees none", async () => {
    const before = await listMine();
    await agent.close();
    agent = await bed.startAgent(env);
    const after = await listMine();
    const stable = (list: Array<Record<string, unknown>>) => list.map(({ status: _status, ...rest }) => rest);
    expect(stable(after)).toEqual(stable(before));

    // A second agent on the same engine, with its own name: its start-up recovery, list and removal leave ours alone.
    const other = await bed.startAgent({ ...env, AGENT_NAME: `${scope.prefix}-other` });
    expect((await other.call("GET", "/api/inference/all")).body).toEqual([]);
    const refused = await other.call("DELETE", `/api/inference/${inferenceId}`);
    expect(refused.status).toBe(404);
    expect(refused.body.detail).toBe(`No inference "${inferenceId}" exists on this node.`);
    await other.close();
    expect(stable(await listMine())).toEqual(stable(before));
  });

  test("two concurrent deploys for one id run one after the other", async () => {
    const id = scope.name("concurrent");
    const port = await freePort();
    const [first, second] = await Promise.all([deploy(agent, id, refs.v1, port), deploy(agent, id, refs.v2, port)]);
    expect([first.status, second.status]).toEqual([201, 201]);
    // Exactly one of them found the other's container and replaced it; nothing ran side by side.
    const replacedBy = [first, second].filter((r) => r.body.replaced !== null);
    expect(replacedBy).toHaveLength(1);
    const winner = replacedBy[0]!.body;
    expect(await fetchInference(port)).toBe(`${winner.docker_img_uri === refs.v1 ? "model-v1" : "model-v2"} \n`);
    const mine = (await listMine()).filter((i: { inference_id: string }) => i.inference_id === id);
    expect(mine).toHaveLength(1);
    expect(mine[0].container_id).toBe(winner.container_id);
    // Removing an inference someone already stopped: the engine's 304 on stop is no error.
    await testDocker.getContainer(id).stop({ t: 1 });
    expect((await agent.call("DELETE", `/api/inference/deploy?inference_id=${id}`)).status).toBe(200);
  });

  test("a moved tag is pulled again and replaces the running image; the third-newest image is pruned", async () => {
    const moved = await bed.publishImage("model", "v2", "http", { marker: "model-v2-moved" });
    const before = (await listMine())[0]!;
    expect(before.image_id).toBe(ids.v2);
    const res = await deploy(agent, inferenceId, refs.v2, hostPort);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.image_id).toBe(moved.id);
    expect(res.body.replaced).toEqual({ docker_img_uri: refs.v2, image_id: ids.v2 });
    // KEEP_IMAGES=2: the running image and the one before it stay (the old v2, now untagged); v1 goes.
    expect(res.body.pruned_images).toEqual([ids.v1]);
    await expect(testDocker.getImage(ids.v1).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await testDocker.getImage(ids.v2).inspect()).Id).toBe(ids.v2);
    expect(await fetchInference(hostPort)).toBe("model-v2-moved \n");
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

  test("removes it (as the original Postman request does, with ?exp_id=), then 404 on a second removal", async () => {
    const res = await agent.call("DELETE", `/api/inference/deploy?exp_id=${inferenceId}`, "");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ inference_id: inferenceId, removed: true, docker_img_uri: refs.v2 });
    expect(await engineSnapshot(scope.prefix)).toEqual([]);
    const again = await agent.call("DELETE", `/api/inference/deploy?inference_id=${inferenceId}`);
    expect(again.status).toBe(404);
    expect(again.body.detail).toBe(`No inference "${inferenceId}" exists on this node.`);
    expect(await listMine()).toEqual([]);
  });
});
