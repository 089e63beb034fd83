// Pulling with credentials from a Docker config file (htpasswd registry), the v3 deploy through a
// contract-checking fake IDS agent, and the original Postman requests exactly as written.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { type AgentUnderTest, fetchInference, startAgent } from "./helpers/agent-under-test.js";
import {
  buildTestImage,
  createDockerConfig,
  createTestScope,
  type DockerConfigDir,
  describeWithDocker,
  freePort,
  pushImage,
  startRegistry,
  type TestRegistry,
  testDocker,
} from "./support/docker-env.js";
import { type FakeIdsAgent, startFakeIdsAgent } from "./support/fake-ids-agent.js";

/** The original collection's requests (ClarusInference.postman_collection.json), bodies verbatim with \r\n and tabs. */
const POSTMAN = {
  deploy:
    '{\r\n    "inference_id":"inference01",\r\n    "docker_img_uri":"{{registry}}/redwine:prod",\r\n    "inference_rest_api_port":"8080",\r\n    "inference_rest_api_forward_port":"8081",\r\n     "env":{\r\n\t"env1":"envValue1",\r\n\t"env2":"envValue2"\t\r\n\t}\r\n}',
  deployV3:
    '{\r\n    "exp_id":"Clarus_RedWine_experiment",\r\n    "inference_id":"inference01",\r\n    "inference_rest_api_forward_port":"7070",\r\n    "env":{\r\n\t"env1":"envValue1",\r\n\t"env2":"envValue2"\t\r\n\t}\r\n}',
  remove: "/api/inference/deploy?exp_id={TO_COMPLETE}",
};

