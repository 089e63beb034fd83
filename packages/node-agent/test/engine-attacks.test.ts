// Attacks on the agent's engine side, on the real engine and either backend: ids the engine would resolve loosely (id
// and name prefixes of containers or services), containers that copy the agent's labels from a committed image,
// inference containers asking for more than least privilege, anonymous volumes and image tags left behind or taken
// away. The last three concern what only the docker backend manages (containers it creates from images, their volumes,
// the images it pulls): on swarm the agent reads a service's own labels (no image can carry them), and the nodes
// keep the images and the replaced tasks' containers as the engine's task history.
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AgentTestBed, openAgentTestBed } from "./helpers/agent-test-bed.js";
import { type AgentUnderTest, engineSnapshot, fetchInference, type Json } from "./helpers/agent-under-test.js";
import { inferenceOnEngine } from "./helpers/inference-on-engine.js";
import { describeWithDocker, freePort, pushImage, testDocker } from "./support/docker-env.js";
import { TEST_RUNTIME, testOnDocker } from "./support/swarm.js";

const onEngine = inferenceOnEngine(TEST_RUNTIME);
const onSwarm = TEST_RUNTIME === "swarm";
/** For tests that deploy several images that fail: on swarm each failure is a task scheduled, failed and removed. */
const SLOW_MS = onSwarm ? 240_000 : 30_000;

