// Pulling with credentials from a Docker config file (htpasswd registry), the v3 deploy through a
// contract-checking fake IDS agent, and the original Postman requests exactly as written.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { type AgentTestBed, openAgentTestBed } from "./helpers/agent-test-bed.js";
import { type AgentUnderTest, fetchInference } from "./helpers/agent-under-test.js";
import { createDockerConfig, type DockerConfigDir, describeWithDocker, freePort, testDocker } from "./support/docker-env.js";
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
  const credentials = { username: "clarus", password: "pilot-Pw-1" };
  let bed: AgentTestBed;
  let scope: AgentTestBed["scope"];
  let ids: FakeIdsAgent;
  const configs: DockerConfigDir[] = [];
  let privateImage: string;
  let redwine: string;

  /** An agent of the test bed (the htpasswd registry's credentials in its Docker config) that asks the fake IDS agent. */
  const agentWith = (env: Record<string, string> = {}): Promise<AgentUnderTest> =>
    bed.startAgent({ IDS_AGENT_URL: ids.url, ...env });

  async function configWith(auths: Parameters<typeof createDockerConfig>[0]): Promise<string> {
    const config = await createDockerConfig(auths);
    configs.push(config);
    return config.dir;
  }

  beforeAll(async () => {
    [bed, ids] = await Promise.all([openAgentTestBed("auth-ids", { htpasswd: credentials }), startFakeIdsAgent()]);
    scope = bed.scope;
    // Pulled by the agent, not left from the build.
    const images = await Promise.all([
      bed.publishImage("private-model", "1", "http", { marker: "private" }),
      bed.publishImage("redwine", "prod", "http", { marker: "redwine" }),
    ]);
    [privateImage, redwine] = images.map((image) => image.ref) as [string, string];
  });

  afterEach(() => {
    expect(ids.violations()).toEqual([]);
  });

  afterAll(async () => {
    await bed?.close();
    await Promise.all([ids?.close(), ...configs.map((c) => c.remove())]);
  });

  const deployPrivate = (agent: AgentUnderTest, id: string, port: number) =>
    agent.call("POST", "/api/inference/deploy", {
      inference_id: scope.name(id),
      docker_img_uri: privateImage,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: port,
    });

  test("pulls from an htpasswd registry with the credentials of the Docker config file (auth entry)", async () => {
    const agent = await agentWith();
    const port = await freePort();
    const res = await deployPrivate(agent, "private", port);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await fetchInference(port)).toBe("private \n");
    expect((await agent.call("DELETE", `/api/inference/deploy?inference_id=${scope.name("private")}`)).status).toBe(200);
  });

  test("username/password entries under a URL-shaped key work too", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clarus-docker-config-"));
    try {
      const auths = { [`http://${bed.registry.host}/v2/`]: { username: credentials.username, password: credentials.password } };
      await writeFile(join(dir, "config.json"), JSON.stringify({ auths }));
      const agent = await agentWith({ DOCKER_CONFIG: dir });
      const res = await deployPrivate(agent, "private-url-key", await freePort());
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect((await agent.call("DELETE", `/api/inference/deploy?inference_id=${scope.name("private-url-key")}`)).status).toBe(
        200,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("missing or wrong credentials: 502 quoting the registry, nothing created", async () => {
    const anonymous = await agentWith({ DOCKER_CONFIG: await configWith({}) });
    const wrong = await agentWith({
      DOCKER_CONFIG: await configWith({ [bed.registry.host]: { ...credentials, password: "nope" } }),
    });
    for (const agent of [anonymous, wrong]) {
      const res = await deployPrivate(agent, "refused", await freePort());
      expect(res.status).toBe(502);
      expect(res.body.type).toBe("urn:clarus:problem:registry-auth-refused");
      expect(res.body.detail).toMatch(/no basic auth credentials|unauthorized|authentication required/);
      expect(res.body.upstream).toMatchObject({ service: "registry", failure: "rejected" });
      expect(await testDocker.listContainers({ all: true, filters: { name: [scope.name("refused")] } })).toEqual([]);
    }
  });

  test("a malformed Docker config file is a 503 naming DOCKER_CONFIG, quoting no credential and no host path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clarus-docker-config-"));
    try {
      // The auth value without its quotes: JSON.parse's own message would quote the credential's first characters.
      const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
      await writeFile(join(dir, "config.json"), `{"auths":{"${bed.registry.host}":{"auth":${auth}}}}`);
      const agent = await agentWith({ DOCKER_CONFIG: dir });
      const res = await deployPrivate(agent, "misconfigured", await freePort());
      expect(res.status).toBe(503);
      expect(res.body.type).toBe("urn:clarus:problem:agent-misconfigured");
      expect(res.body.detail).toMatch(/^The agent's Docker config file \(config\.json in DOCKER_CONFIG\) is not valid JSON/);
      const answer = JSON.stringify(res.body);
      for (let i = 0; i + 4 <= auth.length; i++) expect(answer).not.toContain(auth.slice(i, i + 4));
      expect(answer).not.toContain(credentials.password);
      expect(answer).not.toContain(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("v3 deploys the image and internal port the IDS asset names, and lists its exp_id", async () => {
    // ALLOWED_REGISTRIES admits the registry the IDS names.
    const agent = await agentWith({
      IDS_PROVIDER_IP: "127.0.0.1",
      ALLOWED_REGISTRIES: `registry.example.com,${bed.registry.host}`,
    });
    ids.answer("exp-wrapped", { asset: { docker_img_uri: privateImage, inference_rest_api_port: "8080" }, wrapIn: "data" });
    const port = await freePort();
    const id = scope.name("from-ids");
    const res = await agent.call("POST", "/api/v3/inference/deploy", {
      exp_id: "exp-wrapped",
      inference_id: id,
      inference_rest_api_forward_port: String(port),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
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
    // The removal on the v3 path answers 201, as the original OpenAPI documents it (docs/node-agent.md, "Removal status").
    const removed = await agent.call("DELETE", `/api/v3/inference/deploy?inference_id=${id}`);
    expect(removed).toMatchObject({ status: 201, body: { inference_id: id, removed: true } });
  });

  test("v3 failures: 502 quoting the IDS answer, 404 unknown exp_id, 503 unconfigured/unreachable IDS or engine, 504 silent IDS", async () => {
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

    const idsDown = await agentWith({ IDS_PROVIDER_IP: "127.0.0.1", IDS_AGENT_URL: `http://127.0.0.1:${await freePort()}` });
    const unreachable = await idsDown.call("POST", "/api/v3/inference/deploy", body("exp-fieldless"));
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.detail).toMatch(/IDS agent at .* is unreachable \(ECONNREFUSED/);

    ids.answer("exp-silent", "hang");
    const impatient = await agentWith({ IDS_PROVIDER_IP: "127.0.0.1", IDS_TIMEOUT_SECONDS: "0.3" });
    const silent = await impatient.call("POST", "/api/v3/inference/deploy", body("exp-silent"));
    expect(silent.status).toBe(504);
    expect(silent.body.detail).toContain("did not answer within 300 ms");

    ids.answer("exp-ok", { asset: { docker_img_uri: privateImage, inference_rest_api_port: 8080 } });
    const blind = await agentWith({ IDS_PROVIDER_IP: "127.0.0.1", DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    const engineDown = await blind.call("POST", "/api/v3/inference/deploy", body("exp-ok"));
    expect(engineDown.status).toBe(503);
    expect(engineDown.body.type).toBe("urn:clarus:problem:engine-unavailable");
    expect(await testDocker.listContainers({ all: true, filters: { name: [scope.name("v3-bad")] } })).toEqual([]);
  });

  test("the original Postman requests work as written", async () => {
    const agent = await agentWith({ IDS_PROVIDER_IP: "127.0.0.1" });
    const id = scope.name("inference01");
    const [hostPort, v3Port] = [await freePort(), await freePort()];
    // Only the collection's variables and the machine-specific values are substituted.
    const deployBody = POSTMAN.deploy
      .replace("{{registry}}", `${bed.registry.host}/${scope.prefix}`)
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
    expect(v3.body.replaced).toMatchObject({ docker_img_uri: redwine });
    expect(await fetchInference(v3Port)).toBe("redwine \n");

    const removed = await agent.call("DELETE", POSTMAN.remove.replace("{TO_COMPLETE}", id), "", json);
    expect(removed.status).toBe(200);
    expect(await testDocker.listContainers({ all: true, filters: { name: [id] } })).toEqual([]);
  });
});