describeWithDocker("node agent: registry credentials, IDS v3 deploy, original Postman requests", () => {
  const scope = createTestScope("auth-ids");
  const credentials = { username: "clarus", password: "pilot-Pw-1" };
  let secured: TestRegistry;
  let network: string;
  let ids: FakeIdsAgent;
  const configs: DockerConfigDir[] = [];
  const agents: AgentUnderTest[] = [];
  let privateImage: string;
  let redwine: string;

  async function agentWith(env: Record<string, string>): Promise<AgentUnderTest> {
    const agent = await startAgent({
      INFERENCE_NETWORK: network,
      READINESS_TIMEOUT_SECONDS: "5",
      IDS_AGENT_URL: ids.url,
      ...env,
    });
    agents.push(agent);
    return agent;
  }

  async function configWith(auths: Parameters<typeof createDockerConfig>[0]): Promise<string> {
    const config = await createDockerConfig(auths);
    configs.push(config);
    return config.dir;
  }

  beforeAll(async () => {
    [secured, network, ids] = await Promise.all([
      startRegistry({ htpasswd: credentials }),
      scope.createNetwork(),
      startFakeIdsAgent(),
    ]);
    privateImage = scope.imageRef(secured.host, "private-model", "1");
    redwine = `${secured.host}/${scope.prefix}/redwine:prod`;
    await buildTestImage(privateImage, "http", { marker: "private" });
    await buildTestImage(redwine, "http", { marker: "redwine" });
    await Promise.all([pushImage(privateImage, credentials), pushImage(redwine, credentials)]);
    // Pulled by the agent, not left from the build (noprune: shared build steps of other files' builds stay).
    await Promise.all([privateImage, redwine].map((ref) => testDocker.getImage(ref).remove({ force: true, noprune: true })));
  });

  afterEach(() => {
    expect(ids.violations()).toEqual([]);
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await scope.cleanup();
    await Promise.all([secured?.stop(), ids?.close(), ...configs.map((c) => c.remove())]);
  });

  const deployPrivate = (agent: AgentUnderTest, id: string, port: number) =>
    agent.call("POST", "/api/inference/deploy", {
      inference_id: scope.name(id),
      docker_img_uri: privateImage,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: port,
    });

  test("pulls from an htpasswd registry with the credentials of the Docker config file (auth entry)", async () => {
    const agent = await agentWith({ DOCKER_CONFIG: await configWith({ [secured.host]: credentials }) });
    const port = await freePort();
    const res = await deployPrivate(agent, "private", port);
    expect(res.status).toBe(201);
    expect(await fetchInference(port)).toBe("private \n");
    expect((await agent.call("DELETE", `/api/inference/deploy?inference_id=${scope.name("private")}`)).status).toBe(200);
  });

  test("username/password entries under a URL-shaped key work too", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clarus-docker-config-"));
    try {
      const auths = { [`http://${secured.host}/v2/`]: { username: credentials.username, password: credentials.password } };
      await writeFile(join(dir, "config.json"), JSON.stringify({ auths }));
      const agent = await agentWith({ DOCKER_CONFIG: dir });
      const res = await deployPrivate(agent, "private-url-key", await freePort());
      expect(res.status).toBe(201);
      expect((await agent.call("DELETE", `/api/inference/deploy?inference_id=${scope.name("private-url-key")}`)).status).toBe(
        200,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("missing or wrong credentials: 502 quoting the registry, nothing created", async () => {
    const anonymous = await agentWith({ DOCKER_CONFIG: await configWith({}) });
    const wrong = await agentWith({ DOCKER_CONFIG: await configWith({ [secured.host]: { ...credentials, password: "nope" } }) });
    for (const agent of [anonymous, wrong]) {
      const res = await deployPrivate(agent, "refused", await freePort());
      expect(res.status).toBe(502);
      expect(res.body.type).toBe("urn:clarus:problem:registry-auth-refused");
      expect(res.body.detail).toMatch(/no basic auth credentials|unauthorized|authentication required/);
      expect(res.body.upstream.source).toBe("registry");
      expect(await testDocker.listContainers({ all: true, filters: { name: [scope.name("refused")] } })).toEqual([]);
    }
  });

  test("an unreadable Docker config file is a 503 naming the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clarus-docker-config-"));
    try {
      await writeFile(join(dir, "config.json"), "{ not json");
      const agent = await agentWith({ DOCKER_CONFIG: dir });
      const res = await deployPrivate(agent, "misconfigured", await freePort());
      expect(res.status).toBe(503);
      expect(res.body.detail).toContain(`Docker config file ${join(dir, "config.json")}: is not valid JSON`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("v3 deploys the image and internal port the IDS asset names, and lists its exp_id", async () => {
    const agent = await agentWith({
      DOCKER_CONFIG: await configWith({ [secured.host]: credentials }),
      IDS_PROVIDER_IP: "127.0.0.1",
    });
    ids.answer("exp-wrapped", { asset: { docker_img_uri: privateImage, inference_rest_api_port: "8080" }, wrapIn: "data" });
    const port = await freePort();
    const id = scope.name("from-ids");
    const res = await agent.call("POST", "/api/v3/inference/deploy", {
      exp_id: "exp-wrapped",
      inference_id: id,
      inference_rest_api_forward_port: String(port),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      inference_id: id,
      docker_img_uri: privateImage,
      inference_rest_api_port: 8080,
      exp_id: "exp-wrapped",
    });
    expect(ids.requests.at(-1)?.query).toEqual({ exp_id: "exp-wrapped", provider_ip: "127.0.0.1" });
    expect(await fetchInference(port)).toBe("private \n");
    const listed = (await agent.call("GET", "/api/inference/all")).body.find(
      (i: { inference_id: string }) => i.inference_id === id,
    );
    expect(listed.exp_id).toBe("exp-wrapped");
    expect((await agent.call("DELETE", `/api/inference/deploy?inference_id=${id}`)).status).toBe(200);
  });

  test("v3 answers 502 quoting an IDS answer without the fields, 404 for an unknown exp_id, 503 without IDS_PROVIDER_IP", async () => {
    const agent = await agentWith({ IDS_PROVIDER_IP: "127.0.0.1" });
    const body = (expId: string) => ({
      exp_id: expId,
      inference_id: scope.name("v3-bad"),
      inference_rest_api_forward_port: 7070,
    });
    ids.answer("exp-fieldless", { status: 200, json: { exp_id: "exp-fieldless", description: "wine" } });
    const fieldless = await agent.call("POST", "/api/v3/inference/deploy", body("exp-fieldless"));
    expect(fieldless.status).toBe(502);
    expect(fieldless.body.detail).toContain('"description":"wine"');
    expect((await agent.call("POST", "/api/v3/inference/deploy", body("exp-unknown"))).status).toBe(404);
    ids.answer("exp-upper", { asset: { docker_img_uri: "clarusproject/UC_Energy:0.0.1", inference_rest_api_port: 8080 } });
    const upper = await agent.call("POST", "/api/v3/inference/deploy", body("exp-upper"));
    expect(upper.status).toBe(502);
    expect(upper.body.detail).toContain("docker_img_uri: repository names must be lower-case");
    const unconfigured = await agentWith({});
    const noProvider = await unconfigured.call("POST", "/api/v3/inference/deploy", body("exp-fieldless"));
    expect(noProvider.status).toBe(503);
    expect(noProvider.body.detail).toContain("IDS_PROVIDER_IP");
    expect(await testDocker.listContainers({ all: true, filters: { name: [scope.name("v3-bad")] } })).toEqual([]);
  });

  test("the original Postman requests work as written", async () => {
    const agent = await agentWith({
      DOCKER_CONFIG: await configWith({ [secured.host]: credentials }),
      IDS_PROVIDER_IP: "127.0.0.1",
    });
    const id = scope.name("inference01");
    const [hostPort, v3Port] = [await freePort(), await freePort()];
    // Only the collection's variables and the machine-specific values are substituted.
    const deployBody = POSTMAN.deploy
      .replace("{{registry}}", `${secured.host}/${scope.prefix}`)
      .replace('"inference01"', `"${id}"`)
      .replace('"8081"', `"${hostPort}"`);
    const json = { "content-type": "application/json" };

    expect(await agent.call("GET", "/api/ping")).toEqual({ status: 200, body: "OK" });
    const deployed = await agent.call("POST", "/api/inference/deploy", deployBody, json);
    expect(deployed.status).toBe(201);
    expect(await fetchInference(hostPort, "/env.txt")).toContain("env1=envValue1");
    const all = await agent.call("GET", "/api/inference/all");
    expect(all.body.find((i: { inference_id: string }) => i.inference_id === id)).toMatchObject({ name: id, port: hostPort });

    ids.answer("Clarus_RedWine_experiment", { asset: { docker_img_uri: redwine, inference_rest_api_port: "8080" } });
    const v3Body = POSTMAN.deployV3.replace('"inference01"', `"${id}"`).replace('"7070"', `"${v3Port}"`);
    const v3 = await agent.call("POST", "/api/v3/inference/deploy", v3Body, json);
    expect(v3.status).toBe(201);
    expect(v3.body.replaced).toMatchObject({ docker_img_uri: `${secured.host}/${scope.prefix}/redwine:prod` });
    expect(await fetchInference(v3Port)).toBe("redwine \n");

    const removed = await agent.call("DELETE", POSTMAN.remove.replace("{TO_COMPLETE}", id), "", json);
    expect(removed.status).toBe(200);
    expect(await testDocker.listContainers({ all: true, filters: { name: [id] } })).toEqual([]);
  });
});
