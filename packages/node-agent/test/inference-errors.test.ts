// Bad input and faults: each answer has its status and a message naming what is wrong, and the engine
// is left exactly as it was (no container created, changed or lost).
import { randomBytes } from "node:crypto";
import { stat, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer, type Server } from "node:net";
import { createLogger } from "@clarus/common";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildContainerSpec } from "../src/inference/container-spec.js";
import { DEFAULT_AGENT_NAME } from "../src/inference/labels.js";
import { launchUntilReady } from "../src/inference/launch-container.js";
import { inferenceProblem } from "../src/routes/inference-problems.js";
import { DockerRuntime } from "../src/runtime/docker-runtime.js";
import { acceptsConnections } from "../src/runtime/tcp-probe.js";
import { type AgentTestBed, openAgentTestBed } from "./helpers/agent-test-bed.js";
import { type AgentUnderTest, engineSnapshot } from "./helpers/agent-under-test.js";
import { DOCKER_SOCKET, describeWithDocker, freePort, testDocker } from "./support/docker-env.js";
import { TEST_RUNTIME, testOnDocker } from "./support/swarm.js";

interface BadCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  detail: RegExp;
  /** Field errors expected as "location:field". */
  fields?: string[];
}

describeWithDocker("node agent: bad input and faults change nothing", () => {
  let bed: AgentTestBed;
  let scope: AgentTestBed["scope"];
  let agent: AgentUnderTest;
  let image: string;
  let portHolder: Server;
  const ports = { process: 0, foreign: 0, inference: 0, free: 0, agent: 0 };
  let heldBy: string;
  let foreign: string;

  beforeAll(async () => {
    bed = await openAgentTestBed("errors");
    ({ scope } = bed);
    heldBy = scope.name("holder");
    foreign = scope.name("foreign");
    // Kept local: the foreign container below runs it.
    image = (await bed.publishImage("model", "v1", "http", { keepLocal: true })).ref;
    for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort();
    portHolder = createServer();
    await new Promise<void>((resolve) => portHolder.listen(ports.process, "127.0.0.1", resolve));
    const container = await testDocker.createContainer({
      name: foreign,
      Image: image,
      HostConfig: { PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: String(ports.foreign) }] } },
    });
    await container.start();
    // On swarm the names an agent can collide with are services': a foreign one of the same name, never started.
    if (TEST_RUNTIME === "swarm") {
      await testDocker.createService({
        Name: foreign,
        TaskTemplate: { ContainerSpec: { Image: image } },
        Mode: { Replicated: { Replicas: 0 } },
      });
    }
    // The agent really listens on its PORT, as main.ts makes it, so a deploy can ask for the agent's own port.
    agent = await bed.startAgent({ PORT: String(ports.agent) });
    const held = await agent.call(
      "POST",
      "/api/inference/deploy",
      deployBody({ inference_id: heldBy, forward: ports.inference }),
    );
    expect(held.status).toBe(201);
  });

  afterAll(async () => {
    await new Promise((resolve) => portHolder?.close(resolve));
    await bed?.close();
  });

  /** Every operation of an agent's OpenAPI document, as "METHOD /path". */
  const routesOf = (target: AgentUnderTest): string[] =>
    Object.entries(target.agent.openapi.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`),
    );

  /** A well-formed request for an operation, naming the held inference where an id is needed. */
  const request = (operation: string): [string, string, unknown?] => {
    const [method, path] = operation.split(" ") as [string, string];
    const url = path.replace("{id}", heldBy);
    if (method === "POST") {
      const body = path.includes("v3")
        ? { exp_id: "exp", inference_id: scope.name("new"), inference_rest_api_forward_port: ports.free }
        : deployBody();
      return [method, url, body];
    }
    return [method, method === "DELETE" && !path.includes("{id}") ? `${url}?inference_id=${heldBy}` : url];
  };

  function deployBody(overrides: { inference_id?: string; forward?: number } & Record<string, unknown> = {}) {
    const { forward, ...rest } = overrides;
    return {
      inference_id: scope.name("new"),
      docker_img_uri: image,
      inference_rest_api_port: "8080",
      inference_rest_api_forward_port: String(forward ?? ports.free),
      ...rest,
    };
  }

  const deploy = (name: string, body: unknown, status: number, detail: RegExp, fields?: string[]): BadCase => ({
    name,
    method: "POST",
    path: "/api/inference/deploy",
    body,
    status,
    detail,
    ...(fields ? { fields } : {}),
  });

  // Built lazily: the bodies need the registry and ports from beforeAll.
  const cases = (): BadCase[] => [
    deploy("malformed JSON", '{"inference_id": "x",', 400, /JSON/, ["body:(root)"]),
    deploy("no body at all", undefined, 400, /JSON request body is required/),
    deploy("every field missing", {}, 422, /inference_id/, [
      "body:inference_id",
      "body:docker_img_uri",
      "body:inference_rest_api_port",
      "body:inference_rest_api_forward_port",
    ]),
    deploy("invalid container name", deployBody({ inference_id: "bad name!" }), 422, /inference_id: must be 2-128 letters/, [
      "body:inference_id",
    ]),
    deploy(
      "a one-character id (no Docker container name)",
      deployBody({ inference_id: "7" }),
      422,
      /inference_id: must be 2-128/,
      ["body:inference_id"],
    ),
    deploy(
      "an id longer than 128 characters",
      deployBody({ inference_id: "x".repeat(129) }),
      422,
      /inference_id: must be 2-128/,
      ["body:inference_id"],
    ),
    deploy(
      "host port below MIN_HOST_PORT",
      deployBody({ forward: 80 }),
      422,
      /inference_rest_api_forward_port 80 is below 1024.*MIN_HOST_PORT/,
      ["body:inference_rest_api_forward_port"],
    ),
    deploy("upper-case repository", deployBody({ docker_img_uri: "clarusproject/UC_Energy:0.0.1" }), 422, /lower-case/, [
      "body:docker_img_uri",
    ]),
    deploy("image reference with a space", deployBody({ docker_img_uri: "img 1; rm -rf /" }), 422, /docker_img_uri/, [
      "body:docker_img_uri",
    ]),
    deploy("port not a number", deployBody({ inference_rest_api_port: "80a" }), 422, /must be a port 1-65535/, [
      "body:inference_rest_api_port",
    ]),
    deploy("port zero", deployBody({ inference_rest_api_port: 0 }), 422, /must be 1-65535/, ["body:inference_rest_api_port"]),
    deploy("host port above 65535", deployBody({ forward: 70000 }), 422, /must be 1-65535/, [
      "body:inference_rest_api_forward_port",
    ]),
    deploy("fractional port", deployBody({ inference_rest_api_port: 80.5 }), 422, /inference_rest_api_port/, [
      "body:inference_rest_api_port",
    ]),
    deploy(
      "nine env entries",
      deployBody({ env: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`V${i}`, "x"])) }),
      422,
      /at most 8 variables, got 9/,
      ["body:env"],
    ),
    deploy("bad env name", deployBody({ env: { "1BAD-NAME": "x" } }), 422, /"1BAD-NAME" must start with a letter/, [
      "body:env.1BAD-NAME",
    ]),
    deploy("env value an object", deployBody({ env: { GOOD: { nested: true } } }), 422, /must be a string/, ["body:env.GOOD"]),
    deploy(
      "image the registry does not have",
      deployBody({ docker_img_uri: `${bed.registry.host}/${scope.prefix}/missing:1` }),
      422,
      /manifest unknown/,
    ),
    deploy("registry unreachable", deployBody({ docker_img_uri: "127.0.0.1:9/model:1" }), 502, /connection refused/),
    deploy(
      "replacing a running inference with an image the registry does not have (it keeps running)",
      deployBody({
        inference_id: heldBy,
        forward: ports.inference,
        docker_img_uri: `${bed.registry.host}/${scope.prefix}/missing:2`,
      }),
      422,
      /manifest unknown/,
    ),
    deploy("a new inference whose process exits at once", deployBody({ env: { VARIANT: "crash" } }), 502, /exited with code 1/),
    deploy("host port held by another process", deployBody({ forward: ports.process }), 409, /held by another process/, [
      "body:inference_rest_api_forward_port",
    ]),
    deploy(
      "host port the agent itself listens on",
      deployBody({ forward: ports.agent }),
      409,
      new RegExp(`Host port ${ports.agent} is the port this node agent listens on \\(PORT=${ports.agent}\\).*choose another`),
      ["body:inference_rest_api_forward_port"],
    ),
    deploy(
      "host port held by a foreign container",
      deployBody({ forward: ports.foreign }),
      409,
      new RegExp(`published by container "${foreign}" \\(not managed by this agent\\)`),
      ["body:inference_rest_api_forward_port"],
    ),
    deploy("host port held by an inference", deployBody({ forward: ports.inference }), 409, new RegExp(`inference "${heldBy}"`), [
      "body:inference_rest_api_forward_port",
    ]),
    deploy("name of a foreign container", deployBody({ inference_id: foreign }), 409, /is not an inference of this agent/, [
      "body:inference_id",
    ]),
    {
      name: "remove an unknown id",
      method: "DELETE",
      path: `/api/inference/deploy?inference_id=${scope.name("nope")}`,
      status: 404,
      detail: /exists on this node/,
    },
    {
      name: "remove an unknown id named in a JSON body",
      method: "DELETE",
      path: "/api/inference/deploy",
      body: { exp_id: scope.name("nope-body") },
      status: 404,
      detail: new RegExp(`No inference "${scope.name("nope-body")}"`),
    },
    {
      name: "remove without an id",
      method: "DELETE",
      path: "/api/inference/deploy",
      status: 400,
      detail: /Say which inference/,
      fields: ["query:inference_id"],
    },
    {
      name: "remove with an invalid id",
      method: "DELETE",
      path: "/api/inference/deploy?exp_id={TO_COMPLETE}",
      status: 400,
      detail: /exp_id/,
      fields: ["query:exp_id"],
    },
    {
      // The same words as for an absent id: the API does not tell which other containers run on the host.
      name: "remove a foreign container",
      method: "DELETE",
      path: `/api/inference/deploy?inference_id=${foreign}`,
      status: 404,
      detail: new RegExp(`^No inference "${foreign}" exists on this node\\.$`),
    },
    {
      name: "inspect a foreign container",
      method: "GET",
      path: `/api/inference/${foreign}`,
      status: 404,
      detail: new RegExp(`^No inference "${foreign}" exists on this node\\.$`),
    },
    {
      name: "inspect a one-character id",
      method: "GET",
      path: "/api/inference/7",
      status: 400,
      detail: /id/,
      fields: ["path:id"],
    },
    {
      name: "logs of a one-character id",
      method: "GET",
      path: "/api/inference/7/logs",
      status: 400,
      detail: /id/,
      fields: ["path:id"],
    },
    {
      name: "remove a one-character id in the path",
      method: "DELETE",
      path: "/api/inference/7",
      status: 400,
      detail: /id/,
      fields: ["path:id"],
    },
    {
      name: "remove a one-character id in the query",
      method: "DELETE",
      path: "/api/inference/deploy?inference_id=7",
      status: 400,
      detail: /inference_id/,
      fields: ["query:inference_id"],
    },
    {
      name: "remove an id longer than 128 characters",
      method: "DELETE",
      path: `/api/inference/${"x".repeat(129)}`,
      status: 400,
      detail: /id/,
      fields: ["path:id"],
    },
    {
      name: "inspect an unknown id",
      method: "GET",
      path: `/api/inference/${scope.name("nope")}`,
      status: 404,
      detail: /exists on this node/,
    },
    {
      name: "logs with tail=0",
      method: "GET",
      path: `/api/inference/${heldBy}/logs?tail=0`,
      status: 400,
      detail: /tail/,
      fields: ["query:tail"],
    },
  ];

  test("every bad request gets its status and message, and the engine is unchanged", async () => {
    for (const bad of cases()) {
      const before = await engineSnapshot(scope.prefix);
      const res = await agent.call(bad.method, bad.path, bad.body);
      const summary = `${bad.name}: ${res.status} ${JSON.stringify(res.body)}`;
      expect(res.status, summary).toBe(bad.status);
      expect(res.body.detail, summary).toMatch(bad.detail);
      if (bad.fields) {
        expect(
          res.body.errors.map((e: { location: string; field: string }) => `${e.location}:${e.field}`),
          summary,
        ).toEqual(bad.fields);
      }
      expect(await engineSnapshot(scope.prefix), summary).toEqual(before);
    }
  });

  // On swarm the nodes pull: a broken layer is a task that cannot start (inference-lifecycle covers task failures there).
  testOnDocker(
    "a layer that fails inside the pull stream (HTTP 200): 502 quoting the engine, nothing created or left",
    async () => {
      const damaged = await bed.publishImage("model", "damaged", "http", { fillerBytes: 256 * 1024, keepLocal: true });
      const answer = await fetch(`http://${bed.registry.host}/v2/${scope.prefix}/model/manifests/damaged`, {
        headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
      });
      const manifest = (await answer.json()) as { layers: Array<{ digest: string }> };
      // Layers: busybox, start.sh, the filler (random bytes, so only this image has it). Same size, other bytes.
      const fillerLayer = manifest.layers[2]!.digest;
      const stored = await stat(bed.registry.blobFile(fillerLayer));
      await writeFile(bed.registry.blobFile(fillerLayer), randomBytes(stored.size));
      // The engine must download that layer: remove the image and its build steps from the filler up (3+ layers).
      for (let id: string | undefined = damaged.id; id; ) {
        const image: { RootFS: { Layers?: string[] }; Parent: string } = await testDocker.getImage(id).inspect();
        if (image.RootFS.Layers!.length < 3) break;
        await testDocker.getImage(id).remove({ force: true, noprune: true });
        id = image.Parent || undefined;
      }
      const before = await engineSnapshot(scope.prefix);
      const res = await agent.call("POST", "/api/inference/deploy", deployBody({ docker_img_uri: damaged.ref }));
      expect(res.status, JSON.stringify(res.body)).toBe(502);
      expect(res.body).toMatchObject({
        type: "urn:clarus:problem:registry-error",
        upstream: { service: "registry", failure: "rejected" },
      });
      expect(res.body.detail).toContain(`Docker could not pull ${damaged.ref}: filesystem layer verification failed`);
      expect(await engineSnapshot(scope.prefix)).toEqual(before);
      await expect(testDocker.getImage(damaged.ref).inspect()).rejects.toMatchObject({ statusCode: 404 });
    },
  );

  test("the list holds this agent's inferences only: the foreign container is not in it", async () => {
    const listed = (await agent.call("GET", "/api/inference/all")).body.map((i: { inference_id: string }) => i.inference_id);
    expect(listed).toContain(heldBy);
    expect(listed).not.toContain(foreign);
  });

  test("registry failures quote the registry and say who answered", async () => {
    const res = await agent.call(
      "POST",
      "/api/inference/deploy",
      deployBody({ docker_img_uri: `${bed.registry.host}/${scope.prefix}/missing:1` }),
    );
    expect(res.body).toMatchObject({
      type: "urn:clarus:problem:image-not-found",
      upstream: { service: "registry", failure: "rejected" },
    });
    expect(res.body.upstream.body).toContain("manifest unknown");
  });

  describe("configuration-dependent refusals", () => {
    test("ALLOWED_REGISTRIES refuses other registries with 403", async () => {
      const strict = await bed.startAgent({ ALLOWED_REGISTRIES: "registry.example.com, docker.io" });
      try {
        const res = await strict.call("POST", "/api/inference/deploy", deployBody());
        expect(res.status).toBe(403);
        expect(res.body.detail).toContain(`Images from ${bed.registry.host} are not allowed here`);
        expect(res.body.errors[0]).toMatchObject({ field: "docker_img_uri" });
      } finally {
        await strict.close();
      }
    });

    test("AGENT_API_TOKEN protects every route but ping and health, /metrics included", async () => {
      const locked = await bed.startAgent({ AGENT_API_TOKEN: "edge-secret-0123456789" });
      try {
        expect((await locked.call("GET", "/api/ping")).body).toBe("OK");
        expect((await locked.call("GET", "/api/health")).status).toBe(200);
        const before = await engineSnapshot(scope.prefix);
        const operations = [...routesOf(locked), "GET /metrics"].filter((op) => !/ \/api\/(ping|health)$/.test(op));
        expect(operations).toHaveLength(9);
        for (const op of operations) {
          const attempts: Array<Record<string, string>> = [
            {},
            { authorization: "Bearer wrong" },
            { authorization: "edge-secret-0123456789" },
          ];
          for (const headers of attempts) {
            const [method, url, body] = request(op);
            const res = await locked.call(method, url, body, headers);
            expect(res.status, `${op} ${JSON.stringify(headers)}`).toBe(401);
          }
        }
        expect(await engineSnapshot(scope.prefix)).toEqual(before);
        expect((await locked.call("GET", "/api/inference/all")).body).toMatchObject({
          detail: "This route needs the header Authorization: Bearer <AGENT_API_TOKEN>.",
        });
        const bearer = { authorization: "Bearer edge-secret-0123456789" };
        expect((await locked.call("GET", "/api/inference/all", undefined, bearer)).status).toBe(200);
        expect((await locked.call("GET", `/api/inference/${heldBy}`, undefined, bearer)).status).toBe(200);
        expect((await locked.call("GET", "/metrics", undefined, bearer)).status).toBe(200);
      } finally {
        await locked.close();
      }
    });

    test("a missing network is a clear 503, or is created when CREATE_NETWORK=true", async () => {
      const absent = scope.name("absent-net");
      const refusing = await bed.startAgent({ INFERENCE_NETWORK: absent });
      const creating = await bed.startAgent({ INFERENCE_NETWORK: absent, CREATE_NETWORK: "true" });
      try {
        const health = await refusing.call("GET", "/api/health");
        expect(health.body).toMatchObject({ status: "degraded", network: { name: absent, present: false } });
        const before = await engineSnapshot(scope.prefix);
        const refused = await refusing.call("POST", "/api/inference/deploy", deployBody({ inference_id: scope.name("netless") }));
        expect(refused.status).toBe(503);
        expect(refused.body.detail).toContain(`The Docker network "${absent}" does not exist`);
        expect(await engineSnapshot(scope.prefix)).toEqual(before);

        const created = await creating.call("POST", "/api/inference/deploy", deployBody({ inference_id: scope.name("netless") }));
        expect(created.status).toBe(201);
        expect((await testDocker.getNetwork(absent).inspect()).Name).toBe(absent);
        expect((await creating.call("DELETE", `/api/inference/deploy?inference_id=${scope.name("netless")}`)).status).toBe(200);
      } finally {
        await Promise.all([refusing.close(), creating.close()]);
      }
    });

    test("a container whose port does not open in time is removed: 504 with its logs", async () => {
      // 3 s: long enough for a swarm task to be scheduled and log its first line.
      const impatient = await bed.startAgent({ READINESS_TIMEOUT_SECONDS: "3" });
      try {
        const before = await engineSnapshot(scope.prefix);
        // The test image honours START_DELAY at run time: it listens only after 30 s.
        const res = await impatient.call("POST", "/api/inference/deploy", deployBody({ env: { START_DELAY: "30" } }));
        expect(res.status).toBe(504);
        expect(res.body.type).toBe("urn:clarus:problem:inference-not-ready");
        expect(res.body.detail).toMatch(/did not accept connections on port 8080 within 3 s \(READINESS_TIMEOUT_SECONDS\)/);
        expect(res.body.readiness).toMatchObject({ outcome: "timeout" });
        expect(res.body.logs.join("\n")).toContain("waiting 30s before listening");
        expect(await engineSnapshot(scope.prefix)).toEqual(before);
      } finally {
        await impatient.close();
      }
    });

    test("a registry that stops answering: 504 after PULL_TIMEOUT_SECONDS, nothing created", async () => {
      const silent = createServer(() => {
        // Accepts connections and never answers.
      });
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const { port } = silent.address() as AddressInfo;
      const hasty = await bed.startAgent({ PULL_TIMEOUT_SECONDS: "1" });
      try {
        const before = await engineSnapshot(scope.prefix);
        const started = Date.now();
        const res = await hasty.call(
          "POST",
          "/api/inference/deploy",
          deployBody({ docker_img_uri: `127.0.0.1:${port}/model:1` }),
        );
        expect(res.status).toBe(504);
        // The docker backend pulls; on swarm the agent only asks the registry for the digest (the nodes pull).
        expect(res.body.detail).toBe(
          `${TEST_RUNTIME === "docker" ? "Pulling" : "Looking up"} 127.0.0.1:${port}/model:1 did not finish within 1 s (PULL_TIMEOUT_SECONDS).`,
        );
        expect(Date.now() - started).toBeLessThan(5000);
        expect(await engineSnapshot(scope.prefix)).toEqual(before);
      } finally {
        await hasty.close();
        silent.close();
      }
    });

    test("an unreachable engine gives 503 on every route that needs it", async () => {
      const blind = await bed.startAgent({ DOCKER_HOST: "unix:///nonexistent/docker.sock" });
      try {
        expect((await blind.call("GET", "/api/ping")).status).toBe(200);
        // The v3 deploy asks the IDS agent first; its engine case is in registry-auth-and-ids.test.ts.
        const operations = routesOf(blind).filter((op) => op !== "GET /api/ping" && op !== "POST /api/v3/inference/deploy");
        expect(operations).toHaveLength(8);
        for (const op of operations) {
          const res = await blind.call(...request(op));
          expect(res.status, `${op}: ${JSON.stringify(res.body)}`).toBe(503);
          expect(res.body.type, op).toBe("urn:clarus:problem:engine-unavailable");
          expect(res.body.detail, op).toMatch(/Docker engine \(DOCKER_HOST\) is unreachable.*ENOENT/);
          expect(JSON.stringify(res.body), op).not.toContain("/nonexistent");
        }
      } finally {
        await blind.close();
      }
    });

    test("a network that vanishes before the start: the container just created is removed, 503 quoting the engine", async () => {
      const runtime = new DockerRuntime({
        dockerHost: `unix://${DOCKER_SOCKET}`,
        dockerConfigFile: "/nonexistent",
        pullTimeoutMs: 5000,
      });
      const gone = scope.name("vanished-net");
      const policy = {
        agentName: DEFAULT_AGENT_NAME,
        network: gone,
        hostIp: "127.0.0.1",
        pidsLimit: 64,
        logMaxSize: "1m",
        logMaxFiles: 1,
        capabilities: [],
        readOnlyRootfs: true,
        tmpfsBytes: 1024 ** 2,
      };
      const ctx = {
        runtime,
        policy,
        readiness: { probe: "container" as const, timeoutMs: 2000, acceptsConnections },
        stopTimeoutSeconds: 1,
        keepImages: 1,
        allowedRegistries: [],
        allowGpus: false,
        minHostPort: 1024,
        createNetwork: false,
        agentPort: 8081,
        logger: createLogger({ name: "launch-test", level: "silent" }),
      };
      const id = scope.name("netless-start");
      const spec = buildContainerSpec({ inferenceId: id, image, internalPort: 8080, hostPort: ports.free, env: {} }, policy, {
        name: id,
        imageHistory: [],
      });
      const before = await engineSnapshot(scope.prefix);
      // Docker creates a container on a missing network and fails only when it starts it.
      const failure = await launchUntilReady(ctx, spec, async () => "").then(
        () => undefined,
        (err: unknown) => inferenceProblem(err),
      );
      expect(failure).toMatchObject({ status: 503, type: "urn:clarus:problem:network-missing" });
      expect((failure as Error).message).toContain(`network ${gone} not found`);
      expect(await engineSnapshot(scope.prefix)).toEqual(before);
    });
  });
});