describeWithDocker(`node agent: attacks on the engine side (RUNTIME=${TEST_RUNTIME})`, () => {
  let bed: AgentTestBed;
  let scope: AgentTestBed["scope"];
  let agent: AgentUnderTest;
  let image: string;

  beforeAll(async () => {
    bed = await openAgentTestBed("engine-attacks");
    scope = bed.scope;
    image = (await bed.publishImage("model", "v1", "http", { marker: "model-v1" })).ref;
    agent = await bed.startAgent();
  });

  afterAll(async () => {
    await bed?.close();
  });

  const deploy = (target: AgentUnderTest, id: string, ref: string, port: number, env?: Record<string, string>) =>
    target.call("POST", "/api/inference/deploy", {
      inference_id: id,
      docker_img_uri: ref,
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: port,
      ...(env ? { env } : {}),
    });

  const listed = async (target: AgentUnderTest): Promise<string[]> =>
    (await target.call("GET", "/api/inference/all")).body.map((i: Json) => i.inference_id);

  const notFound = (id: string) => `No inference "${id}" exists on this node.`;

  test("an id prefix or a name prefix of another inference reaches nothing, and a deploy under it leaves that one alone", async () => {
    const victim = scope.name("victim");
    const port = await freePort();
    expect((await deploy(agent, victim, image, port)).status).toBe(201);
    // The container's id, or the service's: the engine resolves a prefix of either to it.
    const victimId = (await onEngine.engineId(victim)) ?? "";
    const idPrefix = victimId.slice(0, 12);
    const before = await engineSnapshot(scope.prefix);

    for (const probe of [idPrefix, victimId.slice(0, 4), victim.slice(0, -2)]) {
      for (const [method, path] of [
        ["GET", `/api/inference/${probe}`],
        ["GET", `/api/inference/${probe}/logs`],
        ["DELETE", `/api/inference/${probe}`],
        ["DELETE", `/api/inference/deploy?inference_id=${probe}`],
        ["DELETE", `/api/v3/inference/deploy?exp_id=${probe}`],
      ] as const) {
        const res = await agent.call(method, path);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.detail, `${method} ${path}`).toBe(notFound(probe));
      }
    }
    expect(await engineSnapshot(scope.prefix)).toEqual(before);

    // A deployment under the id prefix is a new inference of that name; the victim keeps running untouched.
    const otherPort = await freePort();
    try {
      const res = await deploy(agent, idPrefix, image, otherPort);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ inference_id: idPrefix, name: idPrefix, replaced: null });
      expect(await onEngine.engineId(idPrefix)).not.toBe(victimId);
      expect(await engineSnapshot(scope.prefix)).toEqual(before);
      expect(await fetchInference(port)).toBe("model-v1 \n");
      // The exact name now wins over the id prefix, and removing it removes only it.
      expect((await agent.call("GET", `/api/inference/${idPrefix}`)).body.container_id).toBe(res.body.container_id);
      expect((await agent.call("DELETE", `/api/inference/${idPrefix}`)).status).toBe(200);
      expect(await onEngine.engineId(idPrefix)).toBeUndefined();
      expect(await engineSnapshot(scope.prefix)).toEqual(before);
    } finally {
      const leftover = await onEngine.engineId(idPrefix);
      if (leftover && onSwarm) await testDocker.getService(leftover).remove();
      else if (leftover) await testDocker.getContainer(leftover).remove({ force: true, v: true });
    }
    expect((await agent.call("DELETE", `/api/inference/${victim}`)).status).toBe(200);
  });

  testOnDocker(
    "a container run from a committed inference image is foreign: not listed, recovered, replaced or removed",
    async () => {
      const original = scope.name("original");
      const port = await freePort();
      expect((await deploy(agent, original, image, port)).status).toBe(201);
      const repo = `${bed.registry.host}/${scope.prefix}/committed`;
      await testDocker.getContainer(original).commit({ repo, tag: "1" });
      const foreignName = scope.name("foreign");
      const foreign = await testDocker.createContainer({
        name: foreignName,
        Image: `${repo}:1`,
        HostConfig: { NetworkMode: bed.network },
      });
      await foreign.start();
      // It carries the agent's labels for `original` under another name: what an interrupted replacement looks like.
      const labels = (await foreign.inspect()).Config.Labels;
      expect(labels).toMatchObject({ "clarus.managed-by": scope.prefix, "clarus.inference.id": original });
      const untouched = async () => {
        const now = await foreign.inspect();
        expect([now.Name, now.State.Running]).toEqual([`/${foreignName}`, true]);
      };

      const restart = async () => {
        await agent.close();
        agent = await bed.startAgent();
      };
      await restart();
      await untouched();
      expect(await listed(agent)).toEqual([original]);
      expect((await agent.call("GET", `/api/inference/${foreignName}`)).body.detail).toBe(notFound(foreignName));
      expect((await deploy(agent, original, image, port)).status).toBe(201);
      await untouched();
      expect((await agent.call("DELETE", `/api/inference/${original}`)).status).toBe(200);
      await untouched();
      // With the original gone it would look like a proven candidate that should take the name.
      await restart();
      await untouched();
      expect(await listed(agent)).toEqual([]);

      // The agent deploying that committed image itself: its own container, recognised across a restart.
      await pushImage(`${repo}:1`);
      const fromCommit = scope.name("from-commit");
      const deployed = await deploy(agent, fromCommit, `${repo}:1`, await freePort());
      expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
      await restart();
      expect(await listed(agent)).toEqual([fromCommit]);
      expect((await agent.call("GET", `/api/inference/${fromCommit}`)).body.container_id).toBe(deployed.body.container_id);
      expect((await agent.call("DELETE", `/api/inference/${fromCommit}`)).status).toBe(200);
      await untouched();
    },
  );

  test("inference containers run with least privilege by default, as docker inspect shows", async () => {
    const id = scope.name("least");
    const port = await freePort();
    expect((await deploy(agent, id, image, port)).status).toBe(201);
    expect(await onEngine.policy(id)).toMatchObject({
      capDrop: ["ALL"],
      capAdd: [],
      readOnlyRootfs: true,
      tmpfs: { "/tmp": 256 * 1024 ** 2 },
      memoryBytes: 2 * 1024 ** 3,
      nanoCpus: 1e9,
      // A service spec has no field for it before Engine API 1.44.
      noNewPrivileges: !onSwarm,
      privileged: false,
      user: "",
    });
    // The server's process really has no capability left.
    const output = await onEngine.exec(id, ["/bin/busybox", "grep", "CapEff", "/proc/self/status"]);
    expect(output).toMatch(/CapEff:\s+0000000000000000/);
    expect(await fetchInference(port, "/uid.txt")).toBe("0\n");
    expect((await agent.call("DELETE", `/api/inference/${id}`)).status).toBe(200);
  });

  test(
    "the operator's settings, and only they, widen it: user, capabilities, limits",
    async () => {
      const settings = {
        CONTAINER_USER: "65534:65534",
        CONTAINER_CAP_ADD: "chown",
        CONTAINER_MEMORY_LIMIT: "128m",
        CONTAINER_CPU_LIMIT: "0.25",
      };
      const widened = await bed.startAgent(settings);
      // A user that may not write where the image writes: the answer names CONTAINER_USER.
      const writableRoot = await bed.startAgent({ ...settings, CONTAINER_READ_ONLY_ROOTFS: "false" });
      try {
        const denied = await deploy(writableRoot, scope.name("denied"), image, await freePort());
        expect(denied.status).toBe(502);
        expect(denied.body.logs).toContain("mkdir: can't create directory '/tmp/': Permission denied");
        expect(denied.body.settings).toEqual(["CONTAINER_USER"]);
        expect(denied.body.detail).toContain("as user 65534:65534 (CONTAINER_USER)");

        const id = scope.name("widened");
        const port = await freePort();
        const res = await deploy(widened, id, image, port);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(await onEngine.policy(id)).toMatchObject({
          user: "65534:65534",
          capDrop: ["ALL"],
          capAdd: ["CHOWN"],
          readOnlyRootfs: true,
          memoryBytes: 128 * 1024 ** 2,
          nanoCpus: 2.5e8,
        });
        expect(await fetchInference(port, "/uid.txt")).toBe("65534\n");
        expect((await widened.call("DELETE", `/api/inference/${id}`)).status).toBe(200);
      } finally {
        await Promise.all([widened.close(), writableRoot.close()]);
      }
    },
    SLOW_MS,
  );

  test(
    "an image that needs a writable root, a capability or an unknown user fails with a problem naming the setting",
    async () => {
      const id = scope.name("needy");
      const cases: Array<{ env: Record<string, string>; setting: string; widen: Record<string, string> }> = [
        { env: { WWW_DIR: "/www" }, setting: "CONTAINER_READ_ONLY_ROOTFS", widen: { CONTAINER_READ_ONLY_ROOTFS: "false" } },
        { env: { CHOWN_TO: "1234" }, setting: "CONTAINER_CAP_ADD", widen: { CONTAINER_CAP_ADD: "CHOWN" } },
      ];
      for (const { env, setting, widen } of cases) {
        const before = await engineSnapshot(scope.prefix);
        const res = await deploy(agent, id, image, await freePort(), env);
        expect(res.status, JSON.stringify(res.body)).toBe(502);
        expect(res.body).toMatchObject({ type: "urn:clarus:problem:inference-exited", settings: [setting] });
        expect(res.body.detail).toContain(`${setting}`);
        expect(await engineSnapshot(scope.prefix)).toEqual(before);
        // The setting the answer names is the one that lets it run.
        const allowing = await bed.startAgent(widen);
        try {
          const port = await freePort();
          const ok = await deploy(allowing, id, image, port, env);
          expect(ok.status, JSON.stringify(ok.body)).toBe(201);
          expect(await fetchInference(port)).toBe("model-v1 \n");
          expect((await allowing.call("DELETE", `/api/inference/${id}`)).status).toBe(200);
        } finally {
          await allowing.close();
        }
      }
      const nameless = await bed.startAgent({ CONTAINER_USER: "inference" });
      try {
        const before = await engineSnapshot(scope.prefix);
        const res = await deploy(nameless, id, image, await freePort());
        expect(res.status, JSON.stringify(res.body)).toBe(502);
        expect(res.body.detail).toContain('has no user "inference" (CONTAINER_USER)');
        expect(res.body.settings).toEqual(["CONTAINER_USER"]);
        expect(await engineSnapshot(scope.prefix)).toEqual(before);
      } finally {
        await nameless.close();
      }
    },
    SLOW_MS,
  );

  test("a host port below MIN_HOST_PORT is refused (422 naming the field and the setting) before the engine sees it", async () => {
    const port = await freePort();
    const strict = await bed.startAgent({ MIN_HOST_PORT: String(port + 1) });
    try {
      const before = await engineSnapshot(scope.prefix);
      const res = await deploy(strict, scope.name("low"), image, port);
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain(`inference_rest_api_forward_port ${port} is below ${port + 1}`);
      expect(res.body.errors).toEqual([
        {
          location: "body",
          field: "inference_rest_api_forward_port",
          message: `must be at least ${port + 1} (MIN_HOST_PORT, an operator setting)`,
        },
      ]);
      expect(await engineSnapshot(scope.prefix)).toEqual(before);
    } finally {
      await strict.close();
    }
    expect(
      (
        await agent.call("POST", "/api/inference/deploy", {
          inference_id: scope.name("low"),
          docker_img_uri: image,
          inference_rest_api_port: 8080,
          inference_rest_api_forward_port: 443,
        })
      ).status,
    ).toBe(422);
  });

  testOnDocker("removing or replacing an inference removes its anonymous volumes; named volumes stay", async () => {
    const withVolume = await bed.publishImage("volume", "1", "http", { volumes: ["/data"] });
    const named = scope.name("named-volume");
    await testDocker.createVolume({ Name: named });
    try {
      const id = scope.name("volumes");
      const port = await freePort();
      const anonymousVolume = async () => {
        const mounts = (await testDocker.getContainer(id).inspect()).Mounts;
        expect(mounts).toMatchObject([{ Type: "volume", Destination: "/data" }]);
        return mounts[0]!.Name as string;
      };
      const exists = (volume: string) =>
        testDocker
          .getVolume(volume)
          .inspect()
          .then(
            () => true,
            (err: { statusCode?: number }) => (err.statusCode === 404 ? false : Promise.reject(err)),
          );
      expect((await deploy(agent, id, withVolume.ref, port)).status).toBe(201);
      const first = await anonymousVolume();
      expect((await deploy(agent, id, withVolume.ref, port, { GREETING: "again" })).status).toBe(201);
      const second = await anonymousVolume();
      expect(second).not.toBe(first);
      expect(await exists(first)).toBe(false);
      expect((await agent.call("DELETE", `/api/inference/${id}`)).status).toBe(200);
      expect(await exists(second)).toBe(false);
      expect(await exists(named)).toBe(true);
    } finally {
      await testDocker.getVolume(named).remove();
    }
  });

  testOnDocker(
    "pruning removes only the tags the agent's own pulls made: an operator's tag and an image already there stay",
    async () => {
      const pruning = await bed.startAgent({ KEEP_IMAGES: "1" });
      try {
        const [a, b, c] = await Promise.all([
          bed.publishImage("prune", "a", "http", { marker: "a" }),
          // On the engine before the deployment: the agent's pull does not make its tag.
          bed.publishImage("prune", "b", "http", { marker: "b", keepLocal: true }),
          bed.publishImage("prune", "c", "http", { marker: "c" }),
        ]);
        const id = scope.name("pruned");
        const port = await freePort();
        const present = (ref: string) =>
          testDocker
            .getImage(ref)
            .inspect()
            .then(
              (found: { Id: string }) => found.Id,
              () => undefined,
            );
        expect((await deploy(pruning, id, a.ref, port)).status).toBe(201);
        // An operator names the image too.
        await testDocker.getImage(a.ref).tag({ repo: `${scope.prefix}/operator-copy`, tag: "keep" });

        const toC = await deploy(pruning, id, c.ref, port);
        expect(toC.status).toBe(201);
        // The agent's tag of a is gone, the operator's tag (and so the image) stays.
        expect(toC.body.pruned_images).toEqual([]);
        expect(await present(a.ref)).toBeUndefined();
        expect(await present(`${scope.prefix}/operator-copy:keep`)).toBe(a.id);

        const toB = await deploy(pruning, id, b.ref, port);
        expect(toB.body.pruned_images).toEqual([c.id]);
        expect(await present(c.id)).toBeUndefined();

        const backToA = await deploy(pruning, id, a.ref, port);
        expect(backToA.status).toBe(201);
        // b was on the engine before the agent deployed it: not the agent's to remove.
        expect(backToA.body.pruned_images).toEqual([]);
        expect(await present(b.ref)).toBe(b.id);

        // A tag that moves on in the registry: the agent's pull takes it to the new image, and the old one, which no
        // tag names any more, is the agent's to remove.
        const again = await deploy(pruning, id, c.ref, port);
        expect(again.body.image_id).toBe(c.id);
        const movedOn = await bed.publishImage("prune", "c", "http", { marker: "c-moved" });
        const moved = await deploy(pruning, id, c.ref, port);
        expect(moved.status).toBe(201);
        expect(moved.body.image_id).toBe(movedOn.id);
        expect(moved.body.pruned_images).toEqual([c.id]);
        expect(await present(c.id)).toBeUndefined();
        expect((await pruning.call("DELETE", `/api/inference/${id}`)).status).toBe(200);
      } finally {
        await pruning.close();
      }
    },
  );
});
