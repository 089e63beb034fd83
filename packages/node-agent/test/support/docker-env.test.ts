import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  buildTestImage,
  createDockerConfig,
  createTestScope,
  type DockerConfigDir,
  describeWithDocker,
  eventually,
  freePort,
  pullImage,
  pushImage,
  removeImage,
  startRegistry,
  type TestRegistry,
  testDocker,
} from "./docker-env.js";

const run = promisify(execFile);

/** The docker CLI with a given DOCKER_CONFIG folder; resolves to the outcome instead of throwing. */
async function dockerCli(configDir: string, ...args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run("docker", args, { env: { ...process.env, DOCKER_CONFIG: configDir } });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr };
  }
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return response.text();
}

describeWithDocker("docker test environment", () => {
  const scope = createTestScope("docker-env");
  const credentials = { username: "clarus", password: "s3cret-Pw" };
  let open: TestRegistry;
  let secured: TestRegistry;
  let anonymousConfig: DockerConfigDir;
  let credentialConfig: DockerConfigDir;

  beforeAll(async () => {
    [open, secured, anonymousConfig] = await Promise.all([
      startRegistry(),
      startRegistry({ htpasswd: credentials }),
      createDockerConfig(),
    ]);
    credentialConfig = await createDockerConfig({ [secured.host]: credentials });
  });

  afterAll(async () => {
    await scope.cleanup();
    await Promise.all([open?.stop(), secured?.stop(), anonymousConfig?.remove(), credentialConfig?.remove()]);
  });

  test("registries listen on loopback; the htpasswd one answers 401 to anonymous clients", async () => {
    expect(open.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await fetch(`http://${open.host}/v2/`)).status).toBe(200);
    expect((await fetch(`http://${secured.host}/v2/`)).status).toBe(401);
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
    expect((await fetch(`http://${secured.host}/v2/`, { headers: { Authorization: `Basic ${basic}` } })).status).toBe(200);
  });

  test("an http image is built, pushed, pulled back and serves its marker and env on its port", async () => {
    const ref = scope.imageRef(open.host, "web", "v1");
    const built = await buildTestImage(ref, "http", { marker: "web-v1" });
    await pushImage(ref);
    await removeImage(ref);
    await expect(testDocker.getImage(ref).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await pullImage(ref);
    expect((await testDocker.getImage(ref).inspect()).Id).toBe(built.id);

    const network = await scope.createNetwork();
    const hostPort = await freePort();
    const container = await testDocker.createContainer({
      name: scope.name("web"),
      Image: ref,
      Env: ["GREETING=hello-from-env"],
      HostConfig: { NetworkMode: network, PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] } },
    });
    await container.start();
    const page = await eventually(() => fetchText(`http://127.0.0.1:${hostPort}/`), 10_000);
    expect(page.trim()).toBe("web-v1 hello-from-env");
    expect(await fetchText(`http://127.0.0.1:${hostPort}/env.txt`)).toContain("GREETING=hello-from-env");

    const stopStarted = Date.now();
    await container.stop({ t: 10 });
    // The start script traps SIGTERM, so a stop does not wait for the 10 s kill timeout.
    expect(Date.now() - stopStarted).toBeLessThan(5000);
  });

  test("builds are cached by content; another marker makes another image", async () => {
    const ref = scope.imageRef(open.host, "cached", "v1");
    const first = await buildTestImage(ref, "http", { marker: "one" });
    const again = await buildTestImage(ref, "http", { marker: "one" });
    expect(again.id).toBe(first.id);
    const other = await buildTestImage(ref, "http", { marker: "two" });
    expect(other.id).not.toBe(first.id);
    expect((await testDocker.getImage(ref).inspect()).Id).toBe(other.id);
  });

  test("a filler layer makes the image as large as asked", async () => {
    const ref = scope.imageRef(open.host, "filler", "v1");
    const plain = await testDocker
      .getImage((await buildTestImage(scope.imageRef(open.host, "plain", "v1"), "http")).ref)
      .inspect();
    await buildTestImage(ref, "http", { fillerBytes: 3 * 1024 * 1024 });
    const filled = await testDocker.getImage(ref).inspect();
    expect(filled.Size - plain.Size).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(filled.RootFS.Layers).toHaveLength((plain.RootFS.Layers ?? []).length + 1);
  });

  test("the crash variant exits with status 1 at once", async () => {
    const ref = scope.imageRef(open.host, "crash", "v1");
    await buildTestImage(ref, "crash");
    const container = await testDocker.createContainer({ name: scope.name("crash"), Image: ref });
    await container.start();
    const { StatusCode } = await container.wait();
    expect(StatusCode).toBe(1);
  });

  test("the slow-start variant refuses connections until its delay has passed", async () => {
    const ref = scope.imageRef(open.host, "slow", "v1");
    await buildTestImage(ref, "slow-start", { startDelaySeconds: 2, marker: "slow" });
    const hostPort = await freePort();
    const container = await testDocker.createContainer({
      name: scope.name("slow"),
      Image: ref,
      HostConfig: { PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] } },
    });
    const started = Date.now();
    await container.start();
    await expect(fetchText(`http://127.0.0.1:${hostPort}/`)).rejects.toThrow();
    const page = await eventually(() => fetchText(`http://127.0.0.1:${hostPort}/`), 10_000);
    expect(page).toContain("slow");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  test("the htpasswd registry refuses anonymous push and pull and accepts the credentials of a Docker config", async () => {
    const ref = scope.imageRef(secured.host, "private", "v1");
    await buildTestImage(ref, "http");

    const anonymousPush = await dockerCli(anonymousConfig.dir, "push", ref);
    expect(anonymousPush.ok).toBe(false);
    expect(anonymousPush.output).toMatch(/no basic auth credentials|unauthorized/i);
    await expect(pushImage(ref)).rejects.toThrow(/no basic auth credentials|unauthorized/i);

    const push = await dockerCli(credentialConfig.dir, "push", ref);
    expect(push.output).toContain("digest: sha256:");
    expect(push.ok).toBe(true);

    await removeImage(ref);
    const anonymousPull = await dockerCli(anonymousConfig.dir, "pull", ref);
    expect(anonymousPull.ok).toBe(false);
    expect(anonymousPull.output).toMatch(/no basic auth credentials|unauthorized/i);
    await expect(pullImage(ref)).rejects.toThrow(/no basic auth credentials|unauthorized/i);
    await expect(pullImage(ref, { ...credentials, password: "wrong" })).rejects.toThrow(/unauthorized/i);

    const pull = await dockerCli(credentialConfig.dir, "pull", ref);
    expect(pull.ok).toBe(true);
    await removeImage(ref);
    await pullImage(ref, credentials);
    await pushImage(ref, credentials);
    expect((await testDocker.getImage(ref).inspect()).RepoTags).toContain(ref);
  });

  test("a scope's cleanup removes its containers, networks and images and nothing of another scope", async () => {
    const doomed = createTestScope("doomed");
    const ref = doomed.imageRef(open.host, "web", "v1");
    await buildTestImage(ref, "http");
    const network = await doomed.createNetwork();
    await (
      await testDocker.createContainer({ name: doomed.name("web"), Image: ref, HostConfig: { NetworkMode: network } })
    ).start();
    const survivorRef = scope.imageRef(open.host, "survivor", "v1");
    await buildTestImage(survivorRef, "http");

    const removed = await doomed.cleanup();
    expect(removed.containers).toEqual([doomed.name("web")]);
    expect(removed.networks).toEqual([network]);
    expect(removed.images.join(",")).toContain(ref);
    await expect(testDocker.getContainer(doomed.name("web")).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(testDocker.getNetwork(network).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(testDocker.getImage(ref).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await testDocker.getImage(survivorRef).inspect()).RepoTags).toContain(survivorRef);
  });
});
